import { fstatSync } from 'node:fs';
import type { CheckpointSummary } from '../../create/checkpoint.js';
import { formatBytes, shellWords } from '../format.js';
import { println, type CliIo } from '../io.js';

/**
 * Where the target's stdout/stderr go when not redirected: straight to lapidary's own stream
 * (reopened through /proc/PID/fd, appending), so the user sees it as it runs. A socket cannot be
 * reopened that way; the output is then discarded with a warning.
 */
export function passthrough(fd: 1 | 2, io: CliIo, name: string): string {
  try {
    if (fstatSync(fd).isSocket()) {
      println(io.stderr, `lapidary: warning: the target's ${name} is discarded (lapidary's ${name} is a socket); use --${name} FILE`);
      return '/dev/null';
    }
  } catch {
    return '/dev/null';
  }
  return `append:/proc/${process.pid}/fd/${fd}`;
}

/** One progress line per checkpoint: index, position (seconds or instructions), RIP, pages, bytes, pause. */
export function progressLine(summary: CheckpointSummary, position: string): string {
  return [
    `cpt.${summary.index}`.padEnd(7),
    position,
    `rip=0x${summary.rip.toString(16)}`,
    `pages=${summary.pagesStored}`,
    `bytes=${formatBytes(summary.bytesStored)} (${formatBytes(summary.bytesCompressed)} gz)`,
    `paused=${summary.pauseMs.toFixed(0)}ms`,
  ].join('  ');
}

/** Prints progress lines, and each note only the first time (a closed pipe repeats at every checkpoint). */
export function checkpointPrinter(io: CliIo): (summary: CheckpointSummary, position: string) => void {
  const shown = new Set<string>();
  return (summary, position) => {
    println(io.stderr, progressLine(summary, position));
    for (const note of summary.notes.filter((n) => !shown.has(n))) {
      shown.add(note);
      println(io.stderr, `  note: ${note}`);
    }
    // A plain se.py -r k would give the program its stdin again from the start.
    if (summary.stdinRest !== undefined) println(io.stderr, `  se.py: gem5.opt ${shellWords(summary.sePyArguments)}`);
  };
}
