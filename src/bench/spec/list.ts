/**
 * `lapidary bench list`: the table as rows. Pure; needs no installation.
 */
import { sizesOf } from './sizes.js';
import { SPEC_BENCHMARKS } from './table/index.js';
import type { SpecLanguage, SpecSize, SpecSuite } from './types.js';

/** One row of `lapidary bench list`. */
export interface SpecBenchmarkListing {
  /** `505.mcf_r`. */
  readonly name: string;
  /** `mcf` — what `--bench` accepts when unambiguous. */
  readonly shortName: string;
  readonly suite: SpecSuite;
  readonly language: readonly SpecLanguage[];
  /** Invocations per size, e.g. `{ test: 1, train: 1, refrate: 1 }`; only the suite's sizes. */
  readonly invocations: Readonly<Partial<Record<SpecSize, number>>>;
  /** Whether the benchmark is one of SPEC's unscored specrand companions (996–999). */
  readonly companion: boolean;
}

/**
 * Every benchmark (47), sorted by number.
 *
 * @param suite keep only one suite.
 */
export function listBenchmarks(suite?: SpecSuite): SpecBenchmarkListing[] {
  return SPEC_BENCHMARKS.filter((b) => suite === undefined || b.suite === suite).map((b) => ({
    name: b.name,
    shortName: b.shortName,
    suite: b.suite,
    language: b.language,
    invocations: Object.fromEntries(sizesOf(b).map((s) => [s, b.sizes[s]?.invocations.length ?? 0])),
    companion: b.number >= 996,
  }));
}
