/**
 * Descriptive statistics of a sample: mean, sample standard deviation (n − 1), coefficient of
 * variation, and their weighted forms. Results are NaN where the sample is too small.
 */

/** Arithmetic mean Σx/n, in the unit of the values; NaN for an empty sample. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * Sample standard deviation s = √(Σ(x − x̄)²/(n − 1)) (Bessel's correction), in the unit of the
 * values; NaN for n < 2. Two-pass algorithm, so no cancellation for large means.
 */
export function sampleStdDev(values: readonly number[]): number {
  return weightedMoments(values).stddev;
}

/** Coefficient of variation s/|x̄|, dimensionless (SMARTS' V̂_x); NaN for n < 2 or x̄ = 0. */
export function coefficientOfVariation(values: readonly number[]): number {
  const m = weightedMoments(values);
  return m.stddev / Math.abs(m.mean);
}

/** Weighted sample moments; see {@link weightedMoments}. */
export interface Moments {
  /** Number of values. */
  n: number;
  /** Σw. */
  sumWeights: number;
  /** Kish effective sample size (Σw)²/Σw²; n when all weights are equal. */
  effectiveN: number;
  /** Weighted mean Σwx/Σw. */
  mean: number;
  /** Unbiased weighted standard deviation (reliability weights); NaN if effectiveN ≤ 1. */
  stddev: number;
  /** Standard error of the weighted mean, stddev/√effectiveN; NaN if effectiveN ≤ 1. */
  standardError: number;
}

/**
 * Weighted mean, standard deviation and standard error of the mean.
 *
 * Variance with reliability weights, unbiased for independent values of a common variance:
 *   s_w² = Σw(x − x̄_w)² / (V1 − V2/V1),  V1 = Σw, V2 = Σw²
 * (GNU Scientific Library manual, "Weighted Samples", gsl_stats_wvariance), and
 *   Var(x̄_w) = s_w² · V2/V1² = s_w² / n_eff,  n_eff = V1²/V2 (Kish, Survey Sampling, 1965).
 * With all weights equal these are exactly s² = Σ(x − x̄)²/(n − 1) and s²/n.
 * Caveat for SimPoint weights: points drawn one per cluster do not share a common variance, so
 * this interval describes the spread between points, not a stratified-sampling error.
 *
 * @param weights one per value, finite and ≥ 0 with a positive sum; all 1 when omitted.
 * @throws RangeError on a non-finite value, a bad weight, or a length mismatch.
 */
export function weightedMoments(values: readonly number[], weights?: readonly number[]): Moments {
  const n = values.length;
  if (weights !== undefined && weights.length !== n) {
    throw new RangeError(`got ${n} values but ${weights.length} weights`);
  }
  const w = (i: number): number => (weights === undefined ? 1 : weights[i]!);
  let v1 = 0;
  let v2 = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    const wi = w(i);
    if (!Number.isFinite(x)) throw new RangeError(`value #${i} is not finite: ${x}`);
    if (!(wi >= 0) || !Number.isFinite(wi)) throw new RangeError(`weight #${i} must be finite and >= 0: ${wi}`);
    v1 += wi;
    v2 += wi * wi;
    sum += wi * x;
  }
  if (n === 0) return { n, sumWeights: 0, effectiveN: 0, mean: NaN, stddev: NaN, standardError: NaN };
  if (!(v1 > 0)) throw new RangeError('the weights sum to 0');
  const mu = sum / v1;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += w(i) * (values[i]! - mu) ** 2;
  const effectiveN = (v1 * v1) / v2;
  const denominator = v1 - v2 / v1;
  // Equal weights can leave n_eff a hair off n; treat |n_eff − 1| < 1e-9 as a single point.
  const stddev = effectiveN - 1 > 1e-9 ? Math.sqrt(ss / denominator) : NaN;
  return { n, sumWeights: v1, effectiveN, mean: mu, stddev, standardError: stddev / Math.sqrt(effectiveN) };
}
