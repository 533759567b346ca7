import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Executor, ExecutorOutcome, RunEvents } from '../executor.js';
import type { RunTask } from '../run-types.js';
import { slurmCommand } from './command.js';
import { lostOutcome, slurmOutcome } from './outcome.js';
import { queryTaskStates, taskKey } from './query.js';
import type { SlurmSubmitOptions } from './script.js';
import { statePhase } from './states.js';
import { maxArraySize, slurmDirectory, submitArray, type SubmittedArray } from './submit.js';

/** How the Slurm executor is set up (`lapidary parallel-simulate --executor slurm …`). */
export interface SlurmExecutorOptions extends SlurmSubmitOptions {
  /** The checkpoint directory: the batch script and task files go under `<dir>/slurm/<name>/`. */
  checkpointDir: string;
  /** The configuration name (`--name`). */
  name: string;
  /** Seconds between squeue/sacct polls; default 10. */
  pollSeconds?: number;
  /**
   * Seconds to wait for a COMPLETED task's outcome.json to become visible on this host (shared
   * file systems such as NFS cache directory entries for up to acdirmax, 60 s by default); default 60.
   */
  outcomeGraceSeconds?: number;
  /** Environment of the Slurm commands (SLURM_CONF, PATH); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Progress notes for the user (submission, squeue trouble); the CLI prints them. */
  log?: (line: string) => void;
}

/** Polls a task may be missing from both squeue and sacct before it counts as lost. */
const LOST_AFTER_POLLS = 3;

interface Tracked {
  task: RunTask;
  array: SubmittedArray;
  index: number;
  jobId: string;
  taskId: string;
  started: boolean;
  done: boolean;
  misses: number;
  /** When the task was first seen COMPLETED/FAILED without an outcome.json (ms since epoch). */
  finalSince?: number;
}

/**
 * The Slurm executor: the tasks go out as one job array (`sbatch --array=0-(n-1)%K`; several
 * arrays only when n exceeds the cluster's MaxArraySize), each array task running
 * `lapidary run-task` on a node under srun; then squeue/sacct are polled and each task's end is
 * turned into the same outcome the local pool reports (from the outcome.json run-task writes into
 * the run directory), or into Slurm's own account when Slurm ended it. Interrupting the batch
 * cancels the arrays (scancel) and reports their unfinished tasks cancelled.
 */
export class SlurmExecutor implements Executor {
  readonly name = 'slurm';
  private readonly env: NodeJS.ProcessEnv;
  private readonly log: (line: string) => void;
  /** The last squeue failure reported, so an outage is reported once, not at every poll. */
  private problem = '';

  constructor(private readonly options: SlurmExecutorOptions) {
    this.env = options.env ?? process.env;
    this.log = options.log ?? (() => undefined);
  }

  async run(tasks: readonly RunTask[], events: RunEvents, signal: AbortSignal): Promise<void> {
    if (tasks.length === 0) return;
    const tracked = await this.submit(tasks, events);
    const live = () => tracked.filter((t) => !t.done);
    try {
      while (live().length > 0 && !signal.aborted) {
        await this.poll(live(), events);
        if (live().length === 0) break;
        await sleep((this.options.pollSeconds ?? 10) * 1000, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      if (live().length > 0) await this.cancel(live(), events, signal.aborted);
    }
  }

  /** Submit the arrays; tasks of a refused array are reported done at once with sbatch's message. */
  private async submit(tasks: readonly RunTask[], events: RunEvents): Promise<Tracked[]> {
    const chunk = Math.min(tasks.length, await maxArraySize(this.env));
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const base = slurmDirectory(this.options.checkpointDir, this.options.name);
    const tracked: Tracked[] = [];
    for (let first = 0, part = 0; first < tasks.length; first += chunk, part++) {
      const slice = tasks.slice(first, first + chunk);
      const dir = join(base, tasks.length > chunk ? `${stamp}.${part}` : stamp);
      const array = await submitArray(dir, slice, { ...this.options, env: this.env });
      if (array.jobId === undefined) {
        this.log(`sbatch did not submit the array of ${slice.length} runs: ${array.error}`);
        for (const task of slice) {
          await events.done(task, { cancelled: false, timedOut: false, scheduler: { kind: 'slurm-submit-failed', detail: `sbatch did not submit the array (${array.layout.script}): ${array.error}` } });
        }
        continue;
      }
      this.log(`submitted Slurm array ${array.jobId} (${slice.length} runs): ${array.layout.script}`);
      slice.forEach((task, index) => {
        const entry: Tracked = { task, array, index, jobId: array.jobId!, taskId: String(index), started: false, done: false, misses: 0 };
        tracked.push(entry);
        events.queued?.(task, { jobId: entry.jobId, taskId: entry.taskId });
      });
    }
    return tracked;
  }

  /** One squeue (+ sacct) round: report starts and ends. */
  private async poll(live: Tracked[], events: RunEvents): Promise<void> {
    const states = await queryTaskStates(new Set(live.map((t) => taskKey(t.jobId, t.taskId))), this.env);
    if (!states.ok) {
      if (states.message !== this.problem) this.log(`${states.message}; asking again every ${this.options.pollSeconds ?? 10} s`);
      this.problem = states.message;
      return;
    }
    if (this.problem !== '') this.log('Slurm answers again');
    this.problem = '';
    for (const entry of live) {
      const outdir = entry.task.invocation.outdir;
      const state = states.byKey.get(taskKey(entry.jobId, entry.taskId));
      if (state === undefined) {
        if (++entry.misses >= LOST_AFTER_POLLS) {
          const why = `squeue does not list it${states.message ? `; ${states.message}` : '; sacct has no record of it'}`;
          await this.finish(entry, events, await lostOutcome(entry.jobId, entry.taskId, outdir, why));
        }
        continue;
      }
      entry.misses = 0;
      const phase = statePhase(state.state);
      if (phase === 'waiting') {
        if (entry.started) {
          // requeued (scontrol requeue, a node failure with requeue on): back in the queue
          entry.started = false;
          this.log(`Slurm requeued ${entry.task.id} (job ${entry.jobId}_${entry.taskId}, ${state.state})`);
          events.queued?.(entry.task, { jobId: entry.jobId, taskId: entry.taskId });
        }
        continue;
      }
      if (!entry.started && (phase === 'active' || state.nodes !== undefined)) {
        entry.started = true;
        events.started(entry.task, { jobId: entry.jobId, taskId: entry.taskId, ...(state.start !== undefined ? { startedAt: state.start } : {}) });
      }
      if (phase === 'active') continue;
      const verdict = await slurmOutcome(state, outdir, entry.array.layout.logFile(entry.index));
      if (verdict.outcomeMissing && state.state === 'COMPLETED') {
        entry.finalSince ??= Date.now();
        if (Date.now() - entry.finalSince < (this.options.outcomeGraceSeconds ?? 60) * 1000) continue;
      }
      await this.finish(entry, events, verdict.outcome);
    }
  }

  private async finish(entry: Tracked, events: RunEvents, outcome: ExecutorOutcome): Promise<void> {
    entry.done = true;
    await events.done(entry.task, outcome);
  }

  /** scancel the arrays of unfinished tasks and report those cancelled, with what scancel said. */
  private async cancel(live: Tracked[], events: RunEvents, byUser: boolean): Promise<void> {
    const jobIds = [...new Set(live.map((t) => t.jobId))];
    const run = await slurmCommand('scancel', jobIds, this.env);
    const what = run.ok ? `scancel ${jobIds.join(' ')} cancelled the rest of the array` : `scancel ${jobIds.join(' ')} failed (${run.message}): the tasks may still run in Slurm`;
    this.log(what);
    const detail = `${byUser ? 'stopped by the user (SIGINT/SIGTERM)' : 'lapidary stopped following the array'}; ${what}`;
    for (const entry of live) await this.finish(entry, events, { cancelled: true, timedOut: false, scheduler: { kind: 'interrupted', detail } });
  }
}
