import { LapidaryError } from '../errors.js';

/**
 * Instruction positions cannot be planned or reached: a missing tool, a program the profiling
 * pass cannot follow (threads), or a native run that does not match the plan (divergence).
 * Code LAPIDARY_INSTS (the lead adds it to docs/errors.md with the other codes).
 */
export class InstsError extends LapidaryError {
  readonly code = 'LAPIDARY_INSTS' as const;
}
