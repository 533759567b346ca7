import { GdbProcessError } from '../errors.js';
import { recordExcerpt } from '../mi/index.js';
import type { TransportExit } from './transport.js';

/**
 * The GdbProcessError for a command or wait cut short because gdb went away: how it ended
 * (exit status, signal, or why it could not start), what was cut short (`activity`), the tail of
 * its stderr, and the record it did not finish writing, e.g.
 * ``gdb was killed by SIGKILL (`-exec-run`); stderr: …; unfinished output: 7^done,va``.
 */
export function describeGdbExit(exit: TransportExit, activity: string): GdbProcessError {
  const startError = exit.startError as (NodeJS.ErrnoException & { path?: string }) | undefined;
  const notInstalled = startError?.code === 'ENOENT';
  const tried = startError?.path ?? 'gdb';
  const how = notInstalled
    ? `gdb is not installed (no executable ${tried.includes('/') ? tried : `"${tried}" in PATH`})`
    : exit.startError !== undefined
    ? `gdb could not be started (${exit.startError.message})`
    : exit.signal !== null ? `gdb was killed by ${exit.signal}` : `gdb exited with status ${exit.exitCode ?? '?'}`;
  const parts = [`${how} (${activity})`];
  const stderr = exit.stderrTail.trim();
  if (stderr !== '') parts.push(`stderr: ${stderr.split('\n').slice(-5).join(' | ')}`);
  if (exit.partialLine !== undefined) parts.push(`unfinished output: ${recordExcerpt(exit.partialLine, exit.partialLine.length)}`);
  const hint = notInstalled
    ? 'install the Debian package gdb (apt-get install gdb; scripts/setup.sh installs everything lapidary needs)'
    : exit.startError !== undefined
    ? 'check that gdb on PATH can be run (gdb --version)'
    : 'gdb crashed or was killed; rerun with a transcript to see the last exchange';
  return new GdbProcessError(parts.join('; '), { hint });
}
