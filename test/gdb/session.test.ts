import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MiCommandError, TargetExitedError } from '../../src/errors.js';
import { GdbSession, runCleanups } from '../../src/gdb/index.js';
import {
  evaluateExpression, execArguments, execContinue, execRun, fileExecAndSymbols, insertBreakpoint, readMemoryBytes,
} from '../../src/mi/index.js';
import { compileMiTarget, isProcessAlive, waitUntilGone } from './helpers/target.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let target: ReturnType<typeof compileMiTarget>;
const sessions: GdbSession[] = [];

beforeAll(() => {
  target = compileMiTarget();
});
afterAll(() => target.remove());
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
});

/** A session with mi-target loaded, `args` set, closed after the test. */
async function startOn(args: string[] = []): Promise<GdbSession> {
  const session = await GdbSession.start();
  sessions.push(session);
  await fileExecAndSymbols(session, target.binary);
  if (args.length > 0) await execArguments(session, args);
  return session;
}

describe('GdbSession on a real gdb', () => {
  it('reads back the known bytes at a known symbol', async () => {
    const session = await startOn();
    await insertBreakpoint(session, 'main');
    await execRun(session);
    const stop = await session.waitForStop({ timeoutMs: 10_000 });
    expect(stop.reason).toBe('breakpoint-hit');
    expect(stop.frameFunction).toBe('main');
    const address = BigInt((await evaluateExpression(session, '(unsigned long)&known_bytes')));
    const bytes = await readMemoryBytes(session, address, 16);
    expect(Buffer.from(bytes).toString('hex')).toBe('deadbeef000102037f80feff4c415049');
    expect(Buffer.from(await readMemoryBytes(session, '&known_bytes', 4)).toString('hex')).toBe('deadbeef');
  });

  it('resolves concurrent sends in token order with their own results', async () => {
    const session = await startOn();
    const resolvedTokens: number[] = [];
    const expressions = Array.from({ length: 20 }, (_, index) => `${index} * 3`);
    const records = await Promise.all(expressions.map(async (expression) => {
      const record = await session.send(`-data-evaluate-expression "${expression}"`);
      resolvedTokens.push(record.token ?? -1);
      return record;
    }));
    expect(records.map((record) => record.results.str('value'))).toEqual(expressions.map((_, index) => String(index * 3)));
    expect(resolvedTokens).toEqual([...resolvedTokens].sort((a, b) => a - b));
    expect(new Set(resolvedTokens).size).toBe(20);
  });

  it('emits out-of-band records as events and records a transcript', async () => {
    const transcript = join(target.dir, 'events.mi');
    const session = await GdbSession.start({ transcript, transcriptHeader: ['events test'] });
    sessions.push(session);
    expect(session.gdbVersion).toMatch(/^GNU gdb /);
    const notified: string[] = [];
    const stops: string[] = [];
    session.on('notify', (record) => notified.push(record.asyncClass));
    session.on('stop', (event) => stops.push(event.reason ?? ''));
    await fileExecAndSymbols(session, target.binary);
    await execArguments(session, ['exit', '3']);
    await execRun(session);
    expect((await session.waitForStop({ timeoutMs: 10_000 })).exitCode).toBe(3);
    expect(notified).toEqual(expect.arrayContaining(['thread-group-started', 'thread-group-exited']));
    expect(stops).toEqual(['exited']);
    await session.close();
    const lines = readFileSync(transcript, 'utf8').split('\n');
    expect(lines[0]).toBe('# events test');
    expect(lines).toContain('> 1-gdb-set mi-async on');
    expect(lines).toContain('< *stopped,reason="exited",exit-code="03"');
  });

  it('killInferior() kills a running program and fails a pending waitForStop with TargetExitedError', async () => {
    const session = await startOn(['spin']);
    await execRun(session);
    const pid = session.inferiorPid ?? 0;
    const stop = session.waitForStop();
    await session.killInferior();
    await expect(stop).rejects.toBeInstanceOf(TargetExitedError);
    expect(session.inferiorPid).toBeUndefined();
    expect(session.running).toBe(false);
    expect(await waitUntilGone(pid)).toBe(true);
  });

  it('waitForStop() times out with GdbProcessError while the program runs', async () => {
    const session = await startOn(['spin']);
    await execRun(session);
    await expect(session.waitForStop({ timeoutMs: 200 })).rejects.toThrow(/did not stop within 200 ms/);
    expect((await session.interrupt()).signalName).toBe('SIGINT');
  });

  it('interrupt() returns a stop that came first instead of sending -exec-interrupt', async () => {
    const session = await startOn(['exit', '0']);
    const exited = new Promise((resolve) => session.once('stop', resolve));
    await execRun(session);
    await exited; // the program exits on its own before anyone interrupts it
    expect(await session.interrupt()).toMatchObject({ reason: 'exited-normally', exited: true });
  });

  it('rejects ^error with MiCommandError and keeps working', async () => {
    const session = await startOn();
    const error = await session.send('-lapidary-no-such-command').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MiCommandError);
    expect((error as MiCommandError).command).toBe('-lapidary-no-such-command');
    expect((error as MiCommandError).gdbMessage).toBe('Undefined MI command: lapidary-no-such-command');
    expect(await evaluateExpression(session, '6 * 7')).toBe('42');
  });

  it('interrupts a running loop with a SIGINT stop', async () => {
    const session = await startOn(['spin']);
    await insertBreakpoint(session, 'spin_forever', { temporary: true });
    await execRun(session);
    expect(session.running).toBe(true);
    expect((await session.waitForStop({ timeoutMs: 10_000 })).reason).toBe('breakpoint-hit');
    await execContinue(session);
    await sleep(100);
    const stop = await session.interrupt();
    expect(stop).toMatchObject({ reason: 'signal-received', signalName: 'SIGINT', exited: false, frameFunction: 'spin_forever' });
    expect(session.running).toBe(false);
    const counted = Number(await evaluateExpression(session, 'spin_counter'));
    expect(counted).toBeGreaterThan(0);
    await execContinue(session);
    await sleep(100);
    const again = await session.interrupt();
    expect(again).toMatchObject({ signalName: 'SIGINT', frameFunction: 'spin_forever' });
    expect(Number(await evaluateExpression(session, 'spin_counter'))).toBeGreaterThan(counted);
  });

  it('reports the exit status (gdb writes it in octal)', async () => {
    const session = await startOn(['exit', '10']);
    await execRun(session);
    const stop = await session.waitForStop({ timeoutMs: 10_000 });
    expect(stop).toMatchObject({ reason: 'exited', exitCode: 10, exited: true });
    expect(session.inferiorPid).toBeUndefined();
    await expect(session.interrupt()).rejects.toBeInstanceOf(TargetExitedError);
  });

  it('collects console output, decoding octal escapes as UTF-8', async () => {
    const session = await startOn();
    expect(await session.console('print greeting')).toBe('$1 = "café → lapidary"\n');
  });

  it('close() leaves neither gdb nor the program running, and is idempotent', async () => {
    const session = await startOn(['spin']);
    await execRun(session);
    const gdbPid = session.gdbPid;
    const inferiorPid = session.inferiorPid;
    expect(gdbPid).toBeDefined();
    expect(inferiorPid).toBeDefined();
    expect(isProcessAlive(inferiorPid ?? 0)).toBe(true);
    await Promise.all([session.close(), session.close()]);
    await session.close();
    expect(await waitUntilGone(gdbPid ?? 0)).toBe(true);
    expect(await waitUntilGone(inferiorPid ?? 0)).toBe(true);
    await expect(session.send('-gdb-version')).rejects.toThrow(/closed/);
  });
});

describe('cleanup hooks of a live session', () => {
  it('runCleanups() SIGKILLs gdb and the program while lapidary lives on; close() still settles', async () => {
    const session = await startOn(['spin']);
    await execRun(session);
    const gdbPid = session.gdbPid ?? 0;
    const inferiorPid = session.inferiorPid ?? 0;
    process.kill(gdbPid, 'SIGSTOP'); // gdb must not get the chance to clean up by itself
    runCleanups();
    expect(await waitUntilGone(gdbPid)).toBe(true);
    expect(await waitUntilGone(inferiorPid)).toBe(true);
    await session.close();
  });
});

describe('locale', () => {
  it('decodes non-ASCII text even when lapidary runs in the C locale, and gives the program that locale', async () => {
    const env = { ...process.env, LANG: 'C', LC_ALL: 'C' };
    const session = await GdbSession.start({ env });
    sessions.push(session);
    await fileExecAndSymbols(session, target.binary);
    await insertBreakpoint(session, 'main');
    await execRun(session);
    await session.waitForStop({ timeoutMs: 10_000 });
    expect(await evaluateExpression(session, 'greeting')).toBe('"café → lapidary"');
    const programEnv = readFileSync(`/proc/${session.inferiorPid ?? 0}/environ`, 'utf8').split('\0');
    expect(programEnv).toContain('LC_ALL=C');
    expect(programEnv).toContain('LANG=C');
  });
});
