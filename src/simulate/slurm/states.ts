/**
 * Slurm job states as squeue(1) and sacct(1) print them (section "JOB STATE CODES" of both man
 * pages, Slurm 22.05), sorted into what lapidary does with them.
 */

/** One array task as Slurm reports it (squeue or sacct). */
export interface SlurmTaskState {
  /** The array's job id (squeue `%F`, sacct JobID before `_`), e.g. `"12"`. */
  jobId: string;
  /** The array index (squeue `%K`, sacct JobID after `_`), e.g. `"3"`. */
  taskId: string;
  /**
   * The job state's long name, e.g. `PENDING`, `RUNNING`, `TIMEOUT`, `CANCELLED` (sacct prints
   * `CANCELLED by <uid>`: the suffix is split off into `by`).
   */
  state: string;
  /** `CANCELLED by 0` → `"0"` (sacct only). */
  by?: string;
  /** Slurm's reason code (squeue `%r`, sacct Reason), e.g. `TimeLimit`, `NodeDown`, `NonZeroExitCode`. */
  reason?: string;
  /** Start and end, ISO 8601 (converted from Slurm's local `YYYY-MM-DDTHH:MM:SS`); absent when not known. */
  start?: string;
  end?: string;
  /** Nodes the task ran on (squeue `%N`, sacct NodeList). */
  nodes?: string;
  /** sacct ExitCode `<status>:<signal>` of the batch script, e.g. `137:0`. */
  exitCode?: string;
  /** Which command said so. */
  source: 'squeue' | 'sacct';
}

/** Waiting for resources: the run stays Spawning. */
const WAITING = new Set(['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESV_DEL_HOLD', 'RESIZING', 'SIGNALING', 'STAGE_OUT']);
/** Holding an allocation: the run is Running (COMPLETING: processes still being reaped). */
const ACTIVE = new Set(['RUNNING', 'COMPLETING', 'SUSPENDED', 'STOPPED']);

/** What lapidary makes of a Slurm state. */
export type StatePhase = 'waiting' | 'active' | 'final';

/** Sort a state into waiting (→ Spawning), active (→ Running) or final; unknown states count as active. */
export function statePhase(state: string): StatePhase {
  if (WAITING.has(state)) return 'waiting';
  if (ACTIVE.has(state)) return 'active';
  return FINAL.has(state) ? 'final' : 'active';
}

/** Final states (squeue(1) JOB STATE CODES); each ends a run. */
const FINAL = new Set(['COMPLETED', 'FAILED', 'TIMEOUT', 'DEADLINE', 'CANCELLED', 'PREEMPTED', 'REVOKED', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'SPECIAL_EXIT']);

/**
 * How a final Slurm state ends a run, before gem5's own outcome is consulted:
 * - `outcome`: the task ran to its end (COMPLETED) or failed on its own (FAILED): use what
 *   run-task wrote (outcome.json), unless Slurm's log shows it killed the task.
 * - `timeout`: TIMEOUT, DEADLINE → the run is Timeout.
 * - `killed`: CANCELLED, PREEMPTED, REVOKED → the run is Killed.
 * - `failed`: OUT_OF_MEMORY, NODE_FAIL, BOOT_FAIL, SPECIAL_EXIT → the run is Failed with Slurm's message.
 */
export function finalKind(state: string): 'outcome' | 'timeout' | 'killed' | 'failed' {
  switch (state) {
    case 'COMPLETED':
    case 'FAILED':
      return 'outcome';
    case 'TIMEOUT':
    case 'DEADLINE':
      return 'timeout';
    case 'CANCELLED':
    case 'PREEMPTED':
    case 'REVOKED':
      return 'killed';
    default:
      return 'failed';
  }
}

/** The failure kind recorded for a run Slurm ended: `slurm-` + the state, e.g. `slurm-node-fail`. */
export function slurmKind(state: string): string {
  return `slurm-${state.toLowerCase().replace(/_/g, '-')}`;
}

/**
 * Slurm's local `YYYY-MM-DDTHH:MM:SS` (squeue `%S`/`%e`, sacct Start/End) → ISO 8601; undefined
 * for `N/A`, `NONE`, `Unknown`, `None` and anything unparsable. Slurm prints the controller's local
 * time without a zone; the submit host is assumed to share it.
 */
export function slurmTime(text: string | undefined): string | undefined {
  if (text === undefined || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(text)) return undefined;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/**
 * A task state from the columns squeue and sacct both print: reason, start, end and nodes are
 * set only when Slurm gave a value (not empty, `None`, `None assigned`, `N/A`, `Unknown`).
 */
export function taskState(
  base: Pick<SlurmTaskState, 'jobId' | 'taskId' | 'state' | 'source'>,
  columns: { reason: string; start: string; end: string; nodes: string },
): SlurmTaskState {
  const task: SlurmTaskState = { ...base };
  if (columns.reason !== '' && columns.reason !== 'None') task.reason = columns.reason;
  const start = slurmTime(columns.start);
  const end = slurmTime(columns.end);
  if (start !== undefined) task.start = start;
  if (end !== undefined) task.end = end;
  if (columns.nodes !== '' && columns.nodes !== 'None assigned') task.nodes = columns.nodes;
  return task;
}
