import { TargetExitedError } from '../errors.js';
import { readMaps } from '../capture/procfs/maps.js';
import type { StopEvent } from '../mi/index.js';
import type { LaunchedTarget } from './launch.js';
import { rspOf } from './start.js';
import { removeVdsoFromAuxv } from './vdso.js';

/** The program a target is running now: what it was started as, or what it last exec'd. */
export interface ProgramImage {
  /** Absolute path of the executable (`/proc/PID/exe`; for a `#!` script, its interpreter). */
  exe: string;
  argv: string[];
  /** `NAME=value` strings. */
  env: string[];
}

/** One execve(2) the target made after its start point, followed by lapidary. */
export interface ExecRecord {
  /** Native execution before the exec, seconds. */
  elapsedSeconds: number;
  from: ProgramImage;
  to: ProgramImage;
  /** Whether the new image's AT_SYSINFO_EHDR was removed as at the start. */
  vdsoRemoved: boolean;
}

/** Split a NUL-separated /proc file (cmdline, environ) into its strings. */
function nulStrings(data: Buffer): string[] {
  const text = data.toString('utf8');
  if (text === '') return [];
  return (text.endsWith('\0') ? text.slice(0, -1) : text).split('\0');
}

/**
 * Follow an exec of the target at gdb's `catch exec` stop (reason `exec`): the program now runs
 * a new image from its first instruction (the new ELF interpreter's entry), so the measures
 * taken at the start are taken again on it — the vDSO removed from the new auxiliary vector
 * (vdso.ts), snapshot hints of the old image dropped — and `target.image` becomes what
 * /proc/PID/exe, cmdline and environ say (for a `#!` script the kernel exec'd its interpreter:
 * fs/binfmt_script.c). Later checkpoints record the new image in their manifests.
 * @throws TargetExitedError when the stop is not an exec or the new image has no stack.
 */
export async function followExec(target: LaunchedTarget, stop: StopEvent, elapsedSeconds: number): Promise<ExecRecord> {
  if (stop.exited || stop.reason !== 'exec') throw new TargetExitedError(`expected an exec stop, got ${stop.reason ?? 'a stop'}`);
  const { proc, pid, session } = target;
  const [exe, cmdline, environ] = await Promise.all([
    proc.readlink(`/proc/${pid}/exe`),
    proc.readFile(`/proc/${pid}/cmdline`),
    proc.readFile(`/proc/${pid}/environ`),
  ]);
  const from = target.image;
  target.image = { exe, argv: nulStrings(cmdline), env: nulStrings(environ) };
  target.syscallHint = undefined;
  target.stepOverAt = undefined;
  let vdsoRemoved = false;
  if (target.removeVdso) {
    const stack = (await readMaps(proc, pid)).find((r) => r.kind === 'stack');
    if (stack === undefined) throw new TargetExitedError(`${exe} has no [stack] at its first instruction after exec`);
    vdsoRemoved = await removeVdsoFromAuxv(session, proc, pid, await rspOf(session), stack.end);
  }
  const record: ExecRecord = { elapsedSeconds, from, to: target.image, vdsoRemoved };
  target.execs.push(record);
  return record;
}

/** One line for the progress output and the manifest's notes about an exec that was followed. */
export function describeExec(record: ExecRecord): string {
  return `the program exec'd ${JSON.stringify(record.to.argv)} (${record.to.exe}) after ${record.elapsedSeconds.toFixed(3)} s; later checkpoints are of that image${record.vdsoRemoved ? ', with its vDSO removed too' : ''}`;
}
