import { UsageError } from '../errors.js';

/**
 * Check a numeric option that counts whole things (instructions, intervals): a safe integer of
 * at least `min`, or absent.
 * @throws UsageError naming the option and the value given.
 */
export function wholeOption(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= min)) {
    throw new UsageError(`--${name} must be a whole number${min > 0 ? ` of at least ${min}` : ''}, got ${value}`);
  }
}
