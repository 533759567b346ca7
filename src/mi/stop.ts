import type { MiAsyncRecord } from './record.js';

/**
 * Why the target stopped, from one `*stopped` record. Source: GDB manual, node
 * "GDB/MI Async Records" (`*stopped,reason="reason",thread-id="id",stopped-threads="stopped",core="core"`).
 *
 * Examples from gdb 13.1:
 * - `*stopped,reason="breakpoint-hit",disp="keep",bkptno="1",frame={addr="0x…",func="main",…},thread-id="1",…`
 * - `*stopped,reason="signal-received",signal-name="SIGINT",signal-meaning="Interrupt",frame={…},thread-id="1",…`
 *   (what `-exec-interrupt` produces under `mi-async on`)
 * - `*stopped,reason="exited",exit-code="012"` (exit status 10: gdb writes exit codes in OCTAL)
 * - `*stopped,reason="exited-normally"`; `*stopped,reason="exited-signalled",signal-name="SIGSEGV",…`
 */
export interface StopEvent {
  /** gdb's `reason`, e.g. `breakpoint-hit`, `signal-received`, `end-stepping-range`, `exited-normally`; absent on some stops. */
  reason?: string;
  /** True when the inferior no longer exists (`exited`, `exited-normally`, `exited-signalled`). */
  exited: boolean;
  /** Exit status (decimal value) for `exited` (decoded from gdb's octal) and 0 for `exited-normally`. */
  exitCode?: number;
  /** `signal-name`, e.g. `SIGINT`, `SIGSEGV`, for `signal-received` and `exited-signalled`. */
  signalName?: string;
  /** `bkptno` for `breakpoint-hit`. */
  breakpointNumber?: number;
  /** `frame.addr`: the program counter where the selected thread stopped. */
  frameAddr?: bigint;
  /** `frame.func`, when gdb knows the function. */
  frameFunction?: string;
  /** `thread-id`: gdb's thread number (not the kernel tid) of the thread that caused the stop. */
  threadId?: number;
  /** The whole record, for fields not lifted here. */
  record: MiAsyncRecord;
}

const EXIT_REASONS: ReadonlySet<string> = new Set(['exited', 'exited-normally', 'exited-signalled']);

/** Read a `*stopped` record into a StopEvent. Throws MiFormatError if a field it reads is malformed. */
export function parseStopEvent(record: MiAsyncRecord): StopEvent {
  const results = record.results;
  const reason = results.optStr('reason');
  const frame = results.optTuple('frame');
  const event: StopEvent = { exited: reason !== undefined && EXIT_REASONS.has(reason), record };
  if (reason !== undefined) event.reason = reason;
  if (reason === 'exited-normally') event.exitCode = 0;
  const exitCode = results.optStr('exit-code');
  if (exitCode !== undefined) event.exitCode = parseGdbExitCode(exitCode, () => results.formatError('exit-code', `is not octal: "${exitCode}"`));
  const signalName = results.optStr('signal-name');
  if (signalName !== undefined) event.signalName = signalName;
  const breakpointNumber = results.optInt('bkptno');
  if (breakpointNumber !== undefined) event.breakpointNumber = breakpointNumber;
  if (frame?.has('addr')) event.frameAddr = frame.addr('addr');
  const frameFunction = frame?.optStr('func');
  if (frameFunction !== undefined) event.frameFunction = frameFunction;
  const threadId = results.optStr('thread-id');
  if (threadId !== undefined && /^\d+$/.test(threadId)) event.threadId = Number(threadId);
  return event;
}

/**
 * gdb prints exit codes with `%o`-style octal and a leading 0 (`"012"` is status 10, `"0"` is 0),
 * in both `*stopped,reason="exited"` and `=thread-group-exited`. Returns the numeric status.
 */
export function parseGdbExitCode(text: string, onError: () => Error): number {
  if (!/^[0-7]+$/.test(text)) throw onError();
  return parseInt(text, 8);
}
