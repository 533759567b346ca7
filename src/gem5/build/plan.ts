import { join } from 'node:path';

/**
 * The Kconfig options of the gem5 lapidary runs: X86 only, no Ruby, no SystemC. gem5 v24 reads
 * them with `scons defconfig build/X86 FILE` (SConstruct:277-330, the kconfig actions;
 * src/Kconfig, src/mem/ruby/Kconfig, src/systemc/Kconfig define the symbols).
 */
export const GEM5_DEFCONFIG = 'RUBY=n\nBUILD_ISA=y\nUSE_X86_ISA=y\nUSE_SYSTEMC=n\n';

/** A file the build writes before running anything. */
export interface PlannedFile {
  path: string;
  contents: string;
  /** POSIX mode bits, e.g. 0o755 for the compiler wrappers. */
  mode: number;
}

/** One command of the build, run without a shell. */
export interface BuildStep {
  /** What the step does, for the progress lines. */
  what: string;
  cwd: string;
  /** Variables set on top of lapidary's own environment. */
  env: Record<string, string>;
  argv: string[];
}

/** Everything `lapidary gem5 build` writes and runs, in order. */
export interface Gem5BuildPlan {
  files: PlannedFile[];
  steps: BuildStep[];
  /** The gem5.opt the build makes (written into lapidary.yaml as gem5_path). */
  binary: string;
  /** util/m5's m5 utility, when asked for. */
  m5Binary?: string;
}

/** How to build: a gem5 v24 source tree, parallel compile jobs, and whether to build util/m5 too. */
export interface Gem5BuildOptions {
  source: string;
  jobs: number;
  m5: boolean;
}

/**
 * A compiler wrapper that appends `-g0` after every other argument. gem5 v24 adds `-g` for the
 * opt variant (src/SConscript:668) after the environment's CCFLAGS_EXTRA (SConstruct:948), so
 * only a flag placed last on the command line removes the debug information, which is most of
 * the time and disk a gem5 build takes.
 */
function wrapper(compiler: string): string {
  return `#!/bin/sh\n# Written by lapidary gem5 build: ${compiler} without debug information (-g0 comes last).\nexec ${compiler} "$@" -g0\n`;
}

/**
 * The build of gem5.opt for X86 as lapidary needs it, in the source tree `options.source`:
 * compiler wrappers and the defconfig file under `build/lapidary/`, then `scons defconfig` and
 * `scons build/X86/gem5.opt` with CC and CXX naming the wrappers in the environment (gem5 reads
 * them there, site_scons/gem5_scons/defaults.py EnvDefaults; a `CC=` scons argument is ignored),
 * `--no-compress-debug` (SConstruct:116) and `-j jobs`. scons rebuilds only what is missing or
 * out of date, so running the same plan again resumes an interrupted build. With `m5`, also
 * `scons build/x86/out/m5` in util/m5 (util/m5/README.md).
 */
export function planGem5Build(options: Gem5BuildOptions): Gem5BuildPlan {
  const { source, jobs } = options;
  const own = join(source, 'build', 'lapidary');
  const cc = join(own, 'gcc-g0');
  const cxx = join(own, 'g++-g0');
  const defconfig = join(own, 'X86-lapidary.defconfig');
  // Python buffers its output into a pipe: without this, scons' lines arrive in bursts.
  const env = { CC: cc, CXX: cxx, PYTHONUNBUFFERED: '1' };
  const steps: BuildStep[] = [
    { what: 'configure build/X86 (X86 only, Ruby and SystemC off)', cwd: source, env, argv: ['scons', 'defconfig', 'build/X86', defconfig] },
    { what: 'build build/X86/gem5.opt', cwd: source, env, argv: ['scons', 'build/X86/gem5.opt', `-j${jobs}`, '--no-compress-debug'] },
  ];
  const plan: Gem5BuildPlan = {
    files: [
      { path: cc, contents: wrapper('gcc'), mode: 0o755 },
      { path: cxx, contents: wrapper('g++'), mode: 0o755 },
      { path: defconfig, contents: GEM5_DEFCONFIG, mode: 0o644 },
    ],
    steps,
    binary: join(source, 'build', 'X86', 'gem5.opt'),
  };
  if (options.m5) {
    const m5 = join(source, 'util', 'm5');
    steps.push({ what: 'build util/m5 (build/x86/out/m5)', cwd: m5, env, argv: ['scons', 'build/x86/out/m5', `-j${jobs}`] });
    plan.m5Binary = join(m5, 'build', 'x86', 'out', 'm5');
  }
  return plan;
}
