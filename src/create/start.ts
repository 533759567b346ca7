import type { GdbSession } from '../gdb/session.js';
import { MiCommandError, TargetExitedError, UsageError } from '../errors.js';
import { execContinue, gdbSet, insertBreakpoint } from '../mi/commands/index.js';
import type { StopEvent } from '../mi/index.js';
import { readMaps } from '../capture/procfs/maps.js';
import { registerNumbers } from '../capture/capture.js';
import type { ProcAccess } from '../capture/proc-access.js';
import type { NativeEnvironment } from './native-env.js';
import type { StartPoint, TargetSpec } from './launch.js';
import { removeVdsoFromAuxv } from './vdso.js';
import type { ExecRecord, ProgramImage } from './exec.js';

/**
 * Steps of starting a target under gdb shared by this machine (launch.ts) and a VM
 * (src/vm/launch.ts): the launcher's spec file, the initial stack pointer, running to main.
 */

/** The spec file of src/native/launcher.c: NUL-terminated fields. */
export function launcherSpec(spec: TargetSpec): string {
  const fields = ['lapidary-exec/1', spec.cwd, spec.stdin, spec.stdout, spec.stderr, spec.exe,
    String(spec.argv.length), ...spec.argv, String(spec.env.length), ...spec.env];
  return fields.map((f) => `${f}\0`).join('');
}

/** The stack pointer of the stopped thread. */
export async function rspOf(session: GdbSession): Promise<bigint> {
  const value = (await session.send('-data-evaluate-expression $rsp')).results.str('value');
  return BigInt(value.split(' ')[0]!);
}

/** Continue to the next stop; the program must not end before it. */
async function continueTo(session: GdbSession, exe: string, where: string): Promise<bigint> {
  await execContinue(session);
  const stop = await session.waitForStop();
  if (stop.exited) throw new TargetExitedError(`${exe} exited (status ${stop.exitCode ?? '?'}) before reaching ${where}`);
  return stop.frameAddr ?? 0n;
}

/**
 * Run from the first instruction to `main`. Stripped programs (most of Debian's) have no `main`
 * symbol; then the stop is at glibc's `__libc_start_main`, whose first argument is main's
 * address (glibc csu/libc-start.c), and a breakpoint there finds it.
 */
export async function runToMain(session: GdbSession, exe: string): Promise<bigint> {
  try {
    await insertBreakpoint(session, 'main', { temporary: true });
    return await continueTo(session, exe, 'main');
  } catch (error) {
    if (!(error instanceof MiCommandError)) throw error;
  }
  try {
    await session.send('-break-insert -t -f __libc_start_main');
  } catch {
    throw new UsageError(`${exe} has no symbol "main" and does not start through glibc's __libc_start_main`, { hint: 'use --start entry to begin at the first instruction' });
  }
  await continueTo(session, exe, '__libc_start_main');
  const main = BigInt((await session.send('-data-evaluate-expression "(unsigned long)$rdi"')).results.str('value'));
  await insertBreakpoint(session, `*0x${main.toString(16)}`, { temporary: true });
  return continueTo(session, exe, 'main');
}

/** What the common part of starting a target finds out. */
export interface StartedTarget {
  pid: number;
  /** gdb register numbers of the registers capture reads. */
  registers: Map<string, number>;
  /** Whether the start image's AT_SYSINFO_EHDR was removed. */
  vdsoRemoved: boolean;
  /** Whether the vDSO is to be removed from every image the program runs (the start's and any it execs). */
  removeVdso: boolean;
  /** Program counter at the start point. */
  startPc: bigint;
  /** The program running now (updated by followExec, exec.ts). */
  image: ProgramImage;
  /** The execs followed since the start point, oldest first. */
  execs: ExecRecord[];
}

/**
 * From the `catch exec` stop at the target's first instruction to its start point: check that the
 * launcher did exec it (else report the launcher's own error), remove the vDSO from the auxiliary
 * vector, run to main unless the start is `entry`, and catch the program's later execs.
 * @param launcherError reads the launcher's error file (SPEC.err), '' when there is none.
 * @throws TargetExitedError when the program did not start or has no stack.
 */
export async function finishStart(
  session: GdbSession,
  proc: ProcAccess,
  spec: TargetSpec,
  native: NativeEnvironment,
  start: StartPoint,
  execStop: StopEvent,
  launcherError: () => Promise<string>,
  where = '',
): Promise<StartedTarget> {
  if (execStop.exited || execStop.reason !== 'exec') {
    const why = await launcherError();
    throw new TargetExitedError(`${spec.exe} did not start${where}${why ? `: ${why.trim()}` : ` (gdb stopped: ${execStop.reason ?? 'unknown'})`}`);
  }
  const pid = session.inferiorPid;
  if (pid === undefined) throw new TargetExitedError(`${spec.exe} has no pid after exec`);
  await session.send('-break-delete');
  let vdsoRemoved = false;
  if (native.removeVdso) {
    const stack = (await readMaps(proc, pid)).find((r) => r.kind === 'stack');
    if (stack === undefined) throw new TargetExitedError(`${spec.exe} has no [stack] at its first instruction`);
    vdsoRemoved = await removeVdsoFromAuxv(session, proc, pid, await rspOf(session), stack.end);
  }
  const startPc = start === 'main' ? await runToMain(session, spec.exe) : execStop.frameAddr ?? 0n;
  // Later execs stop too, so that they are followed (exec.ts) and never pass unseen.
  await session.console('catch exec');
  return {
    pid, registers: await registerNumbers(session), vdsoRemoved, removeVdso: native.removeVdso, startPc,
    image: { exe: spec.exe, argv: [...spec.argv], env: [...spec.env] }, execs: [],
  };
}

/**
 * The gdb settings every launch needs, on bare metal or over the VM's gdbserver: no shell between
 * gdb and the launcher, ASLR as the native environment asks, no auto-loaded scripts or debuginfod
 * downloads, and the target kept current when a snapshot clones it (GDB manual, "Forks").
 */
export async function configureLaunchSession(session: GdbSession, native: NativeEnvironment): Promise<void> {
  await gdbSet(session, 'startup-with-shell', 'off');
  await gdbSet(session, 'disable-randomization', native.aslr ? 'off' : 'on');
  await gdbSet(session, 'auto-load', 'off');
  await gdbSet(session, 'debuginfod enabled', 'off');
  await gdbSet(session, 'follow-fork-mode', 'parent');
  await gdbSet(session, 'schedule-multiple', 'off');
}
