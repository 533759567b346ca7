import type { Writable } from 'node:stream';
import * as nodePty from 'node-pty';

/** node-pty's `open` (unix only): a pseudo-terminal without a process; missing from its typings. */
interface OpenedPty {
  readonly ptsName: string;
  onData(listener: (data: string) => void): void;
  kill(): void;
}
const openPty = (nodePty as unknown as { open(options: { cols: number; rows: number }): OpenedPty }).open;

/**
 * A pseudo-terminal for the target's stdout and stderr in an interactive session (node-pty), so
 * the program sees a terminal, as it would natively, and its output reaches lapidary's terminal
 * as it runs. `path` is the slave device (/dev/pts/N) given to the launcher.
 */
export function openTargetTerminal(output: Writable): { path: string; close(): void } {
  const columns = (output as { columns?: number }).columns ?? 80;
  const rows = (output as { rows?: number }).rows ?? 24;
  const terminal = openPty({ cols: columns, rows });
  terminal.onData((data) => output.write(data));
  return { path: terminal.ptsName, close: () => terminal.kill() };
}
