/**
 * `--bench mcf --size test` → the exact commands runcpu/specinvoke would run, checked against an
 * installation. Reads the installation (directory listings only); writes nothing.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, UsageError } from '../../errors.js';
import { collectInputFiles } from './inputs.js';
import { chooseLabel, exeFileName, isDirectory, requireExecutables, specCpuDir, type SpecTune } from './install.js';
import { findBenchmark } from './names.js';
import { defaultWorkspace, runDirIn, type SpecGenerationStep, type SpecInvocation, type SpecResolution } from './resolution.js';
import { parseSize } from './sizes.js';
import { SPEC_BENCHMARKS } from './table/index.js';
import type { SpecBenchmarkSpec, SpecSizeSpec } from './types.js';
import { candidateInputDirs, inputDirsInMergeOrder } from './workload-dirs.js';

/** Options of `resolveBenchmark`. */
export interface SpecResolveOptions {
  /** Root of the SPEC CPU 2017 installation (holds `shrc`, `bin/`, `benchspec/`). */
  readonly specRoot: string;
  /** `test`, `train`, `refrate`, `refspeed`, or `ref` for the suite's reference size. */
  readonly size: string;
  /** The build label (`exe/<exe>_base.<label>`); may be omitted when only one is built. */
  readonly label?: string;
  /** 1-based invocation to keep (`--invocation K`); all when omitted. */
  readonly invocation?: number;
  /** `base` (default) or `peak`. */
  readonly tune?: SpecTune;
  /** Parent of the run directories; defaults to SPEC's own `<specRoot>/benchspec/CPU`. */
  readonly workspace?: string;
}

const lookup = (name: string): SpecBenchmarkSpec | undefined => SPEC_BENCHMARKS.find((b) => b.name === name);

/** The environment specinvoke gives a single-threaded run (harness `setup_run_environment()`). */
const SPEC_ENV: Readonly<Record<string, string>> = { OMP_NUM_THREADS: '1' };

function checkInvocationIndex(bench: SpecBenchmarkSpec, size: string, count: number, k: number | undefined): void {
  if (k === undefined) return;
  if (!Number.isInteger(k) || k < 1 || k > count) {
    throw new UsageError(`${bench.name} ${size} has ${count} invocation${count === 1 ? '' : 's'}; --invocation ${k} is out of range`, {
      hint: count === 1 ? 'use --invocation 1 or leave it out' : `choose 1..${count}, or leave it out to run them all in order`,
    });
  }
}

/** Files that will exist in the run directory before the first invocation. */
function availableFiles(spec: SpecSizeSpec, inputs: readonly { target: string }[]): Set<string> {
  const have = new Set(inputs.map((i) => i.target));
  const suffix = spec.preRun?.stripSuffix;
  if (suffix !== undefined) for (const t of [...have]) if (t.endsWith(suffix)) have.add(t.slice(0, -suffix.length));
  for (const g of spec.generate ?? []) have.add(g.generates);
  return have;
}

function dataDirsFor(cpuDir: string, bench: SpecBenchmarkSpec, size: SpecResolution['size']): string[] {
  const dirs = inputDirsInMergeOrder(cpuDir, bench, size, lookup, isDirectory);
  if (!dirs.some((d) => d.dataSet !== 'all')) {
    const wanted = candidateInputDirs(cpuDir, bench, size, lookup, () => true).filter((d) => d.dataSet !== 'all');
    throw new ConfigError(`input data for ${bench.name} size ${size} is missing: ${wanted.map((d) => d.path).join(' or ')} does not exist`, {
      hint: 'the SPEC CPU 2017 installation is incomplete; re-run install.sh from the SPEC media into this directory',
    });
  }
  return dirs.map((d) => d.path);
}

/**
 * Resolve a SPEC CPU 2017 benchmark name to the native invocations SPEC runs for a size.
 *
 * @param name `505.mcf_r`, `505`, `mcf_r`, or `mcf` when unambiguous.
 * @returns `{benchmark, size, invocations: [{index, exe, argv, stdin?, stdout, stderr, runDir,
 *   inputs, env}], inputs, generate, preRun?, runDir, …}`; paths are absolute.
 * @throws UsageError for an unknown/ambiguous name, a size the suite lacks, an out-of-range
 *   invocation, or an unchosen label; ConfigError when the installation lacks the benchmark's
 *   executables (with the `runcpu --action=build` command to run), its data, or SPEC's tools.
 */
export function resolveBenchmark(name: string, options: SpecResolveOptions): SpecResolution {
  const bench = findBenchmark(name);
  const size = parseSize(bench, options.size);
  const spec = bench.sizes[size]!;
  checkInvocationIndex(bench, size, spec.invocations.length, options.invocation);
  const tune = options.tune ?? 'base';
  if (tune !== 'base' && tune !== 'peak') throw new UsageError(`unknown tuning '${String(tune)}'`, { hint: 'use base or peak' });

  const specRoot = resolve(options.specRoot);
  const cpuDir = specCpuDir(specRoot);
  const label = chooseLabel(specRoot, bench, tune, options.label);
  const needed = [...new Set([...spec.invocations.map((i) => i.exe), ...(spec.generate ?? []).flatMap((g) => (typeof g.exe === 'string' ? [g.exe] : []))])];
  const exes = requireExecutables(specRoot, bench, tune, label, needed);
  const specxz = join(specRoot, 'bin', 'specxz');
  if ((spec.generate ?? []).some((g) => typeof g.exe !== 'string') && !existsSync(specxz)) {
    throw new ConfigError(`SPEC's tools are missing: ${specxz} does not exist (${bench.name} needs it to unpack its input)`, {
      hint: 're-run install.sh; it installs the tools into bin/',
    });
  }

  const inputDirs = dataDirsFor(cpuDir, bench, size);
  const inputs = collectInputFiles(inputDirs);
  const have = availableFiles(spec, inputs);
  for (const inv of spec.invocations) {
    if (inv.stdin !== undefined && !have.has(inv.stdin)) {
      throw new ConfigError(`input file ${inv.stdin} of ${bench.name} (${size}) is in none of ${inputDirs.join(', ')}`, {
        hint: 'the SPEC CPU 2017 installation is incomplete; re-run install.sh',
      });
    }
  }

  const runDir = runDirIn(resolve(options.workspace ?? defaultWorkspace(specRoot)), { benchmark: bench, tune, size, label });
  const inRun = (f: string): string => join(runDir, f);
  const exePath = (exe: string): string => exes.get(exe) ?? join(cpuDir, bench.name, 'exe', exeFileName(exe, tune, label));
  const named = (template: string, exe: string): string => inRun(template.replaceAll('{exe}', exeFileName(exe, tune, label)));

  const all: SpecInvocation[] = spec.invocations.map((inv, i) => ({
    index: i + 1,
    exe: exePath(inv.exe),
    argv: inv.args,
    ...(inv.stdin === undefined ? {} : { stdin: inRun(inv.stdin) }),
    stdout: named(inv.stdout, inv.exe),
    stderr: named(inv.stderr, inv.exe),
    runDir,
    env: SPEC_ENV,
    inputs,
  }));
  const generate: SpecGenerationStep[] = (spec.generate ?? []).map((g) => {
    const exeName = typeof g.exe === 'string' ? g.exe : g.exe.tool;
    return {
      exe: typeof g.exe === 'string' ? exePath(g.exe) : specxz,
      argv: g.args,
      stdout: named(g.stdout, exeName),
      stderr: named(g.stderr, exeName),
      generates: inRun(g.generates),
      ...(g.md5 === undefined ? {} : { md5: g.md5 }),
    };
  });
  return {
    benchmark: bench,
    size,
    tune,
    label,
    specRoot,
    runDir,
    inputDirs,
    inputs,
    generate,
    ...(spec.preRun === undefined ? {} : { preRun: spec.preRun }),
    invocationCount: all.length,
    invocations: options.invocation === undefined ? all : [all[options.invocation - 1]!],
  };
}
