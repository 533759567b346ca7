import { fileURLToPath } from 'node:url';
import type { SystemParamValue } from './system-file.js';

/** The project's own gem5 configuration script (config/lapidary_gem5.py). */
export const CONFIG_SCRIPT = fileURLToPath(new URL('../../../config/lapidary_gem5.py', import.meta.url));

/** CPU models lapidary's config script offers (gem5 v24 X86 class names in the script). */
export type CpuModel = 'atomic' | 'timing' | 'minor' | 'o3';

/** L1/L2 geometry used for detailed CPUs when none is given: 32 KiB 8-way L1s, 1 MiB 16-way L2. */
export const DEFAULT_CACHES = 'l1i=32KiB:8,l1d=32KiB:8,l2=1MiB:16';

/** Everything one gem5 run of one checkpoint needs. Paths are absolute. */
export interface Gem5Invocation {
  gem5: string;
  outdir: string;
  checkpoint: string;
  exe: string;
  cwd: string;
  /** Simulated physical memory, bytes; equals the checkpoint's range_size. */
  memSize: bigint;
  cpu: CpuModel;
  /** `l1i=SIZE:ASSOC,l1d=…,l2=…`, or '' for none. */
  caches: string;
  /**
   * The user's system file (docs/systems.md) and the values of its PARAMS to override; when
   * given, it builds the detailed CPU, caches and memory, and `cpu`/`caches` are not passed.
   */
  system?: { path: string; params: Record<string, SystemParamValue> };
  /**
   * A run script of the user's, run unchanged instead of lapidary_gem5.py with these arguments
   * (placeholders already filled): then only `gem5`, `outdir` and `debugFlags` shape the command.
   */
  script?: { path: string; args: string[] };
  /** Stop after this many instructions (0 or absent: run to the program's exit). */
  maxInsts?: bigint;
  /** SMARTS sample: warm-up then detailed instructions, both counted exactly by gem5. */
  warmupInsts?: bigint;
  detailInsts?: bigint;
  /** Program stdio for gem5's Process: a path, or gem5's `cin`/`cout`/`cerr`. */
  stdin: string;
  stdout: string;
  stderr: string;
  /** Directories gem5 redirects: [directory the program uses, host directories tried in order]. */
  redirects: Array<[app: string, hosts: string[]]>;
  debugFlags?: string;
  /** Write gem5's own checkpoint of the state where the run stopped into this directory. */
  checkpointAtEnd?: string;
}

/** The gem5 command line for an invocation: gem5 options, then the script and its options. */
export function gem5Argv(run: Gem5Invocation): string[] {
  const argv = [`--outdir=${run.outdir}`, '--redirect-stdout', '--redirect-stderr'];
  if (run.debugFlags) argv.push(`--debug-flags=${run.debugFlags}`);
  if (run.script !== undefined) return [...argv, run.script.path, ...run.script.args];
  argv.push(
    CONFIG_SCRIPT,
    '--checkpoint', run.checkpoint,
    '--exe', run.exe,
    '--cwd', run.cwd,
    '--mem-size', run.memSize.toString(),
    ...(run.system === undefined
      ? ['--cpu', run.cpu, '--caches', run.caches]
      : ['--system', run.system.path, '--system-params', JSON.stringify(run.system.params)]),
    '--stdin', run.stdin,
    '--stdout', run.stdout,
    '--stderr', run.stderr,
  );
  if (run.maxInsts !== undefined && run.maxInsts > 0n) argv.push('--max-insts', run.maxInsts.toString());
  if (run.detailInsts !== undefined && run.detailInsts > 0n) {
    argv.push('--warmup-insts', (run.warmupInsts ?? 0n).toString(), '--detail-insts', run.detailInsts.toString());
  }
  if (run.redirects.length > 0) argv.push('--redirects', JSON.stringify(run.redirects));
  if (run.checkpointAtEnd !== undefined) argv.push('--checkpoint-at-end', run.checkpointAtEnd);
  return argv;
}
