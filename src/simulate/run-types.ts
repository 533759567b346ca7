import type { Gem5Invocation } from '../gem5/run/invocation.js';
import type { SystemParamValue } from '../gem5/run/system-file.js';

/**
 * The life of one gem5 run, in the spirit of gem5art's gem5Run:
 * Created → Spawning → Running → Finished | Failed | Timeout | Killed.
 */
export type RunStatus = 'Created' | 'Spawning' | 'Running' | 'Finished' | 'Failed' | 'Timeout' | 'Killed';
export const FINAL_STATUSES: ReadonlySet<RunStatus> = new Set(['Finished', 'Failed', 'Timeout', 'Killed']);

/** The user's system file of a configuration and the values of all its PARAMS (defaults and overrides). */
export interface RunSystem {
  /** Absolute path. */
  path: string;
  /** sha256 of the file, hashed into the run identity. */
  sha256: string;
  params: Record<string, SystemParamValue>;
}

/** A run script of the user's (`--gem5-script`) and its argument template. */
export interface RunScript {
  /** Absolute path. */
  path: string;
  /** sha256 of the script, hashed into the run identity in place of lapidary_gem5.py's. */
  sha256: string;
  /** Arguments with placeholders (src/simulate/script-args.ts), as given after `--`. */
  args: string[];
  /** Values of the sweep point's keys, for their placeholders. */
  values: Record<string, string>;
  /** The stats.txt prefix of the CPU to measure (e.g. `system.cpu`); undefined: the only one that committed instructions. */
  statsCpu?: string;
}

/** Detailed-simulation parameters shared by every run of one configuration. */
export interface RunParameters {
  /** lapidary's own detailed CPU and caches; not used when `system` is given. */
  cpu: 'timing' | 'minor' | 'o3';
  caches: string;
  /** The user's system file, replacing `cpu` and `caches`. */
  system?: RunSystem;
  /** The user's run script, replacing lapidary_gem5.py and everything above and the instruction windows. */
  script?: RunScript;
  /** Detailed warm-up instructions before the statistics are reset. */
  warmupInsts: bigint;
  /** Measured instructions (the detailed region), counted exactly by gem5. */
  detailInsts: bigint;
  /** Wall-clock limit per run, seconds; undefined for none. */
  timeoutSeconds?: number;
}

/**
 * One gem5 run as executors receive it: plain structured-cloneable data (piscina's worker
 * messages), with everything needed to run it anywhere the paths are visible.
 */
export interface RunTask {
  /** `<name>-<cpt.N>`: stable, readable, and the run directory's name. */
  id: string;
  /** Configuration name (`--name`), shared by the runs compared together. */
  name: string;
  /** Checkpoint directory name, e.g. `cpt.7`. */
  checkpoint: string;
  /** sha256 of gem5 binary, config script, checkpoint manifest, system file and parameters. */
  identity: string;
  invocation: Gem5Invocation;
  timeoutSeconds?: number;
}

/** What happened to a run, as executors report it and the store keeps it. */
export interface RunUpdate {
  status: RunStatus;
  startedAt?: string;
  endedAt?: string;
  pid?: number;
  /** gem5's exit cause (e.g. "lapidary detailed region done"). */
  exitCause?: string;
  exitCode?: number;
  failureKind?: string;
  failureDetail?: string;
  jobId?: string;
  taskId?: string;
}

/** Measured results of a finished run, from its stats.txt. */
export interface RunMeasurement {
  /** The stats.txt prefix of the CPU measured, e.g. `system.switch_cpus`. */
  cpu?: string;
  cpi: number;
  cycles: number;
  instructions: number;
  /** Host seconds gem5 took (hostSeconds), for lapidary's own overhead. */
  hostSeconds?: number;
  simSeconds?: number;
}

/** A run as the store holds it. */
export interface RunRecord extends RunUpdate {
  id: string;
  identity: string;
  name: string;
  checkpoint: string;
  outdir: string;
  executor: string;
  createdAt: string;
  params: Record<string, unknown>;
  measurement?: RunMeasurement;
}
