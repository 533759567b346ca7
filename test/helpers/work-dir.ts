import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A temporary working directory for one test file: made on first use, removed after the file's
 * tests (kept with KEEP=1). Made lazily because vitest runs no hooks in a file whose tests are all
 * skipped (no gem5, no Slurm): a directory made at import would be left behind.
 * @returns a function giving the directory's path, making it the first time.
 */
export function testWorkDir(prefix: string): () => string {
  let dir: string | undefined;
  afterAll(() => {
    if (dir !== undefined && !process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  });
  return () => (dir ??= mkdtempSync(join(tmpdir(), prefix)));
}
