import { describe, expect, it } from 'vitest';
import { GdbProcessError, MiFormatError } from '../../src/errors.js';
import { GdbSession } from '../../src/gdb/index.js';
import { execArguments, execRun, fileExecAndSymbols } from '../../src/mi/index.js';
import { FakeTransport } from './helpers/fake-transport.js';
import { compileMiTarget, waitUntilGone } from './helpers/target.js';

function fakeSession() {
  const transport = new FakeTransport();
  const session = new GdbSession(transport, { closeGraceMs: 50 });
  const protocolErrors: Array<[string, MiFormatError]> = [];
  session.on('protocolError', (line, error) => protocolErrors.push([line, error]));
  return { transport, session, protocolErrors };
}

describe('faults only a fake gdb can produce on demand', () => {
  it('gdb dying mid-record rejects every pending command and wait with GdbProcessError', async () => {
    const { transport, session } = fakeSession();
    const exits: Array<GdbProcessError | undefined> = [];
    session.on('exit', (error) => exits.push(error));
    const command = session.send('-data-evaluate-expression "x"');
    const stop = session.waitForStop();
    expect(transport.written).toEqual(['1-data-evaluate-expression "x"']);
    transport.exit({ exitCode: null, signal: 'SIGSEGV', stderrTail: 'Fatal signal: Segmentation fault\n', partialLine: '1^done,value="4' });
    await expect(command).rejects.toThrow(GdbProcessError);
    await expect(command).rejects.toThrow(
      'gdb was killed by SIGSEGV (`-data-evaluate-expression "x"`); stderr: Fatal signal: Segmentation fault; unfinished output: 1^done,value="4',
    );
    await expect(stop).rejects.toThrow(/killed by SIGSEGV \(waiting for a stop\)/);
    await expect(session.send('-gdb-version')).rejects.toThrow(GdbProcessError);
    expect(exits).toHaveLength(1);
    expect(exits[0]).toBeInstanceOf(GdbProcessError);
    await session.close();
  });

  it('a garbled result line rejects its command with MiFormatError; the session goes on', async () => {
    const { transport, session, protocolErrors } = fakeSession();
    const broken = session.send('-data-evaluate-expression "x"');
    const next = session.send('-data-evaluate-expression "y"');
    transport.line('1^done,value="4'); // truncated: the closing quote never came
    transport.line('2^done,value="5"');
    await expect(broken).rejects.toThrow(MiFormatError);
    await expect(broken).rejects.toThrow(/unterminated c-string at offset 13/);
    expect((await next).results.str('value')).toBe('5');
    expect(protocolErrors).toEqual([]);
    await session.close();
  });

  it('an ^error with no token, and a line that is not MI, are reported as protocolError', async () => {
    const { transport, session, protocolErrors } = fakeSession();
    const pending = session.send('-gdb-version');
    transport.line('^error,msg="out of band"');
    transport.line('hello from a program writing on gdb\'s stdout');
    transport.line('1^done');
    await expect(pending).resolves.toMatchObject({ resultClass: 'done', token: 1 });
    expect(protocolErrors.map(([line]) => line)).toEqual(['^error,msg="out of band"', 'hello from a program writing on gdb\'s stdout']);
    expect(protocolErrors[0]?.[1].message).toMatch(/result record for no pending command/);
    await session.close();
  });

  it('collects console output for the oldest pending command only', async () => {
    const { transport, session } = fakeSession();
    const first = session.console('print 1');
    const second = session.console('print 2');
    transport.line('~"$1 = 1\\n"');
    transport.line('1^done');
    transport.line('~"$2 = 2\\n"');
    transport.line('2^done');
    expect(await first).toBe('$1 = 1\n');
    expect(await second).toBe('$2 = 2\n');
    await session.close();
  });

  it('close() over a gdb that never answers -gdb-exit still settles (after the grace period, by kill)', async () => {
    const { transport, session } = fakeSession();
    await session.close();
    expect(transport.written).toEqual(['1-gdb-exit']);
    await expect(session.send('-gdb-version')).rejects.toThrow(/session is closed/);
  });
});

describe('faults a real gdb can produce', () => {
  it('a gdbPath that does not exist rejects start() with GdbProcessError and a hint', async () => {
    const error = await GdbSession.start({ gdbPath: '/nonexistent/gdb' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GdbProcessError);
    expect((error as GdbProcessError).message).toMatch(/^gdb is not installed \(no executable \/nonexistent\/gdb\)/);
    expect((error as GdbProcessError).hint).toMatch(/apt-get install gdb/);
  });

  it('gdb killed from outside: the pending wait rejects and the program is killed too', async () => {
    const target = compileMiTarget();
    try {
      const session = await GdbSession.start();
      await fileExecAndSymbols(session, target.binary);
      await execArguments(session, ['spin']);
      await execRun(session);
      const inferiorPid = session.inferiorPid ?? 0;
      const stop = session.waitForStop();
      process.kill(-(session.gdbPid ?? 0), 'SIGKILL');
      await expect(stop).rejects.toThrow(/gdb was killed by SIGKILL \(waiting for a stop\)/);
      expect(await waitUntilGone(inferiorPid)).toBe(true);
      await session.close();
    } finally {
      target.remove();
    }
  });
});
