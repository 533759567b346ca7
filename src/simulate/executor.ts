import type { Gem5Outcome } from '../gem5/run/run.js';
import type { RunTask } from './run-types.js';

/**
 * What an executor tells the batch about one run, in order: queued (a scheduler accepted it;
 * optional), started (with a pid or job id), then done.
 */
export interface RunEvents {
  /**
   * A scheduler accepted the run and it waits for resources (status Spawning); also called
   * again for a run that had started when the scheduler requeues it.
   */
  queued?(task: RunTask, info: { jobId: string; taskId?: string }): void;
  /** `startedAt` (ISO 8601) when the executor knows the start time better than "now", e.g. Slurm's. */
  started(task: RunTask, info: { pid?: number; jobId?: string; taskId?: string; startedAt?: string }): void;
  /** gem5 ended (or never could start); `outcome` is what was observed, the batch decides the status. */
  done(task: RunTask, outcome: ExecutorOutcome): Promise<void>;
}

/** The part of a gem5 outcome every executor can observe, local or on a cluster. */
export type ExecutorOutcome = Pick<Gem5Outcome, 'cancelled' | 'timedOut' | 'failure' | 'result' | 'exitCode' | 'signal'> & {
  durationMs?: number;
  /** When the run ended (ISO 8601), when the executor knows it better than "now" (e.g. Slurm's End time). */
  endedAt?: string;
  /**
   * The executor's or scheduler's own account of why the run ended, when it (not gem5) ended it:
   * e.g. `{ kind: 'slurm-timeout', detail: '*** JOB 12 ON n1 CANCELLED … DUE TO TIME LIMIT ***' }`.
   * Recorded as the failure kind and detail instead of the generic wording.
   */
  scheduler?: SchedulerCause;
};

/** Why a scheduler ended a run: a stable kind (e.g. `slurm-out-of-memory`) and its own message. */
export interface SchedulerCause {
  kind: string;
  detail: string;
}

/**
 * Runs prepared gem5 tasks somewhere: the local Piscina pool, or a cluster scheduler. Run
 * preparation (plan.ts), submission (here), status (RunEvents) and result collection
 * (collect.ts, which reads the run directory) are separate, so `lapidary report` cannot tell
 * executors apart.
 */
export interface Executor {
  /** Short name recorded with each run, e.g. `local`, `slurm`. */
  readonly name: string;
  /** Run every task; resolves when all reported done or `signal` aborted them (then they report cancelled). */
  run(tasks: readonly RunTask[], events: RunEvents, signal: AbortSignal): Promise<void>;
}
