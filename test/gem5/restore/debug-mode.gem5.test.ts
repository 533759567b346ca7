import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { lapidary } from '../../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../../helpers/gem5.js';
import { CLI, fixture } from '../../helpers/paths.js';
import { nativeRemainder } from '../../helpers/restore.js';
import { testWorkDir } from '../../helpers/work-dir.js';

const work = testWorkDir('lapidary-debug-mode-');

/**
 * `simulate --debug-mode` finds the gem5.debug beside the configured gem5.opt and runs it under
 * gdb, with the terminal handed to gdb. The test machine builds gem5.opt only, so gem5.debug here
 * is a link to it: what is checked is lapidary's part (the binary it picks, gdb driving it with
 * the same arguments as a normal run, the summary afterwards), not gem5.debug's own assertions.
 */
describe.skipIf(GEM5 === undefined)(`simulate --debug-mode runs gem5.debug under gdb${GEM5_SKIP_REASON}`, () => {
  it('runs the restored program to completion from gdb commands on stdin', async () => {
    const bin = join(work(), 'build', 'X86');
    mkdirSync(bin, { recursive: true });
    symlinkSync(GEM5!, join(bin, 'gem5.opt'));
    symlinkSync(GEM5!, join(bin, 'gem5.debug'));
    const dir = join(work(), 'cpts');
    const out = join(work(), 'native.out');
    const env = { ...process.env, STEP_MS: '40', STEPS: '6' };
    const made = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.1', '--directory', dir, '--stdout', out], { env });
    expect(made.exitCode, made.stderr).toBe(0);

    const outdir = join(work(), 'm5out');
    const run = await execa('node', [CLI, 'simulate', '--start-checkpoint', join(dir, 'cpt.1'), '--debug-mode', '--outdir', outdir], {
      env: { ...env, GEM5: join(bin, 'gem5.opt') }, input: 'run\ninfo inferiors\nquit\n', reject: false, timeout: 600_000,
    });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stderr).toContain(`in ${join(bin, 'gem5.debug')} with the atomic CPU`);
    expect(run.stdout).toMatch(new RegExp(`Starting program: ${join(bin, 'gem5.debug')} --outdir=${outdir} .*config/lapidary_gem5\\.py --checkpoint ${join(dir, 'cpt.1')}`));
    expect(run.stdout).toMatch(/\[Inferior 1 \(process \d+\) exited normally\]/);
    expect(run.stdout).toMatch(/exit cause: exiting with last active thread context \(code 0\) at tick \d+/);
    expect(readFileSync(join(outdir, 'program.stdout')).equals(nativeRemainder(readFileSync(out), join(dir, 'cpt.1')))).toBe(true);
  }, 900_000);
});
