import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Writes a gdb/MI transcript: `# comment` header lines, then `> 1-exec-run` for each line sent to
 * gdb and `< 1^running` for each line received, in the order they happened. The format of
 * test/fixtures/mi/gdb-13.1/*.mi (see scripts/record-mi.ts). Writes are synchronous so that a
 * transcript is complete up to the moment gdb or lapidary died.
 */
export class TranscriptRecorder {
  private fd: number | undefined;

  /** Create (truncate) `path` and write `header` lines, each prefixed with `# `. */
  constructor(readonly path: string, header: readonly string[] = []) {
    this.fd = openSync(path, 'w');
    for (const line of header) this.write(`# ${line}`);
  }

  /** A line lapidary wrote to gdb's stdin. */
  sent(line: string): void {
    this.write(`> ${line}`);
  }

  /** A line gdb wrote to its stdout. */
  received(line: string): void {
    this.write(`< ${line}`);
  }

  /** Close the file; later lines are dropped. Idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private write(line: string): void {
    if (this.fd !== undefined) writeSync(this.fd, `${line}\n`);
  }
}
