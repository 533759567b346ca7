/**
 * One-paragraph text summaries of a sampling estimate and of a comparison.
 */
import type { Comparison, Estimate } from '../sampling/index.js';
import { formatFixed, formatPercent } from './columns.js';

const level = (confidence: number): string => `${Number((confidence * 100).toPrecision(4))}%`;

/**
 * Summary of an estimate, e.g.
 * `mean CPI 1.2346 ± 0.0345 (99.7% CI 1.2001 – 1.2691, ±2.79%), n = 40`
 * `target ±3.00%: met; SMARTS asks for n ≥ 31 (cv 0.1234)`.
 * @param label name of the estimated quantity.
 */
export function renderEstimate(e: Estimate, label = 'mean CPI'): string {
  const head = `${label} ${formatFixed(e.mean, 4)}`;
  const lines =
    e.n < 2
      ? [`${head}, n = ${e.n}: at least 2 checkpoints are needed for a confidence interval`]
      : [
          `${head} ± ${formatFixed(e.halfWidth, 4)} (${level(e.confidence)} CI ${formatFixed(e.ciLow, 4)} – ` +
            `${formatFixed(e.ciHigh, 4)}, ±${formatPercent(e.relativeError)}), n = ${e.n}` +
            (Math.abs(e.effectiveN - e.n) > 1e-9 ? ` (effective ${formatFixed(e.effectiveN, 1)})` : ''),
          `target ±${formatPercent(e.targetRelativeError)}: ${e.meetsTarget ? 'met' : 'not met'}; ` +
            `SMARTS asks for n ≥ ${e.requiredN} (cv ${formatFixed(e.cv, 4)})`,
        ];
  return `${lines.join('\n')}\n`;
}

/**
 * Summary of a comparison, e.g.
 * `speed-up 1.0843 ± 0.0123 (99.7% CI 1.0720 – 1.0966) on 38 shared checkpoints: candidate faster`.
 */
export function renderComparison(c: Comparison): string {
  const verdict = { faster: 'candidate faster', slower: 'candidate slower', inconclusive: 'inconclusive' }[c.verdict];
  const lines = [
    `speed-up ${formatFixed(c.speedup, 4)} ± ${formatFixed(c.halfWidth, 4)} (${level(c.confidence)} CI ` +
      `${formatFixed(c.ciLow, 4)} – ${formatFixed(c.ciHigh, 4)}) on ${c.n} shared checkpoints: ${verdict}`,
    `base mean CPI ${formatFixed(c.baseMean, 4)}, candidate mean CPI ${formatFixed(c.candidateMean, 4)}, ` +
      `correlation ${formatFixed(c.correlation, 3) || 'n/a'}`,
  ];
  const listed = (names: string[]): string =>
    `${names.length} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`;
  if (c.onlyInBase.length > 0) lines.push(`left out, only in base: ${listed(c.onlyInBase)}`);
  if (c.onlyInCandidate.length > 0) lines.push(`left out, only in candidate: ${listed(c.onlyInCandidate)}`);
  return `${lines.join('\n')}\n`;
}
