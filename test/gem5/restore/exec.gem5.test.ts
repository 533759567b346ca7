import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointNames, readCheckpoint } from '../../helpers/checkpoints.js';
import { lapidary } from '../../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../../helpers/gem5.js';
import { fixture } from '../../helpers/paths.js';
import { nativeRemainder, restore } from '../../helpers/restore.js';
import { testWorkDir } from '../../helpers/work-dir.js';

const work = testWorkDir('lapidary-restore-exec-');
const env = { ...process.env, STEP_MS: '40', STEPS: '4' };

/**
 * exec-into runs 4 steps and execs the clock fixture; create follows the exec. The first
 * checkpoint of the clock image restored in gem5 runs to completion with the native output.
 */
describe.skipIf(GEM5 === undefined)(`a checkpoint taken after an exec restores in gem5${GEM5_SKIP_REASON}`, () => {
  it('runs the exec\'d image to the end with the native output', async () => {
    const dir = join(work(), 'cpts');
    const out = join(work(), 'native.out');
    const made = await lapidary(['create', '--cmd', `${fixture('exec-into')} ${fixture('clock')}`, '--interval', '0.05', '--directory', dir, '--stdout', out], { env });
    expect(made.exitCode, made.stderr).toBe(0);
    const first = checkpointNames(dir).map((c) => join(dir, c)).find((c) => readCheckpoint(c).manifest.target.exe === fixture('clock'));
    expect(first, made.stderr).toBeDefined();
    const remainder = nativeRemainder(readFileSync(out), first!).toString();
    expect(remainder).toMatch(/step 3 calls=ok/);
    const restored = await restore(first!, join(work(), 'm5out'));
    expect(restored.exitCode, `${restored.stdout}\n${restored.stderr}`).toBe(0);
    expect(restored.programStdout.toString()).toBe(remainder);
  }, 900_000);
});
