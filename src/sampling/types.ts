/**
 * Data shapes of sampled simulation: one measured checkpoint (`Sample`), the estimate of a mean
 * with its confidence interval (`Estimate`), and the paired comparison of two configurations
 * (`Comparison`). Plain JSON-serialisable data; no functions, no classes.
 */

/**
 * One measured sampling unit: the detailed-simulation window after one checkpoint.
 * Source of the shape: docs of lapidary's pipeline (`sampling/` consumes numbers only).
 */
export interface Sample {
  /** Checkpoint name or id; unique within one configuration's sample. */
  checkpoint: string;
  /**
   * Relative weight, dimensionless, > 0. 1 for SMARTS systematic sampling (every unit counts the
   * same); a SimPoint cluster weight (fraction of execution the point represents) otherwise.
   */
  weight: number;
  /** Cycles per committed instruction in the measured window (cycles/instruction), finite, > 0. */
  cpi: number;
  /** Committed instructions in the measured window, if known (instructions). */
  instructions?: number;
  /** CPU cycles in the measured window, if known (cycles). */
  cycles?: number;
}

/** Options shared by the estimators. */
export interface EstimateOptions {
  /** Two-sided confidence level in (0, 1). Default {@link DEFAULT_CONFIDENCE} (0.997). */
  confidence?: number;
  /** Target relative half-width ε of the interval, > 0 (0.03 = ±3 %). Default 0.03. */
  relativeError?: number;
}

/** SMARTS' design point: 99.7 % confidence (Wunderlich et al., ISCA 2003, §3). */
export const DEFAULT_CONFIDENCE = 0.997;
/** SMARTS' design point: ±3 % relative error (Wunderlich et al., ISCA 2003, §3). */
export const DEFAULT_RELATIVE_ERROR = 0.03;

/**
 * Estimate of a (weighted) population mean from a sample, with a Student-t confidence interval
 * and SMARTS sample-size advice. Every quantity is in the unit of the sampled values (CPI:
 * cycles/instruction) unless said otherwise. Quantities that need more data than given are NaN
 * (n < 2: no standard deviation, no interval; JSON renders NaN as null).
 */
export interface Estimate {
  /** Number of values (sampling units). */
  n: number;
  /** Kish effective sample size (Σw)²/Σw²; equals n with equal weights. */
  effectiveN: number;
  /** (Weighted) sample mean Σwx/Σw. */
  mean: number;
  /** Sample standard deviation with Bessel's correction (n − 1; reliability weights if weighted). */
  stddev: number;
  /** Standard error of the mean, stddev/√effectiveN. */
  standardError: number;
  /** Coefficient of variation stddev/|mean|, dimensionless (SMARTS' V̂). */
  cv: number;
  /** Degrees of freedom of the t quantile used: effectiveN − 1. */
  degreesOfFreedom: number;
  /** Lower end of the two-sided confidence interval of the mean. */
  ciLow: number;
  /** Upper end of the two-sided confidence interval of the mean. */
  ciHigh: number;
  /** Half-width t·standardError of the interval. */
  halfWidth: number;
  /** Achieved relative error halfWidth/|mean|, dimensionless. */
  relativeError: number;
  /** Two-sided confidence level used, in (0, 1). */
  confidence: number;
  /** Requested relative error ε, dimensionless. */
  targetRelativeError: number;
  /** SMARTS advice n ≥ (z·cv/ε)² for this confidence and ε (at least 2; NaN if cv is NaN). */
  requiredN: number;
  /** relativeError ≤ targetRelativeError (false when either is NaN). */
  meetsTarget: boolean;
}

/**
 * Paired comparison of a base and a candidate configuration on the checkpoints both measured.
 * speedup = mean CPI_base / mean CPI_candidate (ratio of means; > 1 means the candidate is faster).
 */
export interface Comparison {
  /** Checkpoints present in both samples, in the base sample's order. */
  checkpoints: string[];
  /** Number of shared checkpoints. */
  n: number;
  /** Kish effective sample size of the shared checkpoints' weights. */
  effectiveN: number;
  /** Weighted mean CPI of the base configuration on the shared checkpoints (cycles/instruction). */
  baseMean: number;
  /** Weighted mean CPI of the candidate on the shared checkpoints (cycles/instruction). */
  candidateMean: number;
  /** baseMean / candidateMean, dimensionless. */
  speedup: number;
  /** Delta-method (ratio-estimator) standard error of speedup, dimensionless. */
  standardError: number;
  /** Degrees of freedom of the t quantile: effectiveN − 1. */
  degreesOfFreedom: number;
  /** Lower end of the two-sided confidence interval of speedup (NaN with n < 2). */
  ciLow: number;
  /** Upper end of the two-sided confidence interval of speedup (NaN with n < 2). */
  ciHigh: number;
  /** Half-width t·standardError of that interval, dimensionless. */
  halfWidth: number;
  /** halfWidth / speedup, dimensionless. */
  relativeError: number;
  /** Two-sided confidence level used, in (0, 1). */
  confidence: number;
  /** Weighted Pearson correlation of the paired CPIs; pairing helps when it is high. */
  correlation: number;
  /** 'faster' if the whole interval is above 1, 'slower' if below 1, else 'inconclusive'. */
  verdict: 'faster' | 'slower' | 'inconclusive';
  /** Checkpoints only the base measured (left out of the comparison). */
  onlyInBase: string[];
  /** Checkpoints only the candidate measured (left out of the comparison). */
  onlyInCandidate: string[];
}
