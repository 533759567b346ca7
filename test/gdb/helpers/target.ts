import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** fixtures/c/mi-target.c, the program the gdb-tier tests drive. */
export const MI_TARGET_SOURCE = fileURLToPath(new URL('../../../fixtures/c/mi-target.c', import.meta.url));

/** Compile mi-target.c with `gcc -g -O0` into a fresh temp dir; `remove()` deletes the dir. */
export function compileMiTarget(): { binary: string; dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'lapidary-mi-target-'));
  const binary = join(dir, 'mi-target');
  execFileSync(process.env.CC ?? 'gcc', ['-g', '-O0', '-o', binary, MI_TARGET_SOURCE], { stdio: 'pipe' });
  return { binary, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** True if `pid` exists and is not a zombie (a zombie has exited; only its exit status remains). */
export function isProcessAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Poll until `pid` is gone (see isProcessAlive) or `timeoutMs` passes; returns whether it is gone. */
export async function waitUntilGone(pid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
