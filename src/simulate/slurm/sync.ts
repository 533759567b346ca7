import { join } from 'node:path';
import { writeInfo } from '../batch.js';
import { finalUpdate } from '../collect.js';
import type { RunStore } from '../records.js';
import { FINAL_STATUSES, type RunRecord, type RunTask } from '../run-types.js';
import { readTaskFile } from './files.js';
import { lostOutcome, slurmOutcome } from './outcome.js';
import { queryTaskStates, taskKey } from './query.js';
import { statePhase } from './states.js';
import { findSubmissions } from './submit.js';

/** What {@link syncSlurmRuns} did. */
export interface SyncReport {
  /** Records whose status it changed (as they are now). */
  changed: RunRecord[];
  /** Records Slurm still holds pending or running (all unfinished ones when Slurm could not be asked). */
  live: RunRecord[];
  /** Why Slurm could not be asked (squeue's message), or sacct's note. */
  problem?: string;
}

/** Unfinished records of runs submitted to Slurm (executor `slurm`, with a job and task id). */
export function unfinishedSlurmRecords(store: RunStore, name?: string): RunRecord[] {
  return store.list(name === undefined ? {} : { name })
    .filter((r) => r.executor === 'slurm' && !FINAL_STATUSES.has(r.status) && r.jobId !== undefined && r.taskId !== undefined);
}

/**
 * Bring the unfinished Slurm run records of a checkpoint directory up to date from squeue/sacct,
 * without the parallel-simulate that submitted them (it may have died, or be watched from
 * another terminal): Running when Slurm started the task, and the final record, collected from
 * the run directory exactly as the executor would, when it ended. Idempotent, so it may run
 * beside a live parallel-simulate.
 * @param options.outcomeGraceSeconds leave a COMPLETED task without a visible outcome.json
 *   unfinished until Slurm's end time is this old (shared file-system caching); default 60.
 */
export async function syncSlurmRuns(
  checkpointDir: string,
  store: RunStore,
  options: { name?: string; env: NodeJS.ProcessEnv; outcomeGraceSeconds?: number },
): Promise<SyncReport> {
  const records = unfinishedSlurmRecords(store, options.name);
  if (records.length === 0) return { changed: [], live: [] };
  const states = await queryTaskStates(new Set(records.map((r) => taskKey(r.jobId!, r.taskId!))), options.env);
  if (!states.ok) return { changed: [], live: records, problem: states.message };
  const submissions = await findSubmissions(checkpointDir);
  const report: SyncReport = { changed: [], live: [], ...(states.message ? { problem: states.message } : {}) };
  for (const record of records) {
    const submission = submissions.get(record.jobId!);
    const index = Number(record.taskId);
    const logFile = submission ? submission.layout.logFile(index) : join(record.outdir, 'no-slurm-log');
    const task: RunTask | undefined = submission ? await readTaskFile(submission.layout.taskFile(index)).catch(() => undefined) : undefined;
    const save = async (update: Parameters<RunStore['update']>[1], measurement?: Parameters<RunStore['update']>[2]) => {
      store.update(record.id, update, measurement);
      const now = store.get(record.id)!;
      if (task) await writeInfo(now, task).catch(() => undefined);
      report.changed.push(now);
    };
    const state = states.byKey.get(taskKey(record.jobId!, record.taskId!));
    if (state === undefined) {
      const outcome = await lostOutcome(record.jobId!, record.taskId!, record.outdir, `squeue does not list it; ${states.message || 'sacct has no record of it'}`);
      const { update, measurement } = await finalUpdate(record.outdir, outcome, false, record.params);
      await save(update, measurement);
      continue;
    }
    const phase = statePhase(state.state);
    if (phase !== 'final') {
      report.live.push(record);
      if (phase === 'active' && record.status !== 'Running') await save({ status: 'Running', startedAt: state.start ?? new Date().toISOString() });
      continue;
    }
    const verdict = await slurmOutcome(state, record.outdir, logFile);
    const endedMs = state.end === undefined ? Date.now() : Date.parse(state.end);
    if (verdict.outcomeMissing && state.state === 'COMPLETED' && Date.now() - endedMs < (options.outcomeGraceSeconds ?? 60) * 1000) continue;
    const { update, measurement } = await finalUpdate(record.outdir, verdict.outcome, false, record.params);
    await save({ ...update, ...(record.startedAt === undefined && state.start !== undefined && state.nodes !== undefined ? { startedAt: state.start } : {}) }, measurement);
  }
  return report;
}
