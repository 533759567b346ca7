import { describe, expect, it } from 'vitest';
import { MiFormatError } from '../../src/errors.js';
import { parseGdbExitCode, parseRecord, parseStopEvent, type MiAsyncRecord } from '../../src/mi/index.js';

function stopped(line: string): MiAsyncRecord {
  const record = parseRecord(line);
  if (record.type !== 'exec') throw new Error('not an exec record');
  return record;
}

/** `*stopped` records as gdb 13.1 printed them in test/fixtures/mi/gdb-13.1. */
describe('parseStopEvent', () => {
  it.each([
    [
      'breakpoint-hit',
      '*stopped,reason="breakpoint-hit",disp="keep",bkptno="1",frame={addr="0x00005555555551ee",func="main",args=[]},thread-id="1",stopped-threads="all",core="0"',
      { reason: 'breakpoint-hit', exited: false, breakpointNumber: 1, frameAddr: 0x5555555551een, frameFunction: 'main', threadId: 1 },
    ],
    [
      'SIGINT from -exec-interrupt',
      '*stopped,reason="signal-received",signal-name="SIGINT",signal-meaning="Interrupt",frame={addr="0x00005555555551d4",func="spin_forever",args=[]},thread-id="1",stopped-threads="all",core="0"',
      { reason: 'signal-received', signalName: 'SIGINT', exited: false, frameFunction: 'spin_forever', threadId: 1 },
    ],
    [
      'SIGSEGV',
      '*stopped,reason="signal-received",signal-name="SIGSEGV",signal-meaning="Segmentation fault",frame={addr="0x0000555555555269",func="main"},thread-id="1"',
      { reason: 'signal-received', signalName: 'SIGSEGV', exited: false, frameAddr: 0x555555555269n },
    ],
    ['exited-normally', '*stopped,reason="exited-normally"', { reason: 'exited-normally', exited: true, exitCode: 0 }],
    ['exited with status 10 (octal 012)', '*stopped,reason="exited",exit-code="012"', { reason: 'exited', exited: true, exitCode: 10 }],
    ['exited with status 1', '*stopped,reason="exited",exit-code="01"', { exitCode: 1 }],
    [
      'exited-signalled',
      '*stopped,reason="exited-signalled",signal-name="SIGSEGV",signal-meaning="Segmentation fault"',
      { reason: 'exited-signalled', exited: true, signalName: 'SIGSEGV' },
    ],
    ['no reason', '*stopped,frame={addr="0x1"},thread-id="1"', { exited: false, frameAddr: 1n, threadId: 1 }],
  ])('%s', (_, line, expected) => {
    const event = parseStopEvent(stopped(line));
    expect(event).toMatchObject(expected);
    expect(event.record.asyncClass).toBe('stopped');
  });

  it('leaves out what the record does not say', () => {
    const event = parseStopEvent(stopped('*stopped,reason="exited-normally"'));
    expect(Object.keys(event).sort()).toEqual(['exitCode', 'exited', 'reason', 'record']);
  });

  it('rejects an exit code that is not octal', () => {
    expect(() => parseStopEvent(stopped('*stopped,reason="exited",exit-code="09"'))).toThrow(MiFormatError);
  });
});

describe('parseGdbExitCode', () => {
  it.each([['0', 0], ['01', 1], ['012', 10], ['0377', 255]])('%s → %d', (text, code) => {
    expect(parseGdbExitCode(text, () => new Error('bad'))).toBe(code);
  });
});
