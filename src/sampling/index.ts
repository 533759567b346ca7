/**
 * sampling/: SMARTS-style statistics of sampled simulation — mean CPI with Student-t confidence
 * intervals, SMARTS sample-size advice, and paired comparison of two configurations.
 * Owns pure maths on numbers only: it must not import anything that does I/O (no node:fs, no
 * gem5/, no simulate/), so every function is testable from literal arrays.
 */
export { compareCpi } from './compare.js';
export { coefficientOfVariation, mean, sampleStdDev, weightedMoments, type Moments } from './descriptive.js';
export { checkSamples, confidenceInterval, estimateCpi, estimateMean, type MeanOptions } from './estimate.js';
export { normalQuantile, THREE_SIGMA_CONFIDENCE, zCritical } from './normal.js';
export { meetsTarget, smartsRelativeError, smartsSampleSize } from './smarts.js';
export { lnBeta, lnGamma, regularizedIncompleteBeta } from './special.js';
export { studentTCdf, studentTPdf, studentTQuantile, tCritical } from './student-t.js';
export {
  DEFAULT_CONFIDENCE,
  DEFAULT_RELATIVE_ERROR,
  type Comparison,
  type Estimate,
  type EstimateOptions,
  type Sample,
} from './types.js';
