import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { lapidary } from '../../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../../helpers/gem5.js';
import { fixture } from '../../helpers/paths.js';
import { nativeRemainder } from '../../helpers/restore.js';

const work = mkdtempSync(join(tmpdir(), 'lapidary-sepy-'));
afterAll(() => { if (!process.env.KEEP) rmSync(work, { recursive: true, force: true }); });

/** gem5's own se.py, in the source tree the gem5 binary was built in (…/build/X86/gem5.opt). */
const SE_PY = GEM5 === undefined ? undefined : join(dirname(dirname(dirname(GEM5))), 'configs', 'deprecated', 'example', 'se.py');
const seReason = SE_PY !== undefined && !existsSync(SE_PY) ? ` [skipped: no configs/deprecated/example/se.py beside ${GEM5}]` : GEM5_SKIP_REASON;

/**
 * The checkpoints restore with gem5's own configs/deprecated/example/se.py -r k: the cpt.N
 * layout, section names and pmem are what se.py expects, not only what lapidary's script expects.
 */
describe.skipIf(SE_PY === undefined || !existsSync(SE_PY))(`gem5's se.py restores lapidary checkpoints with -r k${seReason}`, () => {
  it('restores checkpoint k and finishes with the native output', async () => {
    const dir = join(work, 'cpts');
    const out = join(work, 'native.out');
    const made = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.1', '--directory', dir, '--stdout', out], { env: { ...process.env, STEP_MS: '40', STEPS: '8' } });
    expect(made.exitCode, made.stderr).toBe(0);
    const native = readFileSync(out);
    for (const k of [1, 2]) {
      const manifest = JSON.parse(readFileSync(join(dir, `cpt.${k}`, 'lapidary.json'), 'utf8')) as { gem5: { memSize: string } };
      const programOut = join(work, `se-${k}.out`);
      const run = await execa(GEM5!, [
        `--outdir=${join(work, `m5out-${k}`)}`, SE_PY!, `--cmd=${fixture('int-loop')}`, `--checkpoint-dir=${dir}`, '-r', String(k),
        `--mem-size=${manifest.gem5.memSize}B`, `--output=${programOut}`,
      ], { reject: false, timeout: 900_000, env: { ...process.env, STEP_MS: '40', STEPS: '8' } });
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/Exiting @ tick \d+ because exiting with last active thread context/);
      expect(readFileSync(programOut).toString()).toBe(nativeRemainder(native, join(dir, `cpt.${k}`)).toString());
    }
  }, 1_800_000);
});
