import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { runGem5 } from '../../gem5/run/run.js';
import type { ExecutorOutcome } from '../executor.js';
import { prepareRun } from '../prepare.js';
import { readTaskFile, writeOutcomeFile, type SignalNote } from './files.js';

/** What run-task needs from its caller (the hidden `lapidary run-task` command). */
export interface RunTaskOptions {
  /** Aborted on SIGTERM/SIGINT (Slurm's time limit or scancel): gem5 is stopped, the outcome still written. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** Signals received meanwhile (the CLI appends SIGUSR1 notes as they come). */
  signals: SignalNote[];
  log: (line: string) => void;
}

/**
 * Run one Slurm array task on a node: read the RunTask, run gem5 exactly as the local pool's
 * worker does (runGem5 with the same invocation and --timeout), and write `outcome.json` into
 * the run directory with the same outcome the worker returns. A task Slurm requeued
 * (SLURM_RESTART_COUNT > 0, e.g. after a node failure) first prepares its run directory again,
 * so gem5 never starts from files an earlier attempt changed.
 * @returns the exit status: 0 when gem5 ran without a failure, 1 otherwise (so sacct's State
 *   says FAILED for a failed run).
 */
export async function runSlurmTask(taskFile: string, options: RunTaskOptions): Promise<number> {
  const task = await readTaskFile(taskFile);
  const { env } = options;
  const restarts = Number(env.SLURM_RESTART_COUNT ?? 0);
  const outdir = task.invocation.outdir;
  if (restarts > 0) {
    options.log(`lapidary run-task: Slurm restarted this task (${restarts}); preparing ${outdir} again`);
    await rm(outdir, { recursive: true, force: true });
    await prepareRun(task.invocation.checkpoint, outdir);
  }
  const startedAt = new Date().toISOString();
  const result = await runGem5(task.invocation, {
    signal: options.signal,
    ...(task.timeoutSeconds !== undefined ? { timeoutSeconds: task.timeoutSeconds } : {}),
    onSpawn: (pid) => options.log(`lapidary run-task: ${task.id}: gem5 pid ${pid} on ${hostname()}`),
  });
  const { cancelled, timedOut, failure, result: gem5Result, exitCode, signal, durationMs } = result;
  const outcome: ExecutorOutcome = {
    cancelled, timedOut, durationMs,
    ...(failure ? { failure } : {}), ...(gem5Result ? { result: gem5Result } : {}),
    ...(exitCode !== undefined ? { exitCode } : {}), ...(signal ? { signal } : {}),
  };
  if (options.signal.aborted) {
    const reason = options.signal.reason instanceof Error ? options.signal.reason.message : String(options.signal.reason);
    options.signals.push({ signal: /SIG[A-Z0-9]+/.exec(reason)?.[0] ?? 'SIGTERM', at: new Date().toISOString() });
  }
  await writeOutcomeFile(outdir, {
    version: 1, task: task.id, host: hostname(),
    ...(env.SLURM_ARRAY_JOB_ID ? { jobId: env.SLURM_ARRAY_JOB_ID } : {}),
    ...(env.SLURM_ARRAY_TASK_ID ? { taskId: env.SLURM_ARRAY_TASK_ID } : {}),
    ...(restarts > 0 ? { restarts } : {}),
    startedAt, endedAt: new Date().toISOString(), signals: [...options.signals], outcome,
  });
  const summary = failure ? `${failure.kind}: ${failure.detail}` : timedOut ? 'timed out' : cancelled ? 'stopped' : `ended: ${gem5Result?.cause ?? 'no lapidary-result line'}`;
  options.log(`lapidary run-task: ${task.id}: gem5 ${summary}; outcome in ${outdir}/outcome.json`);
  return failure || timedOut || cancelled ? 1 : 0;
}
