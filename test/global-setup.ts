import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_BIN, FIXTURE_SRC } from './helpers/paths.js';

/**
 * Compile every C fixture (fixtures/c/*.c) once per test run into build/fixtures/, with the
 * system C compiler, as the tests' real target programs. Recompiles only what changed.
 */
export default function setup(): void {
  mkdirSync(FIXTURE_BIN, { recursive: true });
  const headers = readdirSync(FIXTURE_SRC).filter((f) => f.endsWith('.h')).map((f) => statSync(join(FIXTURE_SRC, f)).mtimeMs);
  for (const source of readdirSync(FIXTURE_SRC).filter((f) => f.endsWith('.c'))) {
    const binary = join(FIXTURE_BIN, source.slice(0, -2));
    const sourceTime = Math.max(statSync(join(FIXTURE_SRC, source)).mtimeMs, ...headers);
    try {
      if (statSync(binary).mtimeMs >= sourceTime) continue;
    } catch {
      // not built yet
    }
    execFileSync('cc', ['-O2', '-g', '-Wall', '-Wextra', '-Werror', '-o', binary, join(FIXTURE_SRC, source), '-lm', '-pthread'], { stdio: 'inherit' });
  }
}
