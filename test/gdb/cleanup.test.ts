import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGdbLibrary } from './helpers/compile-library.js';
import { compileMiTarget, isProcessAlive, waitUntilGone } from './helpers/target.js';

/**
 * A child Node process (lapidary's stand-in) starts a gdb session running `mi-target spin`, then
 * is signalled. Whatever happens to it, neither gdb nor the program may survive it.
 */
const CHILD_SCRIPT = `
import { GdbSession, installSignalCleanup } from './src/gdb/index.js';
import { execArguments, execRun, fileExecAndSymbols } from './src/mi/index.js';
let keepAlive;
if (process.argv[3] === 'install') installSignalCleanup();
if (process.argv[3] === 'on-signal') {
  // The CLI's way: hooks run first, then it sets the exit code and lets the event loop drain.
  installSignalCleanup({ onSignal: () => { process.exitCode = 130; clearInterval(keepAlive); } });
}
const session = await GdbSession.start();
await fileExecAndSymbols(session, process.argv[2]);
await execArguments(session, ['spin']);
await execRun(session);
console.log(JSON.stringify({ gdbPid: session.gdbPid, inferiorPid: session.inferiorPid }));
keepAlive = setInterval(() => {}, 1000);
`;

let library: ReturnType<typeof compileGdbLibrary>;
let target: ReturnType<typeof compileMiTarget>;

beforeAll(() => {
  library = compileGdbLibrary();
  target = compileMiTarget();
  writeFileSync(join(library.dir, 'child.mjs'), CHILD_SCRIPT);
});
afterAll(() => {
  library.remove();
  target.remove();
});

/** Start the child; resolves once its session runs the program, with the pids it reported. */
async function startChild(mode: 'install' | 'on-signal' | 'no-handlers') {
  const child = spawn(process.execPath, [join(library.dir, 'child.mjs'), target.binary, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', () => reject(new Error('child exited before reporting its pids')));
  });
  const pids = JSON.parse(firstLine) as { gdbPid: number; inferiorPid: number };
  return { child, exited, ...pids };
}

/** Process group id of `pid`, from /proc/PID/stat. */
function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

describe('no gdb or program outlives lapidary', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s with installSignalCleanup(): both killed, then the signal is re-raised', async (signal) => {
    const { child, exited, gdbPid, inferiorPid } = await startChild('install');
    expect(isProcessAlive(gdbPid)).toBe(true);
    expect(isProcessAlive(inferiorPid)).toBe(true);
    // Freeze gdb, so that it cannot clean up by itself when its stdin closes: only lapidary's
    // SIGKILLs of gdb's group and of the program's pid can end them now.
    process.kill(gdbPid, 'SIGSTOP');
    child.kill(signal);
    expect(await exited).toEqual({ code: null, signal });
    expect(await waitUntilGone(gdbPid)).toBe(true);
    expect(await waitUntilGone(inferiorPid)).toBe(true);
  });

  it('SIGINT with onSignal: both killed, and the process ends by itself with the exit code it chose', async () => {
    const { child, exited, gdbPid, inferiorPid } = await startChild('on-signal');
    process.kill(gdbPid, 'SIGSTOP');
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: 130, signal: null });
    expect(await waitUntilGone(gdbPid)).toBe(true);
    expect(await waitUntilGone(inferiorPid)).toBe(true);
  });

  it('gdb runs in its own process group, and the program in yet another one', async () => {
    const { child, exited, gdbPid, inferiorPid } = await startChild('install');
    try {
      expect(processGroupOf(gdbPid)).toBe(gdbPid);
      expect(processGroupOf(inferiorPid)).toBe(inferiorPid);
      expect(processGroupOf(child.pid ?? 0)).not.toBe(gdbPid);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  // The one case lapidary cannot handle itself; gdb does, unless it is frozen too.
  it('SIGKILL of lapidary (no handler can run): gdb sees EOF on stdin, exits and kills the program', async () => {
    const { child, exited, gdbPid, inferiorPid } = await startChild('no-handlers');
    child.kill('SIGKILL');
    await exited;
    expect(await waitUntilGone(gdbPid)).toBe(true);
    expect(await waitUntilGone(inferiorPid)).toBe(true);
  });
});
