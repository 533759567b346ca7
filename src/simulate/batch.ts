import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { estimateCpi, type Estimate } from '../sampling/index.js';
import { reclaimAbandonedRuns } from './abandoned.js';
import { takeBatchLock } from './batch-lock.js';
import { finalUpdate } from './collect.js';
import type { Executor, ExecutorOutcome } from './executor.js';
import { planBatch, recordedParams } from './plan.js';
import { RunStore } from './records.js';
import { FINAL_STATUSES, type RunParameters, type RunRecord, type RunTask } from './run-types.js';
import { gem5Argv } from '../gem5/run/invocation.js';

/** How a batch is doing, after every change. */
export interface BatchProgress {
  total: number;
  skipped: number;
  finished: number;
  failed: number;
  running: number;
  /** Seconds until every run is done, from the mean duration so far; undefined before the first. */
  etaSeconds?: number;
  /** The CPI estimate over every finished run of this configuration (earlier batches included). */
  estimate?: Estimate;
  /** The run that just changed, with its new record. */
  latest?: RunRecord;
}

export interface BatchOptions {
  checkpointDir: string;
  name: string;
  params: RunParameters;
  gem5: string;
  executor: Executor;
  jobs: number;
  rerun: boolean;
  confidence: number;
  signal: AbortSignal;
  onProgress: (progress: BatchProgress) => void;
  /** One line for the user about the batch itself (e.g. runs an earlier, killed batch left behind). */
  onNotice: (line: string) => void;
}

/** info.json: the run record plus where everything is, refreshed on every change and while it runs. */
export async function writeInfo(record: RunRecord, task: RunTask): Promise<void> {
  const started = record.startedAt === undefined ? undefined : Date.parse(record.startedAt);
  const info = {
    ...record,
    elapsedSeconds: started === undefined ? undefined : ((record.endedAt ? Date.parse(record.endedAt) : Date.now()) - started) / 1000,
    checkpointPath: task.invocation.checkpoint,
    command: [task.invocation.gem5, ...gem5Argv(task.invocation)],
    files: { stats: join(record.outdir, 'stats.txt'), gem5Stdout: join(record.outdir, 'simout.txt'), gem5Stderr: join(record.outdir, 'simerr.txt'), programStdout: task.invocation.stdout },
  };
  await writeFile(join(record.outdir, 'info.json'), `${JSON.stringify(info, null, 2)}\n`);
}

/**
 * A run whose end could not be recorded (its info.json cannot be written, its statistics cannot
 * be collected): recorded Failed with kind `bookkeeping` and the reason, keeping what gem5 itself
 * said, so that the rest of the batch goes on (issue 13 item 5).
 * @returns the run's new record.
 */
function recordBookkeepingFailure(store: RunStore, task: RunTask, error: unknown): RunRecord {
  const earlier = store.get(task.id);
  const said = earlier?.failureDetail === undefined || !FINAL_STATUSES.has(earlier.status) ? '' : `; the run itself: ${earlier.status}, ${earlier.failureDetail}`;
  store.update(task.id, {
    status: 'Failed', endedAt: earlier?.endedAt ?? new Date().toISOString(), failureKind: 'bookkeeping',
    failureDetail: `lapidary could not record the end of this run in ${task.invocation.outdir}: ${(error as Error).message ?? String(error)}${said}`,
  });
  const record = store.get(task.id)!;
  void writeInfo(record, task).catch(() => undefined);
  return record;
}

/**
 * Run one configuration over every checkpoint of a directory, holding its batch lock (a second
 * batch of the same configuration is refused with BatchLockedError): plan (skipping identical finished
 * runs), record each run (Created → Spawning → Running → final) in the run store, hand the tasks
 * to the executor, and collect each result from its run directory as it ends, in any order.
 * A failing run never stops the others. After an abort, every run not finished is marked Killed
 * and the next invocation resumes with exactly those; runs a killed batch left underway (their
 * gem5 died with it, see lapidary-die-with-parent) are recorded Killed first and run again.
 */
export async function runBatch(options: BatchOptions): Promise<{ records: RunRecord[]; skipped: string[] }> {
  const store = new RunStore(options.checkpointDir);
  let release: (() => void) | undefined;
  try {
    release = takeBatchLock(store, options.checkpointDir, options.name);
    const abandoned = await reclaimAbandonedRuns(store, options.name);
    if (abandoned.length > 0) {
      options.onNotice(`${abandoned.length} run${abandoned.length === 1 ? '' : 's'} of ${options.name} left underway by a batch that was killed (${abandoned.map((r) => r.checkpoint).join(', ')}): recorded Killed, running ${abandoned.length === 1 ? 'it' : 'them'} again`);
    }
    const plan = await planBatch({ ...options, store });
    const params = recordedParams(options.params);
    const byId = new Map(plan.tasks.map((task) => [task.id, task]));
    for (const task of plan.tasks) {
      const record = store.create(task, options.executor.name, params);
      await writeInfo(record, task);
    }
    const progress: BatchProgress = { total: plan.tasks.length + plan.skipped.length, skipped: plan.skipped.length, finished: 0, failed: 0, running: 0 };
    const durations: number[] = [];
    /** Runs this batch saw start and not yet end (not read back from the store, which `runs --watch` may update too). */
    const running = new Set<string>();
    const report = (latest?: RunRecord): void => {
      const remaining = plan.tasks.length - progress.finished - progress.failed;
      if (durations.length > 0) {
        const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
        progress.etaSeconds = (remaining * mean) / 1000 / Math.max(1, Math.min(options.jobs, remaining || 1));
      }
      const samples = store.list({ name: options.name, status: 'Finished' })
        .filter((r) => r.measurement !== undefined)
        .map((r) => ({ checkpoint: r.checkpoint, weight: 1, cpi: r.measurement!.cpi }));
      if (samples.length > 0) progress.estimate = estimateCpi(samples, { confidence: options.confidence });
      options.onProgress({ ...progress, ...(latest ? { latest } : {}) });
    };
    for (const task of plan.tasks) store.update(task.id, { status: 'Spawning' });
    report();
    const refresh = setInterval(() => {
      for (const record of store.list({ name: options.name, status: 'Running' })) {
        const task = byId.get(record.id);
        if (task) void writeInfo(record, task).catch(() => undefined);
      }
    }, 5000);
    try {
      await options.executor.run(plan.tasks, {
        queued: (task, info) => {
          // also a run the scheduler took back after it had started (requeued)
          if (running.delete(task.id)) progress.running--;
          store.update(task.id, { status: 'Spawning', ...info });
          void writeInfo(store.get(task.id)!, task).catch(() => undefined);
        },
        started: (task, info) => {
          store.update(task.id, { status: 'Running', startedAt: new Date().toISOString(), ...info });
          if (!running.has(task.id)) progress.running++;
          running.add(task.id);
          const record = store.get(task.id)!;
          void writeInfo(record, task).catch(() => undefined);
          report(record);
        },
        done: async (task, outcome: ExecutorOutcome) => {
          const wasRunning = running.delete(task.id);
          if (wasRunning) progress.running--;
          let record: RunRecord;
          try {
            const { update, measurement } = await finalUpdate(task.invocation.outdir, outcome, options.signal.aborted, params);
            store.update(task.id, update, measurement);
            record = store.get(task.id)!;
            await writeInfo(record, task);
          } catch (error) {
            record = recordBookkeepingFailure(store, task, error);
          }
          if (record.status === 'Finished') progress.finished++;
          else progress.failed++;
          if (outcome.durationMs !== undefined && !outcome.cancelled) durations.push(outcome.durationMs);
          report(record);
        },
      }, options.signal);
    } finally {
      clearInterval(refresh);
      for (const task of plan.tasks) {
        const record = store.get(task.id);
        if (record && !FINAL_STATUSES.has(record.status)) {
          store.update(task.id, { status: 'Killed', endedAt: new Date().toISOString(), failureKind: 'interrupted', failureDetail: 'the batch was stopped before this run ended' });
          await writeInfo(store.get(task.id)!, task).catch(() => undefined);
        }
      }
    }
    return { records: plan.tasks.map((t) => store.get(t.id)!), skipped: plan.skipped };
  } finally {
    release?.();
    store.close();
  }
}
