/**
 * Confidence interval of a (weighted) mean, and the SMARTS estimate of mean CPI from samples.
 */
import { weightedMoments } from './descriptive.js';
import { smartsSampleSize } from './smarts.js';
import { tCritical } from './student-t.js';
import {
  DEFAULT_CONFIDENCE,
  DEFAULT_RELATIVE_ERROR,
  type Estimate,
  type EstimateOptions,
  type Sample,
} from './types.js';

/** Options of {@link estimateMean}: confidence, ε, and optional weights. */
export interface MeanOptions extends EstimateOptions {
  /** One weight per value (≥ 0, positive sum); all 1 when omitted. */
  weights?: readonly number[];
}

/**
 * Two-sided confidence interval of a population mean from its sample estimate:
 * mean ± t_{1−α/2, df} · standardError (Student, 1908). df may be fractional.
 * @returns [low, high] in the unit of the mean; [NaN, NaN] when standardError or df is unusable.
 */
export function confidenceInterval(
  mean: number,
  standardError: number,
  degreesOfFreedom: number,
  confidence: number,
): [low: number, high: number] {
  if (!(degreesOfFreedom > 0) || !Number.isFinite(standardError)) return [NaN, NaN];
  const half = tCritical(confidence, degreesOfFreedom) * standardError;
  return [mean - half, mean + half];
}

/**
 * Estimate a population mean from sample values: (weighted) mean, sample standard deviation,
 * Student-t interval with effectiveN − 1 degrees of freedom, achieved relative error, and the
 * SMARTS sample size for the requested ε (Wunderlich et al., ISCA 2003, §3).
 * Weighted variance: see {@link weightedMoments} (GSL reliability weights, Kish n_eff).
 * Never throws for a small sample: with n < 2 the spread-dependent fields are NaN.
 * @throws RangeError on non-finite values, bad weights, confidence ∉ (0, 1) or ε ≤ 0.
 */
export function estimateMean(values: readonly number[], options: MeanOptions = {}): Estimate {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const target = options.relativeError ?? DEFAULT_RELATIVE_ERROR;
  const m = weightedMoments(values, options.weights);
  const df = m.effectiveN - 1;
  const cv = m.stddev / Math.abs(m.mean);
  // Also validates confidence and ε, even when the sample is too small to use them.
  const requiredN = smartsSampleSize(cv, target, confidence);
  const [ciLow, ciHigh] = confidenceInterval(m.mean, m.standardError, df, confidence);
  const halfWidth = (ciHigh - ciLow) / 2;
  const relativeError = halfWidth / Math.abs(m.mean);
  return {
    n: m.n,
    effectiveN: m.effectiveN,
    mean: m.mean,
    stddev: m.stddev,
    standardError: m.standardError,
    cv,
    degreesOfFreedom: df,
    ciLow,
    ciHigh,
    halfWidth,
    relativeError,
    confidence,
    targetRelativeError: target,
    requiredN,
    meetsTarget: relativeError <= target,
  };
}

/**
 * Check that every sample has a usable CPI and weight, naming the checkpoint otherwise.
 * @throws RangeError for CPI not finite or ≤ 0, or weight not finite or < 0.
 */
export function checkSamples(samples: readonly Sample[]): void {
  for (const s of samples) {
    if (!(s.cpi > 0) || !Number.isFinite(s.cpi)) {
      throw new RangeError(`checkpoint ${s.checkpoint}: CPI must be a positive finite number, got ${s.cpi}`);
    }
    if (!(s.weight >= 0) || !Number.isFinite(s.weight)) {
      throw new RangeError(`checkpoint ${s.checkpoint}: weight must be finite and >= 0, got ${s.weight}`);
    }
  }
}

/**
 * SMARTS estimate of mean CPI (cycles/instruction) over the measured checkpoints, weighted by
 * `Sample.weight` (use 1 for systematic sampling). Mean CPI of equal-length units equals total
 * cycles over total instructions of the sampled windows.
 * @throws RangeError on an unusable sample (see {@link checkSamples}) or bad options.
 */
export function estimateCpi(samples: readonly Sample[], options: EstimateOptions = {}): Estimate {
  checkSamples(samples);
  return estimateMean(
    samples.map((s) => s.cpi),
    { ...options, weights: samples.map((s) => s.weight) },
  );
}
