/**
 * Which `data/<dir>/input` directories feed a benchmark's run directory, in SPEC's order.
 * Pure: directory existence is asked through the injected `isDir`.
 *
 * Port of SPEC CPU2017 v1.1.0 `bin/harness/benchmark.pm`:
 * - `workload_dirs()`: candidates are `data/<size>/input`, `data/all/input`, then whatever
 *   object.pm `%workloads{<size>}` adds — a plain size of the same benchmark, or another
 *   benchmark (`[ '505.mcf_r' ]`), whose `data/<size>/input` is used when it exists (else that
 *   benchmark's own `%workloads{<size>}` is followed) and whose `data/all/input` is added too;
 * - `input_files_hash()`: existing candidates are unshifted, i.e. applied in reverse order, and
 *   a later directory's file replaces an earlier one's, so `data/<size>` beats `data/all`, which
 *   beats inherited directories.
 */
import { join } from 'node:path';
import type { SpecBenchmarkSpec, SpecSize, SpecWorkloadSource } from './types.js';

/** One candidate input directory. */
export interface SpecDataDir {
  /** Benchmark whose `data/` it is (a donor for inherited workloads). */
  readonly benchmark: string;
  /** Data subdirectory: a size or `all`. */
  readonly dataSet: string;
  /** Absolute path of `.../data/<dataSet>/input`. */
  readonly path: string;
}

/** Lookup of table entries by full name (for donors named in `%workloads`). */
export type SpecBenchmarkLookup = (name: string) => SpecBenchmarkSpec | undefined;

function dataDir(cpuDir: string, benchmark: string, dataSet: string): SpecDataDir {
  return { benchmark, dataSet, path: join(cpuDir, benchmark, 'data', dataSet, 'input') };
}

function inherited(
  cpuDir: string,
  owner: SpecBenchmarkSpec,
  size: SpecSize,
  sources: readonly SpecWorkloadSource[],
  lookup: SpecBenchmarkLookup,
  isDir: (path: string) => boolean,
): SpecDataDir[] {
  const out: SpecDataDir[] = [];
  for (const source of sources) {
    if ('size' in source) {
      out.push(dataDir(cpuDir, owner.name, source.size));
      continue;
    }
    const donor = lookup(source.benchmark);
    if (donor === undefined) continue; // the harness logs and ignores an unknown donor
    const own = dataDir(cpuDir, donor.name, size);
    if (isDir(own.path)) out.push(own);
    else {
      const further = donor.workloads[size];
      if (further !== undefined) out.push(...inherited(cpuDir, donor, size, further, lookup, isDir));
    }
    const all = dataDir(cpuDir, donor.name, 'all');
    if (isDir(all.path)) out.push(all);
  }
  return out;
}

/**
 * Candidate input directories in `workload_dirs()` order (highest priority first), existing or not.
 *
 * @param cpuDir `<specRoot>/benchspec/CPU`.
 */
export function candidateInputDirs(
  cpuDir: string,
  bench: SpecBenchmarkSpec,
  size: SpecSize,
  lookup: SpecBenchmarkLookup,
  isDir: (path: string) => boolean,
): SpecDataDir[] {
  const dirs = [dataDir(cpuDir, bench.name, size), dataDir(cpuDir, bench.name, 'all')];
  const extra = bench.workloads[size];
  if (extra !== undefined) dirs.push(...inherited(cpuDir, bench, size, extra, lookup, isDir));
  return dirs;
}

/**
 * The existing input directories in the order their files are laid down (lowest priority
 * first; a later directory's file replaces an earlier one's of the same relative name).
 */
export function inputDirsInMergeOrder(
  cpuDir: string,
  bench: SpecBenchmarkSpec,
  size: SpecSize,
  lookup: SpecBenchmarkLookup,
  isDir: (path: string) => boolean,
): SpecDataDir[] {
  return candidateInputDirs(cpuDir, bench, size, lookup, isDir)
    .filter((d) => isDir(d.path))
    .reverse();
}
