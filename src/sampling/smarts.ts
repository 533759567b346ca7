/**
 * SMARTS sample-size advice and the relative-error test.
 * Source: R. E. Wunderlich, T. F. Wenisch, B. Falsafi, J. C. Hoe, "SMARTS: Accelerating
 * Microarchitecture Simulation via Rigorous Statistical Sampling", ISCA 2003, §3: to estimate the
 * mean with relative error ±ε at confidence 1 − α, measure n ≥ (z·V̂_x / ε)² units, where V̂_x is
 * the coefficient of variation and z the 100(1 − α/2) percentile of the standard normal.
 */
import { zCritical } from './normal.js';
import type { Estimate } from './types.js';

function checkEpsilon(relativeError: number): void {
  if (!(relativeError > 0) || !Number.isFinite(relativeError)) {
    throw new RangeError(`relative error must be a positive number, got ${relativeError}`);
  }
}

/**
 * Number of sampling units SMARTS asks for: ⌈(z·cv/ε)²⌉, and never fewer than 2 (one value
 * cannot estimate its own variance). z comes from the exact normal quantile of `confidence`, so
 * 0.997 gives z = 2.9677; pass {@link THREE_SIGMA_CONFIDENCE} for SMARTS' rounded z = 3.
 * A result within 1e-9 of an integer is taken as that integer before rounding up.
 *
 * @param cv coefficient of variation of the per-unit metric (dimensionless, ≥ 0); NaN gives NaN.
 * @param relativeError target ε, > 0 (0.03 = ±3 %).
 * @param confidence two-sided confidence level in (0, 1).
 * @returns sampling units (count), or NaN when cv is NaN.
 * @throws RangeError on an invalid ε, confidence, or a negative cv.
 */
export function smartsSampleSize(cv: number, relativeError: number, confidence: number): number {
  checkEpsilon(relativeError);
  const z = zCritical(confidence);
  if (Number.isNaN(cv)) return NaN;
  if (!(cv >= 0)) throw new RangeError(`coefficient of variation must be >= 0, got ${cv}`);
  const exact = ((z * cv) / relativeError) ** 2;
  const nearest = Math.round(exact);
  const n = Math.abs(exact - nearest) < 1e-9 * Math.max(1, exact) ? nearest : Math.ceil(exact);
  return Math.max(2, n);
}

/**
 * Relative error z·cv/√n that a sample of n units achieves under SMARTS' normal approximation
 * (dimensionless). Inverse of {@link smartsSampleSize}.
 * @throws RangeError on an invalid confidence.
 */
export function smartsRelativeError(cv: number, n: number, confidence: number): number {
  return (zCritical(confidence) * cv) / Math.sqrt(n);
}

/**
 * Whether an estimate's achieved relative error (t-interval half-width / |mean|) is within ε.
 * False when the estimate has no interval (n < 2).
 * @param relativeError ε, > 0; defaults to the one the estimate was made for.
 */
export function meetsTarget(estimate: Estimate, relativeError = estimate.targetRelativeError): boolean {
  checkEpsilon(relativeError);
  return estimate.relativeError <= relativeError;
}
