import { readFile } from 'node:fs/promises';
import type { ExecutorOutcome } from '../executor.js';
import { readOutcomeFile, type OutcomeFile } from './files.js';
import { finalKind, slurmKind, statePhase, type SlurmTaskState } from './states.js';

/** Slurm's own lines in a task's output file: `slurmstepd-<node>: error: …`, `srun: error: …`. */
const SLURM_LINE = /^(?:slurmstepd|srun|slurmd)(?:-[^:\s]+)?: (?:error|fatal): (.*)$/;
/** Lines saying Slurm killed the step for memory (jobacct_gather OverMemoryKill, task/cgroup OOM). */
const MEMORY_LINE = /exceeded (?:job |step )?memory limit|oom[- ]kill|out of memory/i;
/** Longest failure detail kept, characters. */
const MAX_DETAIL = 700;

/** The task output file (sbatch `--output`) split into Slurm's own messages and the rest. */
export interface TaskLog {
  /** Slurm's error lines without their `slurmstepd-n1: error:` prefix, deduplicated, in order. */
  slurm: string[];
  /** The last few other non-empty lines (run-task's own, a shell's "command not found"). */
  tail: string[];
}

/** Read a task's output file (missing: empty) and split it into {@link TaskLog}. */
export async function readTaskLog(path: string): Promise<TaskLog> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const slurm: string[] = [];
  const other: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const match = SLURM_LINE.exec(line);
    if (match) {
      if (!slurm.includes(match[1]!)) slurm.push(match[1]!);
    } else {
      other.push(line);
    }
  }
  return { slurm, tail: other.slice(-4) };
}

function clip(text: string): string {
  return text.length <= MAX_DETAIL ? text : `${text.slice(0, MAX_DETAIL - 1)}…`;
}

/** `Slurm TIMEOUT (TimeLimit) on n1, job 12_3: *** JOB 13 ON n1 CANCELLED AT … DUE TO TIME LIMIT ***`. */
export function describeState(state: SlurmTaskState, messages: readonly string[]): string {
  const parts = [`Slurm ${state.state}`];
  if (state.by !== undefined) parts.push(`by uid ${state.by}`);
  if (state.reason !== undefined) parts.push(`(${state.reason})`);
  let text = parts.join(' ');
  if (state.exitCode !== undefined && state.exitCode !== '0:0') text += `, exit code ${state.exitCode}`;
  if (state.nodes !== undefined) text += ` on ${state.nodes}`;
  else if (statePhase(state.state) === 'final') text += ' before it started';
  text += `, job ${state.jobId}_${state.taskId}`;
  return clip(messages.length > 0 ? `${text}: ${messages.join(' | ')}` : text);
}

/** The time-limit warning run-task noted (outcome.json, or its line in the task log). */
function warningNote(file: OutcomeFile | undefined, log: TaskLog): string {
  const usr1 = file?.signals.find((s) => s.signal === 'SIGUSR1');
  if (usr1 !== undefined) return ` (Slurm's SIGUSR1 warning came at ${usr1.at}; gem5 dumped its statistics to stats.txt)`;
  return log.tail.some((l) => l.includes('SIGUSR1')) ? " (Slurm's SIGUSR1 warning came; gem5 dumped its statistics to stats.txt)" : '';
}

/** What {@link slurmOutcome} decided. */
export interface SlurmVerdict {
  outcome: ExecutorOutcome;
  /** The task ended COMPLETED or FAILED but its outcome.json is not (yet) visible here. */
  outcomeMissing: boolean;
}

/**
 * Turn a final Slurm state, the run directory's outcome.json and the task's log into the outcome
 * the batch records, so the result is collected exactly as for the local pool:
 * - COMPLETED, or FAILED with an outcome.json: gem5's own outcome (Finished, or Failed with
 *   gem5's failure line), unless Slurm's log shows it killed the task for memory.
 * - TIMEOUT, DEADLINE → timed out; CANCELLED, PREEMPTED, REVOKED → cancelled (Killed);
 *   OUT_OF_MEMORY (or a FAILED task whose log says it exceeded its memory limit), NODE_FAIL,
 *   BOOT_FAIL, … → Failed. Each with `scheduler` = `slurm-<state>` and Slurm's own message.
 * - no outcome.json after COMPLETED/FAILED → Failed (`slurm-no-outcome` / `slurm-failed`) with
 *   Slurm's message and the end of the task's log.
 */
export async function slurmOutcome(state: SlurmTaskState, outdir: string, logFile: string): Promise<SlurmVerdict> {
  const [file, log] = await Promise.all([readOutcomeFile(outdir), readTaskLog(logFile)]);
  const kind = finalKind(state.state);
  const endedAt = state.end ?? file?.endedAt;
  const gem5: ExecutorOutcome = file !== undefined ? { ...file.outcome } : { cancelled: false, timedOut: false };
  const ended = (outcome: ExecutorOutcome): ExecutorOutcome => (endedAt !== undefined ? { ...outcome, endedAt } : outcome);
  const memory = state.state === 'OUT_OF_MEMORY' || (state.state === 'FAILED' && log.slurm.some((l) => MEMORY_LINE.test(l)));
  if (kind === 'timeout') {
    return { outcomeMissing: false, outcome: ended({ ...gem5, cancelled: false, timedOut: true, scheduler: { kind: slurmKind(state.state), detail: clip(describeState(state, log.slurm) + warningNote(file, log)) } }) };
  }
  if (kind === 'killed') {
    return { outcomeMissing: false, outcome: ended({ ...gem5, cancelled: true, timedOut: false, scheduler: { kind: slurmKind(state.state), detail: describeState(state, log.slurm) } }) };
  }
  if (kind === 'failed' || memory) {
    const failed = memory ? 'slurm-out-of-memory' : slurmKind(state.state);
    return { outcomeMissing: false, outcome: ended({ ...gem5, cancelled: false, timedOut: false, scheduler: { kind: failed, detail: describeState(state, log.slurm) } }) };
  }
  if (file !== undefined) {
    const when = file.endedAt ?? endedAt;
    return { outcomeMissing: false, outcome: when !== undefined ? { ...gem5, endedAt: when } : gem5 };
  }
  const noOutcome = state.state === 'COMPLETED' ? 'slurm-no-outcome' : 'slurm-failed';
  const said = [...log.slurm, ...log.tail];
  const detail = describeState(state, said.length > 0 ? said : [`no ${'outcome.json'} in ${outdir} and nothing in ${logFile}`]);
  return { outcomeMissing: true, outcome: ended({ cancelled: false, timedOut: false, scheduler: { kind: noOutcome, detail } }) };
}

/** The outcome of a task Slurm no longer knows (neither squeue nor sacct lists it). */
export async function lostOutcome(jobId: string, taskId: string, outdir: string, why: string): Promise<ExecutorOutcome> {
  const file = await readOutcomeFile(outdir);
  if (file !== undefined) return { ...file.outcome, endedAt: file.endedAt };
  return { cancelled: false, timedOut: false, scheduler: { kind: 'slurm-lost', detail: clip(`Slurm no longer knows job ${jobId}_${taskId} (${why}) and the run left no outcome.json`) } };
}
