import { readFileSync } from 'node:fs';
import type { RunStore } from './records.js';
import { FINAL_STATUSES, type RunRecord } from './run-types.js';

/**
 * Whether `pid` is a live (not zombie) process of the gem5 run writing into `outdir`: its
 * command line holds `--outdir=<outdir>` (src/gem5/run/invocation.ts), so a pid reused by an
 * unrelated process is not taken for the run.
 */
export function isRunProcess(pid: number, outdir: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(`--outdir=${outdir}`);
  } catch {
    return false;
  }
}

/**
 * Local runs of `name` that an earlier batch recorded as underway (Created, Spawning, Running)
 * but whose gem5 process is gone: that batch ended without recording their end (it was killed
 * with SIGKILL, or the machine went down). Each is recorded Killed (`failureKind` `abandoned`),
 * so that it is planned again like any run that did not finish. Slurm runs are left to
 * syncSlurmRuns, which asks the scheduler.
 * @returns the runs recorded Killed.
 */
export function reclaimAbandonedRuns(store: RunStore, name: string): RunRecord[] {
  const reclaimed: RunRecord[] = [];
  for (const record of store.list({ name })) {
    if (FINAL_STATUSES.has(record.status) || record.executor !== 'local') continue;
    if (record.pid !== undefined && isRunProcess(record.pid, record.outdir)) continue;
    store.update(record.id, {
      status: 'Killed', endedAt: new Date().toISOString(), failureKind: 'abandoned',
      failureDetail: `the batch that ran it ended without recording its end (killed, e.g. with SIGKILL, or crashed) while it was ${record.status}${record.pid === undefined ? '' : `; its gem5 (pid ${record.pid}) is gone`}`,
    });
    reclaimed.push(store.get(record.id)!);
  }
  return reclaimed;
}
