import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerCleanup } from '../gdb/cleanup.js';
import { GdbSession } from '../gdb/session.js';
import { execArguments, execRun, fileExecAndSymbols } from '../mi/commands/index.js';
import { LOCAL_PROC, type ProcAccess } from '../capture/proc-access.js';
import type { NativeEnvironment } from './native-env.js';
import { configureLaunchSession, finishStart, launcherSpec, type StartedTarget } from './start.js';

/** lapidary's launcher, built from src/native/launcher.c by `npm run build`. */
export const LAUNCHER = fileURLToPath(new URL('../../dist/native/lapidary-exec', import.meta.url));

/** What to run and how its standard streams are wired (see src/native/launcher.c for stdio specs). */
export interface TargetSpec {
  /** Absolute path of the executable. */
  exe: string;
  argv: string[];
  /** `NAME=value` strings. */
  env: string[];
  cwd: string;
  /** Launcher stdio specs: a path, `append:PATH`, or `fd:N`. */
  stdin: string;
  stdout: string;
  stderr: string;
}

/** Where the native run begins: `main`, or the very first instruction of the new image (`entry`). */
export type StartPoint = 'main' | 'entry';

/** A target under gdb, stopped at its start point. */
export interface LaunchedTarget extends StartedTarget {
  session: GdbSession;
  /** Where the target's /proc and memory are read (this machine, or a VM's agent). */
  proc: ProcAccess;
  /** A `syscall` instruction found in the target, reused by later snapshots while it stays valid. */
  syscallHint?: bigint;
  /** Set after a snapshot rewrote the PC: the next resume steps over a breakpoint here (resume.ts). */
  stepOverAt?: bigint;
}

/**
 * Start the target under gdb/MI without a shell: gdb runs lapidary-exec, which sets up stdio,
 * the working directory and the environment and execs the target; a `catch exec` stops it at
 * its first instruction, where the vDSO is removed from the auxiliary vector. Then it runs to
 * `main` unless `start` is `entry`.
 * @throws TargetExitedError when the program cannot start or ends before the start point.
 */
export async function launchTarget(
  spec: TargetSpec,
  native: NativeEnvironment,
  options: { start: StartPoint; transcript?: string },
): Promise<LaunchedTarget> {
  const work = await mkdtemp(join(tmpdir(), 'lapidary-launch-'));
  const specFile = join(work, 'spec');
  // The spec holds the program's whole environment: it must not outlive the launch, even when gdb cannot start.
  const unregister = registerCleanup(() => rmSync(work, { recursive: true, force: true }));
  let session: GdbSession | undefined;
  try {
    await writeFile(specFile, launcherSpec(spec), { mode: 0o600 });
    session = await GdbSession.start({ cwd: spec.cwd, ...(options.transcript ? { transcript: options.transcript } : {}) });
    await configureLaunchSession(session, native);
    await fileExecAndSymbols(session, LAUNCHER);
    await execArguments(session, [specFile]);
    await session.console('catch exec');
    await execRun(session);
    const execStop = await session.waitForStop({ timeoutMs: 60_000 });
    const started = await finishStart(session, LOCAL_PROC, spec, native, options.start, execStop, () => readFile(`${specFile}.err`, 'utf8').catch(() => ''));
    return { session, proc: LOCAL_PROC, ...started };
  } catch (error) {
    await session?.close();
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
    unregister();
  }
}
