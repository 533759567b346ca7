import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { fixture } from '../helpers/paths.js';
import { nativeRemainder, restore } from '../helpers/restore.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-shell-gem5-');
const env = { ...process.env, STEP_MS: '5', STEPS: '6', GEM5: GEM5 ?? '' };

/**
 * Checkpoints taken at two breakpoints from the (py-gdb) shell (inside the first string loop, then
 * at step_done) restore in gem5 and finish right.
 */
describe.skipIf(GEM5 === undefined)(`breakpoint-mode checkpoints in gem5${GEM5_SKIP_REASON}`, () => {
  it('restores the checkpoints of both breakpoints and runs the program to completion with the native output', async () => {
    writeFileSync(join(work(), 'commands'), 'checkpoint\ngdb disable 2\ncontinue\ncheckpoint\nexit\n');
    const out = join(work(), 'out');
    const made = await lapidary(['create', '--cmd', fixture('strings'), '--breakpoints', 'strings.c:17', 'step_done', '--commands', join(work(), 'commands'),
      '--directory', join(work(), 'cpts'), '--stdout', out], { env });
    expect(made.exitCode, made.stderr).toBe(0);
    const native = Buffer.from(`${(await execa(fixture('strings'), { env })).stdout}\n`);
    for (const cpt of ['cpt.1', 'cpt.2']) {
      const restored = await restore(join(work(), 'cpts', cpt), join(work(), `m5out-${cpt}`));
      expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
      expect(restored.programStdout.toString(), cpt).toBe(nativeRemainder(native, join(work(), 'cpts', cpt)).toString());
    }
    expect(readFileSync(out).length).toBeLessThan(native.length); // the session ended (exit) before the program did
  }, 1_800_000);
});
