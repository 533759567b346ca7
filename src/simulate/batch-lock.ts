import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { BatchLockedError } from '../errors.js';
import type { LockHolder, RunStore } from './records.js';

/** Start time of process `pid` in clock ticks after boot (proc(5), /proc/PID/stat field 22), or undefined if it is gone. */
function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): field 22 is fields[19]
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

function bootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

/** This process, as a lock holder. */
function thisProcess(): LockHolder {
  return { host: hostname(), bootId: bootId(), pid: process.pid, startTicks: startTicks(process.pid) ?? '' };
}

/**
 * Whether a lock holder still runs: the same process (pid and start time) in this boot. A holder
 * on another host cannot be checked from here and counts as live.
 */
function holderIsLive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  return holder.bootId === bootId() && startTicks(holder.pid) === holder.startTicks;
}

/**
 * Take the batch lock of configuration `name` in the run store of `checkpointDir`: one batch at
 * a time plans, empties and runs `runs/<name>/`, so a second `parallel-simulate` never runs the
 * same checkpoints into the same run directories nor deletes a live run's directory. The lock is
 * a row of the run database (`batch_locks`); a holder that is gone (killed with SIGKILL) is
 * taken over.
 * @returns a function releasing the lock.
 * @throws BatchLockedError naming the live holder's host and pid.
 */
export function takeBatchLock(store: RunStore, checkpointDir: string, name: string): () => void {
  const self = thisProcess();
  const holder = store.acquireBatchLock(name, self, holderIsLive);
  if (holder !== undefined) {
    throw new BatchLockedError(`another lapidary (pid ${holder.pid} on ${holder.host}, since ${holder.since}) is running the ${name} runs of ${checkpointDir}`, {
      hint: `wait for it (\`lapidary runs ${checkpointDir} --name ${name} --watch\`), stop it (kill ${holder.pid}), or give this batch another --name`,
    });
  }
  return () => store.releaseBatchLock(name, self);
}
