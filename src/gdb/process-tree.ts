import { readdirSync, readFileSync } from 'node:fs';
import { killQuietly } from './cleanup.js';

/**
 * Ending a local program together with every process it started (workers it forked), which
 * killing its pid alone leaves running under pid 1. Synchronous, so it can run in a cleanup hook.
 */

/** Fields of /proc/PID/stat (proc(5)): after the `(comm)` field, state is 1st, ppid 2nd, pgrp 3rd. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The process group of `pid` (proc(5) `pgrp`), or undefined if it is gone. */
export function processGroupOf(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields === undefined ? undefined : Number(fields[2]);
}

/**
 * Live processes that belong to the program: members of process group `group` and descendants
 * (through /proc PPid links) of any pid in `roots`, the roots themselves excluded.
 */
function belongingTo(roots: ReadonlySet<number>, group: number | undefined): Set<number> {
  const parentOf = new Map<number, number>();
  const found = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const fields = statFields(pid);
    if (fields === undefined || fields[0] === 'Z' || roots.has(pid)) continue;
    parentOf.set(pid, Number(fields[1]));
    if (group !== undefined && Number(fields[2]) === group) found.add(pid);
  }
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parentOf) {
      if (!found.has(pid) && (roots.has(ppid) || found.has(ppid))) {
        found.add(pid);
        grew = true;
      }
    }
  }
  return found;
}

/**
 * SIGKILL `pid` and everything it started: every descendant (also those that left its process
 * group with setsid or setpgid) and every member of `group`, the process group it leads. They are
 * stopped (SIGSTOP) and looked up again until no new one appears, so none forks past the kill;
 * then all are killed. `pid` itself is not stopped (gdb may be tracing it). Processes already
 * re-parented to pid 1 outside the group (a daemon whose parent exited) cannot be told from
 * others and are left alone. Never throws.
 * @param pid the program, alive or already ended (then only its group is looked for).
 * @param group the program's process group when it leads one (pgid === pid), else undefined.
 * @param spare pids to leave alone (gdb's other inferiors, such as a snapshot child being read).
 */
export function killProcessTree(pid: number, group: number | undefined, spare: ReadonlySet<number> = new Set()): void {
  const doomed = new Set<number>();
  try {
    const known = new Set([pid]);
    for (let round = 0; round < 100; round++) {
      const fresh = [...belongingTo(known, group)].filter((p) => !spare.has(p) && !doomed.has(p));
      if (fresh.length === 0) break;
      for (const p of fresh) {
        doomed.add(p);
        known.add(p);
        try {
          process.kill(p, 'SIGSTOP');
        } catch {
          // gone meanwhile
        }
      }
    }
  } catch {
    // /proc unreadable: at least the program itself.
  }
  if (!spare.has(pid)) killQuietly(pid);
  for (const p of doomed) killQuietly(p);
}
