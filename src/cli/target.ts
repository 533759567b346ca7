import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, ToolMissingError, UsageError } from '../errors.js';
import { splitCommandLine } from '../create/argv.js';
import { CATALOG, catalogWorkload, type WorkloadSize } from '../bench/catalog/workloads.js';
import { prepareWorkload } from '../bench/catalog/prepare.js';
import { prepareRunDir, resolveBenchmark } from '../bench/spec/index.js';
import type { LapidaryConfig } from '../config/load.js';

/** What `create` runs, before stdio defaults and the environment are applied. */
export interface ResolvedTarget {
  argv: string[];
  cwd: string;
  /** Default stdin/stdout/stderr files (absolute) when the user gives none. */
  stdin?: string;
  stdout?: string;
  stderr?: string;
  /** Variables the workload needs in its environment (SPEC: OMP_NUM_THREADS=1). */
  env?: Record<string, string>;
  /** For messages and the manifest: `--cmd` text or the workload name. */
  label: string;
  /** Why the checkpoints need --vm to restore in gem5 (a built-in workload's own CPUID dispatch). */
  needsVm?: string;
}

export interface TargetArgs {
  cmd?: string;
  bench?: string;
  size?: string;
  invocation?: number;
}

async function catalogTarget(name: string, size: string | undefined, directory: string): Promise<ResolvedTarget | undefined> {
  const workload = catalogWorkload(name);
  if (workload === undefined) return undefined;
  const chosen = size ?? 'default';
  if (chosen !== 'small' && chosen !== 'default') throw new UsageError(`--size ${chosen} is not a size of the built-in workload ${name}; use small or default`);
  const workdir = join(directory, 'workload');
  const invocation = await prepareWorkload(workload, chosen as WorkloadSize, workdir);
  const program = invocation.argv[0]!;
  try {
    accessSync(program, constants.X_OK);
  } catch {
    throw new ToolMissingError(`the built-in workload ${name} runs ${program}, which is not installed`, {
      hint: `install the Debian package ${workload.debianPackage} (apt-get install ${workload.debianPackage}; scripts/setup.sh installs every workload's package)`,
    });
  }
  return {
    argv: invocation.argv,
    cwd: workdir,
    ...(invocation.stdin !== undefined ? { stdin: join(workdir, invocation.stdin) } : {}),
    stdout: join(workdir, `${workload.name}.stdout`),
    label: `${workload.name} (${chosen}): ${invocation.argv.join(' ')}`,
    ...(workload.needsVm !== undefined ? { needsVm: workload.needsVm } : {}),
  };
}

async function specTarget(name: string, args: TargetArgs, config: LapidaryConfig): Promise<ResolvedTarget> {
  const spec = config.spec2017;
  if (spec === undefined) {
    throw new UsageError(`no built-in workload named ${JSON.stringify(name)}, and no spec2017 section in lapidary.yaml to look it up in SPEC CPU 2017`, {
      hint: `built-in: ${CATALOG.map((w) => w.name).join(', ')}; for SPEC add spec2017: {install_path: …} to lapidary.yaml`,
    });
  }
  const resolution = resolveBenchmark(name, {
    specRoot: spec.install_path,
    size: args.size ?? spec.size ?? 'ref',
    ...(spec.label !== undefined ? { label: spec.label } : {}),
    ...(spec.tune !== undefined ? { tune: spec.tune } : {}),
    ...(spec.workspace !== undefined ? { workspace: spec.workspace } : {}),
  });
  if (resolution.invocations.length > 1 && args.invocation === undefined) {
    throw new UsageError(`${resolution.benchmark.name} (${resolution.size}) runs ${resolution.invocations.length} invocations; choose one with --invocation 1..${resolution.invocations.length}`);
  }
  const k = args.invocation ?? 1;
  const invocation = resolution.invocations[k - 1];
  if (invocation === undefined) throw new UsageError(`--invocation ${k} is out of range: ${resolution.benchmark.name} (${resolution.size}) has ${resolution.invocations.length}`);
  try {
    await prepareRunDir(resolution, spec.workspace ?? resolution.runDir);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot prepare the run directory ${resolution.runDir}: ${(error as Error).message}`);
  }
  return {
    argv: [invocation.exe, ...invocation.argv],
    cwd: invocation.runDir,
    ...(invocation.stdin !== undefined ? { stdin: invocation.stdin } : {}),
    stdout: invocation.stdout,
    stderr: invocation.stderr,
    env: { ...invocation.env },
    label: `${resolution.benchmark.name} ${resolution.size} invocation ${k}/${resolution.invocations.length}`,
  };
}

/**
 * Resolve `--cmd` (split into argv, run in the current directory) or `--bench NAME`: first a
 * workload of the built-in catalog (inputs written to `<directory>/workload/`, stdout to a file
 * there), else a SPEC CPU 2017 benchmark from the spec2017 section of lapidary.yaml, run in its
 * run directory with SPEC's stdin/stdout files.
 * @throws UsageError for an unknown workload or when neither or both are given; ToolMissingError
 *   when a built-in workload's program is not installed.
 */
export async function resolveTarget(args: TargetArgs, directory: string, cwd: string, config: LapidaryConfig): Promise<ResolvedTarget> {
  if ((args.cmd === undefined) === (args.bench === undefined)) {
    throw new UsageError('give exactly one of --cmd "PROGRAM ARGS" or --bench NAME', { hint: 'lapidary bench list shows the workloads' });
  }
  if (args.cmd !== undefined) return { argv: splitCommandLine(args.cmd), cwd, label: args.cmd };
  return (await catalogTarget(args.bench!, args.size, resolve(cwd, directory))) ?? specTarget(args.bench!, args, config);
}
