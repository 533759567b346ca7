/**
 * The result of resolving a SPEC benchmark: concrete, absolute commands for one size of one
 * installation, and where they run. Also the pure operations on it (moving the run directory).
 */
import { join, relative } from 'node:path';
import type { SpecInputFile } from './inputs.js';
import type { SpecTune } from './install.js';
import type { SpecBenchmarkSpec, SpecPreRunRewrite, SpecSize } from './types.js';

/** One command as specinvoke runs it, working directory `runDir`. */
export interface SpecInvocation {
  /** 1-based position among the size's invocations (what `--invocation K` selects). */
  readonly index: number;
  /**
   * Absolute path of the executable in the installation (`.../exe/mcf_r_base.<label>`).
   * specinvoke runs a byte-identical copy it places in the run directory (as
   * `../<run dir>/<file>`); lapidary runs the installed file so every tool sees one ELF path.
   */
  readonly exe: string;
  /** Arguments after argv[0], exactly as SPEC passes them (run-directory-relative file names). */
  readonly argv: readonly string[];
  /** Absolute path of the file on standard input, if any. */
  readonly stdin?: string;
  /** Absolute path receiving standard output (truncated). */
  readonly stdout: string;
  /** Absolute path receiving standard error (SPEC appends). */
  readonly stderr: string;
  /** Absolute working directory; shared by all invocations of the size. */
  readonly runDir: string;
  /** Environment SPEC sets: OMP_NUM_THREADS=1 (one thread, as gem5 SE runs it). */
  readonly env: Readonly<Record<string, string>>;
  /** Files the run directory receives before the first invocation (same list for every invocation). */
  readonly inputs: readonly SpecInputFile[];
}

/** An input-generation command, made absolute (see `SpecInputGeneration`). */
export interface SpecGenerationStep {
  readonly exe: string;
  readonly argv: readonly string[];
  readonly stdout: string;
  readonly stderr: string;
  /** Absolute path of the generated file. */
  readonly generates: string;
  readonly md5?: string;
}

/** A benchmark resolved against an installation: `resolveBenchmark`'s result. */
export interface SpecResolution {
  readonly benchmark: SpecBenchmarkSpec;
  readonly size: SpecSize;
  readonly tune: SpecTune;
  readonly label: string;
  readonly specRoot: string;
  /** Absolute run directory: `<workspace>/<bench>/run/run_<tune>_<size>_<label>.0000`. */
  readonly runDir: string;
  /** Existing data input directories, lowest priority first. */
  readonly inputDirs: readonly string[];
  readonly inputs: readonly SpecInputFile[];
  readonly generate: readonly SpecGenerationStep[];
  readonly preRun?: SpecPreRunRewrite;
  /** How many invocations the size has in all. */
  readonly invocationCount: number;
  /** All invocations, or only the one selected with `invocation`. */
  readonly invocations: readonly SpecInvocation[];
}

/** SPEC's run directory name (harness `reserve()`): `run_<tune>_<size>_<label>.0000`. */
export function runDirName(tune: SpecTune, size: SpecSize, label: string): string {
  return `run_${tune}_${size}_${label}.0000`;
}

/**
 * The workspace SPEC itself uses, `<specRoot>/benchspec/CPU`: with it, `runDirIn` is exactly the
 * directory runcpu would create.
 */
export function defaultWorkspace(specRoot: string): string {
  return join(specRoot, 'benchspec', 'CPU');
}

/** A resolution's run directory under `workspace`: `<workspace>/<bench>/run/<runDirName>` (SPEC's layout). */
export function runDirIn(workspace: string, r: Pick<SpecResolution, 'benchmark' | 'tune' | 'size' | 'label'>): string {
  return join(workspace, r.benchmark.name, 'run', runDirName(r.tune, r.size, r.label));
}

/**
 * The same resolution with its run directory moved to `runDir`; every path inside the run
 * directory moves with it. Pure.
 */
export function withRunDir(r: SpecResolution, runDir: string): SpecResolution {
  if (runDir === r.runDir) return r;
  const move = (p: string): string => join(runDir, relative(r.runDir, p));
  return {
    ...r,
    runDir,
    generate: r.generate.map((g) => ({ ...g, stdout: move(g.stdout), stderr: move(g.stderr), generates: move(g.generates) })),
    invocations: r.invocations.map((i) => ({
      ...i,
      runDir,
      stdout: move(i.stdout),
      stderr: move(i.stderr),
      ...(i.stdin === undefined ? {} : { stdin: move(i.stdin) }),
    })),
  };
}
