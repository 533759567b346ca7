import { describe, expect, it } from 'vitest';
import { MiCommandError } from '../../src/errors.js';
import {
  evaluateExpression, execArguments, insertBreakpoint, readMemoryBlocks, readMemoryBytes, threadInfo,
} from '../../src/mi/index.js';
import { loadTranscript, ReplaySender } from './helpers/transcript.js';

/** The command wrappers on the replies a real gdb 13.1 gave (test/fixtures/mi/gdb-13.1). */
describe('insertBreakpoint', () => {
  it('reads one location', async () => {
    const breakpoint = await insertBreakpoint(new ReplaySender(loadTranscript('break-run-stop')), 'main');
    expect(breakpoint).toEqual({
      number: 1,
      pending: false,
      locations: [{ id: '1', addr: 0x11een, func: 'main', file: '/work/main/fixtures/c/mi-target.c', line: 58 }],
    });
  });

  it.each([['multiple-locations'], ['multiple-locations-mi2']])('reads both locations of an inlined function (%s)', async (name) => {
    const breakpoint = await insertBreakpoint(new ReplaySender(loadTranscript(name)), 'add_twice');
    expect(breakpoint.number).toBe(1);
    expect(breakpoint.locations.map((location) => [location.id, location.addr, location.func])).toEqual([
      ['1.1', 0x1166n, 'add_twice'],
      ['1.2', 0x117dn, 'add_twice'],
    ]);
  });

  it('builds -t, -i and -c flags', async () => {
    const sent: string[] = [];
    const sender = {
      send: async (command: string) => {
        sent.push(command);
        return new ReplaySender(loadTranscript('break-run-stop')).send('-break-insert "main"');
      },
    };
    await insertBreakpoint(sender, 'x.c:3', { temporary: true, ignoreCount: 2, condition: 'n == "a"' });
    expect(sent).toEqual([String.raw`-break-insert -t -i 2 -c "n == \"a\"" "x.c:3"`]);
  });
});

describe('data', () => {
  it('reads the known bytes as one block', async () => {
    const sender = new ReplaySender(loadTranscript('memory'));
    const blocks = await readMemoryBlocks(sender, '&known_bytes', 16);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.begin).toBe(0x555555558030n);
    expect(blocks[0]?.end).toBe(0x555555558040n);
    expect(Buffer.from(blocks[0]?.contents ?? []).toString('hex')).toBe('deadbeef000102037f80feff4c415049');
  });

  it('rejects an unreadable address with gdb\'s message', async () => {
    const sender = new ReplaySender(loadTranscript('memory'));
    await expect(readMemoryBytes(sender, 0n, 16)).rejects.toThrow(MiCommandError);
    expect(sender.commandsSent).toEqual(['-data-read-memory-bytes 0x0 16']);
  });

  it('decodes the octal escapes of a non-ASCII string value', async () => {
    expect(await evaluateExpression(new ReplaySender(loadTranscript('memory')), 'greeting')).toBe('"café → lapidary"');
  });

  it('rejects an unknown symbol with MiCommandError', async () => {
    const error = await evaluateExpression(new ReplaySender(loadTranscript('errors')), 'no_such_symbol').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MiCommandError);
    expect((error as MiCommandError).gdbMessage).toBe('No symbol "no_such_symbol" in current context.');
  });
});

describe('threadInfo', () => {
  it('reads the thread, its LWP and its pc', async () => {
    const { threads, currentThreadId } = await threadInfo(new ReplaySender(loadTranscript('break-run-stop')));
    expect(currentThreadId).toBe(1);
    expect(threads).toHaveLength(1);
    expect(threads[0]).toMatchObject({ id: 1, name: 'mi-target', state: 'stopped', frameAddr: 0x5555555551een });
    expect(threads[0]?.lwp).toBeGreaterThan(0);
  });
});

describe('execArguments', () => {
  it('passes the arguments literally, single-quoting for the shell only where needed', async () => {
    const sent: string[] = [];
    await execArguments({ send: async (command) => { sent.push(command); return new ReplaySender(loadTranscript('exit-code')).send('-exec-arguments exit 10'); } }, ['exit', '10', 'a b', "it's"]);
    expect(sent).toEqual([String.raw`-exec-arguments exit 10 'a b' 'it'\''s'`]);
  });
});
