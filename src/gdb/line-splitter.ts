/**
 * Bytes from gdb's stdout → complete lines (UTF-8, without `\n`; a trailing `\r` is left for the
 * grammar). A line's pieces are kept as a list of chunks and joined once, so a 16 MB
 * `-data-read-memory-bytes` reply costs O(n), not the O(n²) of repeated string concatenation.
 */
export class LineSplitter {
  private pieces: Buffer[] = [];

  /** Feed one chunk; returns the lines it completes, in order. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline >= 0; newline = chunk.indexOf(0x0a, start)) {
      this.pieces.push(chunk.subarray(start, newline));
      lines.push(Buffer.concat(this.pieces).toString('utf8'));
      this.pieces = [];
      start = newline + 1;
    }
    if (start < chunk.length) this.pieces.push(chunk.subarray(start));
    return lines;
  }

  /** Text received after the last newline (a line cut short when gdb died), or undefined. */
  takePartial(): string | undefined {
    if (this.pieces.length === 0) return undefined;
    const partial = Buffer.concat(this.pieces).toString('utf8');
    this.pieces = [];
    return partial;
  }
}
