import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { TargetSpec } from '../create/launch.js';
import { GUEST } from './init-script.js';

/** How a TargetSpec runs in the guest: its stdio mapped to guest paths, and what the host provides. */
export interface GuestRunPlan {
  /** The spec with stdio rewritten for the guest (other fields unchanged: paths are the same there). */
  spec: TargetSpec;
  /** Host directories shared read-write over 9p at the same paths (tags lapidary0, lapidary1, …). */
  shares: Array<{ tag: string; path: string }>;
  /** Host files QEMU appends the guest's stdout/stderr ports to (terminals, lapidary's own streams). */
  stdoutFile?: string;
  stderrFile?: string;
  notes: string[];
}

/** Directories that are the guest's own system (sharing them would hide the image's files or the guest's /proc). */
const NOT_SHAREABLE = /^\/(|usr|lib|lib64|lib32|bin|sbin|etc|proc|sys|dev|run|boot|usr\/lib|usr\/bin|usr\/sbin)$/;

/** A host path the guest cannot open by name (a terminal, /proc/PID/fd/N of a host process). */
function hostOnly(path: string): boolean {
  return (path.startsWith('/proc/') || path.startsWith('/dev/')) && path !== '/dev/null' && path !== '/dev/zero';
}

/**
 * Plan the guest side of a run. Output files written through the target's stdout/stderr, or in its
 * working directory, must come back to the host, and checkpoints read files the target has open
 * for writing on the host (checkpoint.ts): so the working directory, the directories of stdout
 * and stderr files and `extraShares` are shared with the guest over 9p (writes reach the host at
 * once). stdout/stderr that are host terminals or lapidary's own streams (`append:/proc/PID/fd/N`)
 * are forwarded through virtio-serial ports that QEMU appends to the same host file.
 * @throws UsageError for a stdin the guest cannot read (a terminal or an inherited descriptor).
 */
export function planGuestRun(spec: TargetSpec, extraShares: readonly string[] = []): GuestRunPlan {
  const notes: string[] = [];
  const wanted: string[] = [spec.cwd, ...extraShares.map((s) => resolve(spec.cwd, s))];
  const plan: Omit<GuestRunPlan, 'spec' | 'shares'> = { notes };
  const output = (value: string, port: string, which: 'stdoutFile' | 'stderrFile'): string => {
    if (value === '' || value.startsWith('fd:')) return value === '' ? '' : `append:/dev/${port}`;
    const append = value.startsWith('append:');
    const path = append ? value.slice(7) : value;
    if (path === '/dev/null') return value;
    if (hostOnly(path)) {
      plan[which] = path;
      return `append:/dev/${port}`;
    }
    wanted.push(dirname(resolve(spec.cwd, path)));
    return value;
  };
  const stdout = output(spec.stdout, GUEST.stdoutPort, 'stdoutFile');
  const stderr = output(spec.stderr, GUEST.stderrPort, 'stderrFile');
  if (spec.stdin.startsWith('fd:') || (spec.stdin !== '' && hostOnly(spec.stdin))) {
    throw new UsageError(`the target's stdin (${spec.stdin}) cannot be given to a program in the VM`, { hint: 'give --stdin a regular file' });
  }
  const shares: string[] = [];
  for (const dir of wanted.map((d) => resolve(d))) {
    if (NOT_SHAREABLE.test(dir)) {
      notes.push(`${dir} is not shared with the VM (it is part of the guest's own system); files written there stay in the guest`);
      continue;
    }
    if (shares.some((s) => dir === s || dir.startsWith(`${s}/`))) continue;
    for (let i = shares.length - 1; i >= 0; i--) if (shares[i]!.startsWith(`${dir}/`)) shares.splice(i, 1);
    shares.push(dir);
  }
  return {
    ...plan,
    spec: { ...spec, stdout, stderr },
    shares: shares.map((path, i) => ({ tag: `lapidary${i}`, path })),
  };
}
