import type { Readable, Writable } from 'node:stream';

/**
 * What a command may touch of the outside world. The real process streams in bin.ts; fake
 * streams in tests (vitest's `startVitest` shape). Commands never call process.exit.
 */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted when the user interrupts lapidary (SIGINT/SIGTERM). */
  signal: AbortSignal;
}

/** Write one line to a stream. */
export function println(stream: Writable, line = ''): void {
  stream.write(`${line}\n`);
}
