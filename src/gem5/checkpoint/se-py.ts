import { dirname, join } from 'node:path';
import { isReopenableDevicePath } from '../../capture/fds.js';
import type { StdioRecord } from './manifest.js';

/** gem5's own SE script, relative to the gem5 source tree (v24.0). */
export const SE_PY = 'configs/deprecated/example/se.py';

/**
 * The se.py arguments that restore one lapidary checkpoint: `--cmd` (the executable, or the
 * checkpoint's copy of it when it was deleted while running), `--checkpoint-dir` (the
 * directory holding cpt.N), `-r k`, `--mem-size` (the image's range_size, bytes) and `--input`.
 * `k` is the checkpoint's 1-based position among the directory's cpt.N, sorted numerically
 * (configs/common/Simulation.py findCptDir). `--input` is what the program reads as stdin after
 * restore: gem5 opens it at offset 0 and restores no entry for fds 0-2 (src/sim/fd_array.cc:50-76,
 * 379), so it is `cpt.N/stdin.rest` when the program had read part of a stdin file, the file
 * itself when it had read none, a /dev/null-like device as itself, and /dev/null otherwise
 * (without `--input` gem5 would read its own stdin).
 */
export function sePyArguments(
  checkpoint: string,
  k: number,
  manifest: { target: { exe: string; exeCopy?: string }; gem5: { memSize: string }; stdio: { stdin?: StdioRecord } },
): string[] {
  const stdin = manifest.stdio.stdin;
  const input = stdin === undefined ? '/dev/null'
    : stdin.rest !== undefined ? join(checkpoint, stdin.rest)
      : stdin.isFile && BigInt(stdin.offset) === 0n ? stdin.target
        : !stdin.isFile && isReopenableDevicePath(stdin.target) ? stdin.target : '/dev/null';
  return [
    SE_PY, `--cmd=${manifest.target.exeCopy !== undefined ? join(checkpoint, manifest.target.exeCopy) : manifest.target.exe}`, `--checkpoint-dir=${dirname(checkpoint)}`, '-r', String(k),
    `--mem-size=${manifest.gem5.memSize}B`, `--input=${input}`,
  ];
}
