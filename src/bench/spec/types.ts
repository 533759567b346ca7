/**
 * The shapes of the SPEC CPU 2017 benchmark table (pure data; no I/O).
 *
 * The vocabulary is SPEC's own: a *benchmark* (`505.mcf_r`) runs one or more *invocations*
 * (commands) per *workload size* (`test`, `train`, `refrate`/`refspeed`), all in one run
 * directory filled from the benchmark's `data/<size>/input` and `data/all/input` directories.
 * Source: SPEC CPU2017 v1.1.0 `bin/harness/benchmark.pm` and each `benchspec/CPU/<b>/Spec/object.pm`.
 */

/** The four SPEC CPU 2017 suites. `specrand` companions belong to the suite they ship with. */
export type SpecSuite = 'intrate' | 'intspeed' | 'fprate' | 'fpspeed';

/**
 * A workload size, as named by SPEC (`runcpu --size`). Rate benchmarks (5xx, 997, 999) run
 * `test`, `train` and `refrate`; speed benchmarks (6xx, 996, 998) `test`, `train` and `refspeed`.
 */
export type SpecSize = 'test' | 'train' | 'refrate' | 'refspeed';

/** Source languages, from object.pm `$benchlang` (`C`, `CXX`, `F`). */
export type SpecLanguage = 'C' | 'C++' | 'Fortran';

/** Independent public sources the table was checked against; see ../sources.ts. */
export type SpecSourceId = 'xiangshan' | 'fyp' | 'lingda' | 'binu' | 'camp';

/**
 * One command of a workload, as object.pm `invoke()` returns it and specinvoke runs it:
 * `<exe> <args…> [< stdin] > stdout 2>> stderr`, with the run directory as working directory.
 * `stdout`/`stderr` may contain `{exe}`, replaced by the executable's file name
 * (`cam4_r_base.mytest-m64`), because some benchmarks (527/627 cam4, 525/625 x264) name their
 * output after it.
 */
export interface SpecInvocationSpec {
  /** Base executable name from object.pm `@base_exe` (`mcf_r`); the file is `exe/<exe>_<tune>.<label>`. */
  readonly exe: string;
  /** Arguments after argv[0]; file names are relative to the run directory. */
  readonly args: readonly string[];
  /** File in the run directory fed on standard input, if any. */
  readonly stdin?: string;
  /** File in the run directory that receives standard output (truncated). */
  readonly stdout: string;
  /** File in the run directory that receives standard error (SPEC appends: `2>>`). */
  readonly stderr: string;
}

/**
 * An input-generation command (object.pm `generate_inputs()`), run once in the run directory
 * before the workload when `generates` is missing: 525/625 x264 decode `BuckBunny.264` with
 * `ldecod`, 549/649 fotonik3d unpack `OBJ.dat.xz` with SPEC's `bin/specxz`.
 */
export interface SpecInputGeneration {
  /** A base executable of the benchmark, or a tool from `$SPEC/bin`. */
  readonly exe: string | { readonly tool: 'specxz' };
  readonly args: readonly string[];
  readonly stdout: string;
  readonly stderr: string;
  /** The file the command creates in the run directory. */
  readonly generates: string;
  /** Expected MD5 of `generates`, when SPEC's control file gives one. */
  readonly md5?: string;
}

/**
 * A pre_run() rewrite (628.pop2_s, 654.roms_s): every input file ending in `stripSuffix` is
 * copied to the same name without the suffix, each line passed through the substitutions
 * (first match per line, like Perl `s///` without `/g`). Values are those for one thread.
 */
export interface SpecPreRunRewrite {
  readonly stripSuffix: string;
  readonly substitutions: ReadonlyArray<{ readonly pattern: string; readonly replacement: string }>;
}

/** Where a size inherits input files from (object.pm `%workloads`). */
export type SpecWorkloadSource = { readonly size: SpecSize } | { readonly benchmark: string };

/** Everything SPEC runs for one benchmark at one size. */
export interface SpecSizeSpec {
  readonly invocations: readonly SpecInvocationSpec[];
  readonly generate?: readonly SpecInputGeneration[];
  readonly preRun?: SpecPreRunRewrite;
  /** Independent sources whose command lines for this size match the table. */
  readonly checkedBy: readonly SpecSourceId[];
  /** Rate benchmark with the same data directory and `invoke()`, whose checks carry over. */
  readonly sameAs?: string;
  /** Discrepancies found while checking. */
  readonly note?: string;
}

/** One SPEC CPU 2017 benchmark (or specrand companion). */
export interface SpecBenchmarkSpec {
  /** Full name, `505.mcf_r`. */
  readonly name: string;
  readonly number: number;
  /** Name without the number, `mcf_r`. */
  readonly benchName: string;
  /** Name without the number and the suite suffix, `mcf` (not unique: 505 and 605 share it). */
  readonly shortName: string;
  readonly suite: SpecSuite;
  readonly language: readonly SpecLanguage[];
  /** object.pm `@base_exe`: every executable `runcpu --action=build` produces; the first runs. */
  readonly exes: readonly string[];
  /** object.pm `%workloads`: per size, extra data directories inherited (harness order). */
  readonly workloads: Readonly<Partial<Record<SpecSize, readonly SpecWorkloadSource[]>>>;
  /** The three sizes SPEC defines for the benchmark's suite. */
  readonly sizes: Readonly<Partial<Record<SpecSize, SpecSizeSpec>>>;
}
