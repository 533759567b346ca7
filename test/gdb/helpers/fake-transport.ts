import type { MiTransport, TransportExit, TransportListener } from '../../../src/gdb/index.js';

/**
 * A gdb stand-in for faults a real gdb cannot produce on demand (dying mid-record, a garbled
 * line, a result with no token). The test plays gdb's side: `lines` are what it writes,
 * `written` what the session sent. Everything else is tested against the real gdb.
 */
export class FakeTransport implements MiTransport {
  readonly pid = undefined;
  readonly written: string[] = [];
  private listener: TransportListener | undefined;
  private exited = false;

  listen(listener: TransportListener): void {
    this.listener = listener;
  }

  writeLine(line: string): void {
    if (!this.exited) this.written.push(line);
  }

  kill(): void {
    this.exit({ exitCode: null, signal: 'SIGKILL', stderrTail: '' });
  }

  /** gdb writes `text` as one line. */
  line(text: string): void {
    this.listener?.line(text);
  }

  /** gdb ends. */
  exit(info: TransportExit): void {
    if (this.exited) return;
    this.exited = true;
    this.listener?.exit(info);
  }
}
