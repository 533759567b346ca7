import { setTimeout as sleep } from 'node:timers/promises';
import { writeInfo } from '../batch.js';
import type { RunStore } from '../records.js';
import { FINAL_STATUSES, type RunRecord } from '../run-types.js';
import { slurmCommand, type SlurmCommandResult } from './command.js';
import { readTaskFile } from './files.js';
import { findSubmissions } from './submit.js';
import { syncSlurmRuns, unfinishedSlurmRecords } from './sync.js';

/** What {@link cancelSlurmRuns} did. */
export interface CancelReport {
  /** The arrays scancel was given. */
  jobIds: string[];
  scancel?: SlurmCommandResult;
  /** Records now Killed. */
  killed: RunRecord[];
  /** Records that reached another final status meanwhile (e.g. Finished just before the cancel). */
  ended: RunRecord[];
  /** Unfinished runs of the local pool: their parallel-simulate owns them (stop it with Ctrl-C). */
  local: RunRecord[];
}

/**
 * Cancel the Slurm arrays of a checkpoint directory's unfinished runs (scancel(1) on each array
 * job id, which ends its pending and running tasks), wait up to `waitSeconds` for Slurm to report
 * them ended (so the records carry Slurm's own message), and mark every run still unfinished
 * Killed. Runs that finished before the cancel keep their results.
 */
export async function cancelSlurmRuns(
  checkpointDir: string,
  store: RunStore,
  options: { name?: string; env: NodeJS.ProcessEnv; waitSeconds?: number; pollSeconds?: number },
): Promise<CancelReport> {
  const all = store.list(options.name === undefined ? {} : { name: options.name });
  const local = all.filter((r) => r.executor !== 'slurm' && !FINAL_STATUSES.has(r.status));
  const targets = unfinishedSlurmRecords(store, options.name);
  const report: CancelReport = { jobIds: [...new Set(targets.map((r) => r.jobId!))], killed: [], ended: [], local };
  // Slurm runs without a job id: their parallel-simulate stopped before sbatch answered
  for (const record of all.filter((r) => r.executor === 'slurm' && !FINAL_STATUSES.has(r.status) && r.jobId === undefined)) {
    store.update(record.id, { status: 'Killed', endedAt: new Date().toISOString(), failureKind: 'slurm-cancelled', failureDetail: 'never submitted: the parallel-simulate that planned it stopped before sbatch accepted the array' });
    report.killed.push(store.get(record.id)!);
  }
  if (targets.length === 0) return report;
  report.scancel = await slurmCommand('scancel', report.jobIds, options.env);
  const deadline = Date.now() + (options.waitSeconds ?? 20) * 1000;
  for (;;) {
    const sync = await syncSlurmRuns(checkpointDir, store, { ...options, outcomeGraceSeconds: 0 });
    if (sync.live.length === 0 || Date.now() >= deadline) break;
    await sleep((options.pollSeconds ?? 1) * 1000);
  }
  const submissions = await findSubmissions(checkpointDir);
  const how = `cancelled with scancel ${report.jobIds.join(' ')} (lapidary cancel)${report.scancel.ok ? '' : `; scancel said: ${report.scancel.message}`}`;
  for (const target of targets) {
    const record = store.get(target.id)!;
    if (!FINAL_STATUSES.has(record.status)) {
      store.update(record.id, { status: 'Killed', endedAt: new Date().toISOString(), failureKind: 'slurm-cancelled', failureDetail: how });
      const submission = submissions.get(record.jobId!);
      const task = submission ? await readTaskFile(submission.layout.taskFile(Number(record.taskId))).catch(() => undefined) : undefined;
      if (task) await writeInfo(store.get(record.id)!, task).catch(() => undefined);
    }
    const now = store.get(record.id)!;
    (now.status === 'Killed' ? report.killed : report.ended).push(now);
  }
  return report;
}
