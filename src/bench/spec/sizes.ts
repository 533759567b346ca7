/**
 * Workload sizes: which ones a benchmark runs, and parsing the user's `--size`. Pure; no I/O.
 */
import { UsageError } from '../../errors.js';
import type { SpecBenchmarkSpec, SpecSize } from './types.js';

/** Every size name SPEC uses. */
export const SPEC_SIZES: readonly SpecSize[] = ['test', 'train', 'refrate', 'refspeed'];

/** Whether a benchmark belongs to a SPECrate suite (5xx, 997, 999) rather than SPECspeed. */
export function isRate(bench: SpecBenchmarkSpec): boolean {
  return bench.suite === 'intrate' || bench.suite === 'fprate';
}

/** The reference size of a benchmark's suite: `refrate` for rate, `refspeed` for speed. */
export function refSize(bench: SpecBenchmarkSpec): SpecSize {
  return isRate(bench) ? 'refrate' : 'refspeed';
}

/** The three sizes a benchmark runs, in SPEC's order: test, train, ref. */
export function sizesOf(bench: SpecBenchmarkSpec): SpecSize[] {
  return ['test', 'train', refSize(bench)];
}

/**
 * The size a user asked for, checked against the benchmark's suite.
 *
 * @param size `test`, `train`, `refrate`, `refspeed`, or `ref` (the suite's reference size).
 * @throws UsageError for an unknown size, or refspeed on a rate benchmark / refrate on a speed one
 *   (SPEC runs rate benchmarks only with refrate and speed ones only with refspeed).
 */
export function parseSize(bench: SpecBenchmarkSpec, size: string): SpecSize {
  const s = size.trim().toLowerCase();
  if (s === 'ref') return refSize(bench);
  if (!(SPEC_SIZES as readonly string[]).includes(s)) {
    throw new UsageError(`unknown SPEC workload size '${size}'`, { hint: `use one of ${sizesOf(bench).join(', ')} (or ref) for ${bench.name}` });
  }
  const sz = s as SpecSize;
  if (!sizesOf(bench).includes(sz)) {
    throw new UsageError(`${bench.name} is a SPEC${isRate(bench) ? 'rate' : 'speed'} benchmark and has no '${sz}' size`, {
      hint: `use ${refSize(bench)} (or ref), train or test`,
    });
  }
  return sz;
}
