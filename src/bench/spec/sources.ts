/**
 * Where the benchmark table comes from, and what it was checked against.
 *
 * The table's primary source is SPEC's own description of each run, which no public mirror of a
 * single command list reproduces in full: every `benchspec/CPU/<bench>/Spec/object.pm`
 * (`invoke()` builds the commands from the data directory contents), the `control`/`*.in`/`*.lst`
 * files in `benchspec/CPU/<bench>/data/<size>/input/`, and the harness
 * `bin/harness/benchmark.pm` (`workload_dirs()`, `input_files_hash()`, `exe_files()`,
 * `setup_run_environment()`), read from a public copy of a SPEC CPU2017 v1.1.0 installation.
 * The independent sources below hard-code command lines; `SpecSizeSpec.checkedBy` lists the
 * ones that agree for a size.
 */
import type { SpecBenchmarkSpec, SpecSize, SpecSourceId } from './types.js';

/** A public file the table was derived from or checked against. */
export interface SpecSource {
  /** GitHub owner/name. */
  readonly repo: string;
  /** Path in the repository; `<bench>`/`<size>` are placeholders. */
  readonly path: string;
  /** Which sizes and how many invocations it covers. */
  readonly covers: string;
}

/** SPEC CPU2017 v1.1.0 itself (the authoritative source for every entry). */
export const SPEC_ORIGIN: SpecSource = {
  repo: 'chfeng-cs/CPU2017',
  path: 'benchspec/CPU/<bench>/Spec/object.pm, benchspec/CPU/<bench>/data/<size>/input/*, bin/harness/benchmark.pm',
  covers: 'all 47 benchmarks, every size and invocation (commit 42dac4b7, version.txt 1.1.0)',
};

/** Independent command tables, keyed by the ids used in `checkedBy`. */
export const SPEC_CHECK_SOURCES: Readonly<Record<SpecSourceId, SpecSource>> = {
  xiangshan: {
    repo: 'OpenXiangShan/CPU2017LiteWrapper',
    path: '<bench>/run-<size>.sh',
    covers: 'the 23 rate benchmarks, test/train/refrate, every invocation with redirections',
  },
  fyp: {
    repo: 'jw38176/FYP_scripts',
    path: 'simulate/spec_def.py',
    covers: 'the 43 benchmarks at refrate/refspeed, every invocation (no output names)',
  },
  lingda: {
    repo: 'lingda-li/gem5_env',
    path: 'scripts/benchlist_spectest.py, scripts/benchlist_specref.py',
    covers: 'rate benchmarks and 997/999 at test and refrate, first invocation',
  },
  binu: {
    repo: 'BinuChristopher/Spec2017_Gem5_SE_setup',
    path: 'spec17_benchmarks.py',
    covers: 'the 43 benchmarks at refrate/refspeed (first invocation) and specrand at test',
  },
  camp: {
    repo: 'cla7aye15I4nd/camp-experiment',
    path: 'records/spec/ffmalloc_st/int_ffmalloc_st_2017_test.sh, records/spec/ffmalloc_st/fp_ffmalloc_st_2017_test.sh',
    covers: 'the C/C++ speed benchmarks at refspeed, every invocation (a runcpu-generated peak run)',
  },
};

/** A concrete file behind one size's command lines. */
export interface SpecSourceRef {
  readonly repo: string;
  readonly path: string;
  /** `origin` (derived from it) or the id of an independent check. */
  readonly role: 'origin' | SpecSourceId;
  /** The rate benchmark whose identical commands the check covers (`sameAs`). */
  readonly via?: string;
}

function checkPath(id: SpecSourceId, bench: SpecBenchmarkSpec, size: SpecSize): string {
  switch (id) {
    case 'xiangshan':
      return `${bench.name}/run-${size}.sh`;
    case 'lingda':
      return size === 'test' ? 'scripts/benchlist_spectest.py' : 'scripts/benchlist_specref.py';
    default:
      return SPEC_CHECK_SOURCES[id].path;
  }
}

/**
 * The repository files one size's command lines come from and were checked against:
 * the benchmark's object.pm and the data tree(s) it reads, then every agreeing source.
 *
 * @param lookup table entries by name (to follow `sameAs`).
 */
export function sourcesOf(bench: SpecBenchmarkSpec, size: SpecSize, lookup: (name: string) => SpecBenchmarkSpec | undefined): SpecSourceRef[] {
  const spec = bench.sizes[size];
  if (spec === undefined) return [];
  const donors = (bench.workloads[size] ?? []).flatMap((w) => ('benchmark' in w ? [w.benchmark] : []));
  const refs: SpecSourceRef[] = [
    { repo: SPEC_ORIGIN.repo, path: `benchspec/CPU/${bench.name}/Spec/object.pm`, role: 'origin' },
    ...[bench.name, ...donors].map((b) => ({ repo: SPEC_ORIGIN.repo, path: `benchspec/CPU/${b}/data/`, role: 'origin' as const })),
    ...spec.checkedBy.map((id) => ({ repo: SPEC_CHECK_SOURCES[id].repo, path: checkPath(id, bench, size), role: id })),
  ];
  const twin = spec.sameAs === undefined ? undefined : lookup(spec.sameAs);
  if (twin !== undefined) {
    for (const id of twin.sizes[size]?.checkedBy ?? []) {
      refs.push({ repo: SPEC_CHECK_SOURCES[id].repo, path: checkPath(id, twin, size), role: id, via: twin.name });
    }
  }
  return refs;
}
