import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { killQuietly } from '../gdb/cleanup.js';
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
 * and never ended: that batch was killed (SIGKILL, the machine went down). Call it only while
 * holding the batch lock of `name` (batch-lock.ts), which proves that batch is gone. A gem5 of
 * such a run still alive (started by a lapidary before gem5 ran through lapidary-die-with-parent)
 * writes into a directory the new batch empties, so its process group is killed first. Each run
 * is recorded Killed (`failureKind` `abandoned`) and is planned again like any run that did not
 * finish. Slurm runs are left to syncSlurmRuns, which asks the scheduler.
 * @returns the runs recorded Killed.
 */
export async function reclaimAbandonedRuns(store: RunStore, name: string): Promise<RunRecord[]> {
  const reclaimed: RunRecord[] = [];
  for (const record of store.list({ name })) {
    if (FINAL_STATUSES.has(record.status) || record.executor !== 'local') continue;
    let stopped = false;
    if (record.pid !== undefined && isRunProcess(record.pid, record.outdir)) {
      killQuietly(-record.pid);
      killQuietly(record.pid);
      for (let waited = 0; waited < 5000 && isRunProcess(record.pid, record.outdir); waited += 50) await sleep(50);
      stopped = true;
    }
    const gem5 = record.pid === undefined ? '' : stopped ? `; its gem5 (pid ${record.pid}) was still running without it and was killed` : `; its gem5 (pid ${record.pid}) is gone`;
    store.update(record.id, {
      status: 'Killed', endedAt: new Date().toISOString(), failureKind: 'abandoned',
      failureDetail: `the batch that ran it ended without recording its end (killed, e.g. with SIGKILL, or crashed) while it was ${record.status}${gem5}`,
    });
    reclaimed.push(store.get(record.id)!);
  }
  return reclaimed;
}
