import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** C fixture sources and where global-setup compiles them. */
export const FIXTURE_SRC = join(ROOT, 'fixtures', 'c');
export const FIXTURE_BIN = join(ROOT, 'build', 'fixtures');
/** The built CLI (npm test builds it first). */
export const CLI = join(ROOT, 'dist', 'cli', 'bin.js');

/** Path of a compiled C fixture, e.g. fixture('int-loop'). */
export function fixture(name: string): string {
  return join(FIXTURE_BIN, name);
}
