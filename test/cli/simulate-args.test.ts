import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-simulate-args-');

/** The first line lapidary printed on stderr and its exit status, for `simulate ...args`. */
async function simulateError(args: string[]): Promise<{ line: string; hint: string; exitCode: number }> {
  const run = await lapidary(['simulate', ...args], { cwd: work(), env: { ...process.env, GEM5: '' } });
  const [line = '', hint = ''] = run.stderr.trim().split('\n');
  return { line, hint: hint.trim(), exitCode: run.exitCode };
}

describe('simulate: which checkpoint to restore', () => {
  it('refuses -r outside the checkpoints of --checkpoint-dir, saying how many there are', async () => {
    const dir = join(work(), 'cpts');
    for (const name of ['cpt.1', 'cpt.2', 'cpt.4']) mkdirSync(join(dir, name), { recursive: true });
    const error = await simulateError(['--checkpoint-dir', dir, '-r', '4']);
    expect(error).toEqual({
      line: `error[LAPIDARY_USAGE]: -r 4: ${dir} holds 3 checkpoints (cpt.1 … cpt.4)`,
      hint: 'hint: give -r a number from 1 to 3: the k-th checkpoint in order, as gem5\'s se.py counts',
      exitCode: 2,
    });
    expect((await simulateError(['--checkpoint-dir', dir, '-r', '0'])).line).toBe(`error[LAPIDARY_USAGE]: -r 0: ${dir} holds 3 checkpoints (cpt.1 … cpt.4)`);
  });

  it('refuses a --checkpoint-dir holding no checkpoints', async () => {
    const empty = join(work(), 'empty');
    mkdirSync(empty, { recursive: true });
    const error = await simulateError(['--checkpoint-dir', empty, '-r', '1']);
    expect(error.line).toBe(`error[LAPIDARY_CHECKPOINT_INVALID]: ${empty} holds no cpt.N checkpoints`);
    expect(error.exitCode).toBe(1);
  });

  it('needs exactly one way of naming the checkpoint', async () => {
    const usage = 'hint: name one checkpoint: --start-checkpoint DIR/cpt.N, or as with gem5\'s se.py, --checkpoint-dir DIR -r k';
    expect(await simulateError([])).toEqual({ line: 'error[LAPIDARY_USAGE]: no checkpoint to restore', hint: usage, exitCode: 2 });
    expect((await simulateError(['-r', '2'])).line).toBe('error[LAPIDARY_USAGE]: -r 2 needs --checkpoint-dir DIR, the directory whose k-th checkpoint it restores');
    expect((await simulateError(['--checkpoint-dir', 'x'])).line).toBe('error[LAPIDARY_USAGE]: --checkpoint-dir x needs -r k to say which of its checkpoints to restore');
    expect((await simulateError(['--start-checkpoint', 'x/cpt.1', '--checkpoint-dir', 'x', '-r', '1'])).line)
      .toBe('error[LAPIDARY_USAGE]: --start-checkpoint and --checkpoint-dir/-r both name the checkpoint to restore; give one of them');
  });
});

describe('simulate without gem5', () => {
  it('says so and leaves no empty output directory behind', async () => {
    const cpts = join(work(), 'real');
    const made = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.05', '--max-checkpoints', '1', '--directory', cpts, '--stdout', '/dev/null'], {
      env: { ...process.env, STEP_MS: '40' },
    });
    expect(made.exitCode, made.stderr).toBe(0);
    const outdir = join(work(), 'm5out-no-gem5');
    const error = await simulateError(['--start-checkpoint', join(cpts, 'cpt.1'), '--outdir', outdir]);
    expect(error.line).toMatch(/^error\[LAPIDARY_GEM5_NOT_FOUND\]: /);
    expect(error.exitCode).toBe(1);
    expect(existsSync(outdir)).toBe(false);
  });
});
