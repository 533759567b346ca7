/**
 * Paired (matched-pair) comparison of two configurations measured on the same checkpoints.
 *
 * Estimator: speed-up R = mean CPI_base / mean CPI_candidate, a ratio of (weighted) means, i.e. the
 * ratio of total cycles for the same sampled instructions. The mean of per-checkpoint ratios is
 * not used: it estimates a different quantity and is biased for the aggregate speed-up.
 * Interval: delta method for a ratio estimator on paired data (W. G. Cochran, Sampling
 * Techniques, 3rd ed., 1977, §6.3–6.4): with residuals d_i = b_i − R·c_i,
 *   SE(R) ≈ √(s_d² / n_eff) / c̄,
 * which equals √((s_b² − 2R·s_bc + R²·s_c²)/n_eff) / c̄ and so gains from the positive correlation
 * of paired CPIs (matched-pair comparison: Ekman & Stenström, ISPASS 2005; Wenisch et al.,
 * "SimFlex", IEEE Micro 26(4), 2006). The interval is R ± t_{1−α/2, n_eff−1}·SE(R); it is
 * symmetric, which is adequate while the relative error is small (say < 10 %).
 */
import { weightedMoments } from './descriptive.js';
import { checkSamples, confidenceInterval } from './estimate.js';
import { DEFAULT_CONFIDENCE, type Comparison, type EstimateOptions, type Sample } from './types.js';

function byCheckpoint(samples: readonly Sample[], which: string): Map<string, Sample> {
  const map = new Map<string, Sample>();
  for (const s of samples) {
    if (map.has(s.checkpoint)) throw new RangeError(`${which} sample lists checkpoint ${s.checkpoint} twice`);
    map.set(s.checkpoint, s);
  }
  return map;
}

/**
 * Compare a candidate configuration against a base on the checkpoints both measured.
 * Weights are taken from the base samples and must match the candidate's (same checkpoint, same
 * weight). Checkpoints measured by only one side are listed and left out.
 * With fewer than 2 shared checkpoints the interval fields are NaN and the verdict inconclusive.
 * @param options.confidence two-sided level in (0, 1), default 0.997. `relativeError` is ignored.
 * @throws RangeError on duplicate checkpoints, mismatched weights or unusable CPIs.
 */
export function compareCpi(
  base: readonly Sample[],
  candidate: readonly Sample[],
  options: EstimateOptions = {},
): Comparison {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  checkSamples(base);
  checkSamples(candidate);
  const cand = byCheckpoint(candidate, 'candidate');
  const baseMap = byCheckpoint(base, 'base');
  const pairs: Array<[Sample, Sample]> = [];
  for (const b of base) {
    const c = cand.get(b.checkpoint);
    if (c === undefined) continue;
    if (Math.abs(b.weight - c.weight) > 1e-9 * Math.max(1, Math.abs(b.weight))) {
      throw new RangeError(`checkpoint ${b.checkpoint} has weight ${b.weight} in base but ${c.weight} in candidate`);
    }
    pairs.push([b, c]);
  }
  const weights = pairs.map(([b]) => b.weight);
  const bm = weightedMoments(pairs.map(([b]) => b.cpi), weights);
  const cm = weightedMoments(pairs.map(([, c]) => c.cpi), weights);
  const speedup = bm.mean / cm.mean;
  const residuals = pairs.map(([b, c]) => b.cpi - speedup * c.cpi);
  const standardError = weightedMoments(residuals, weights).standardError / cm.mean;
  const df = bm.effectiveN - 1;
  const [ciLow, ciHigh] = confidenceInterval(speedup, standardError, df, confidence);
  const halfWidth = (ciHigh - ciLow) / 2;
  return {
    checkpoints: pairs.map(([b]) => b.checkpoint),
    n: pairs.length,
    effectiveN: bm.effectiveN,
    baseMean: bm.mean,
    candidateMean: cm.mean,
    speedup,
    standardError,
    degreesOfFreedom: df,
    ciLow,
    ciHigh,
    halfWidth,
    relativeError: halfWidth / speedup,
    confidence,
    correlation: weightedCorrelation(pairs, weights, bm.mean, cm.mean),
    verdict: ciLow > 1 ? 'faster' : ciHigh < 1 ? 'slower' : 'inconclusive',
    onlyInBase: base.filter((b) => !cand.has(b.checkpoint)).map((b) => b.checkpoint),
    onlyInCandidate: candidate.filter((c) => !baseMap.has(c.checkpoint)).map((c) => c.checkpoint),
  };
}

/** Weighted Pearson correlation Σw(b − b̄)(c − c̄) / √(Σw(b − b̄)²·Σw(c − c̄)²), NaN if undefined. */
function weightedCorrelation(
  pairs: ReadonlyArray<readonly [Sample, Sample]>,
  weights: readonly number[],
  bMean: number,
  cMean: number,
): number {
  let sbc = 0;
  let sbb = 0;
  let scc = 0;
  pairs.forEach(([b, c], i) => {
    const w = weights[i]!;
    sbc += w * (b.cpi - bMean) * (c.cpi - cMean);
    sbb += w * (b.cpi - bMean) ** 2;
    scc += w * (c.cpi - cMean) ** 2;
  });
  return pairs.length < 2 || sbb === 0 || scc === 0 ? NaN : sbc / Math.sqrt(sbb * scc);
}
