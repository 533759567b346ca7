import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointNames } from '../../helpers/checkpoints.js';
import { lapidary } from '../../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../../helpers/gem5.js';
import { fixture } from '../../helpers/paths.js';
import { nativeRemainder, restore } from '../../helpers/restore.js';
import { testWorkDir } from '../../helpers/work-dir.js';

const work = testWorkDir('lapidary-restore-');
const env = { ...process.env, STEP_MS: '40', STEPS: '10' };

/**
 * Each C fixture is checkpointed natively every 0.12 s; the first and the last checkpoint are
 * restored in gem5 (atomic CPU) and run to completion; the program's stdout in gem5 must equal,
 * byte for byte, what the native run wrote after that checkpoint.
 */
describe.skipIf(GEM5 === undefined)(`C fixtures restored in gem5 run to completion with the native output${GEM5_SKIP_REASON}`, () => {
  const cases: Array<[name: string, args: (dir: string) => string[]]> = [
    ['int-loop', () => []],
    ['float', () => []],
    ['strings', () => []],
    ['heap', () => []],
    ['mmap', () => []],
    ['clock', () => []],
    ['stack', () => []],
    ['files', (dir) => [join(dir, 'input.txt'), join(dir, 'output.txt')]],
  ];

  it.each(cases)('%s', async (name, args) => {
    const dir = join(work(), name);
    const input = 'the quick brown fox jumps over the lazy dog\n'.repeat(230);
    const extra = args(dir);
    rmSync(dir, { recursive: true, force: true });
    const out = join(work(), `${name}.stdout`);
    const cmd = [fixture(name), ...extra].join(' ');
    if (name === 'files') {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'input.txt'), input);
    }
    const made = await lapidary(['create', '--cmd', cmd, '--interval', '0.12', '--directory', join(dir, 'cpts'), '--stdout', out], { env });
    expect(made.exitCode, made.stderr).toBe(0);
    const checkpoints = checkpointNames(join(dir, 'cpts'));
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    const native = readFileSync(out);
    for (const cpt of [checkpoints[0]!, checkpoints[checkpoints.length - 1]!]) {
      const restored = await restore(join(dir, 'cpts', cpt), join(dir, `m5out-${cpt}`));
      expect(restored.exitCode, `${cpt}: ${restored.stdout}\n${restored.stderr}`).toBe(0);
      expect(restored.stdout).toMatch(/exit cause: exiting with last active thread context \(code 0\)/);
      expect(restored.programStdout.toString(), cpt).toBe(nativeRemainder(native, join(dir, 'cpts', cpt)).toString());
      if (name === 'files') {
        // the run's private copy of output.txt, in the mirror of its directory (simulate/prepare.ts)
        const written = readFileSync(join(dir, `m5out-${cpt}`, 'files', dir, 'output.txt'), 'utf8');
        expect(written).toBe(input.toUpperCase());
      }
    }
  }, 1_800_000);
});
