import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { lapidary } from '../../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../../helpers/gem5.js';
import { fixture } from '../../helpers/paths.js';
import { nativeRemainder, restore } from '../../helpers/restore.js';
import { testWorkDir } from '../../helpers/work-dir.js';

const work = testWorkDir('lapidary-stdin-gem5-');
const env = { ...process.env, STEP_MS: '1' };

/** stdin that is not a regular file, restored in gem5: captured where it can be, noted where it cannot. */
describe.skipIf(GEM5 === undefined)(`stdin that is not a regular file, restored in gem5${GEM5_SKIP_REASON}`, () => {
  it('a pipe given as --stdin /dev/stdin: the restored program reads the rest of what was piped, as natively', async () => {
    const text = Array.from({ length: 7 }, (_, i) => `${'p'.repeat(1 + ((i * 3) % 7))} piped ${i}\n`).join('');
    writeFileSync(join(work(), 'commands'), 'continue\ncontinue\ncheckpoint\nexit\n');
    const dir = join(work(), 'piped');
    const made = await lapidary(['create', '--cmd', fixture('stdin-lines'), '--stdin', '/dev/stdin', '--breakpoints', 'step_done',
      '--commands', join(work(), 'commands'), '--directory', dir, '--stdout', join(work(), 'piped.out')], { env, input: text });
    expect(made.exitCode, made.stderr).toBe(0);
    const native = Buffer.from((await execa(fixture('stdin-lines'), { env, input: text, stripFinalNewline: false })).stdout);
    const cpt = join(dir, 'cpt.1');
    const remainder = nativeRemainder(native, cpt).toString();
    expect(remainder).toMatch(/^line 3 /);
    const restored = await restore(cpt, join(work(), 'm5out-piped'));
    expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
    expect(restored.programStdout.toString()).toBe(remainder);
  }, 1_800_000);

  it('a pipe the program put on fd 0 itself: the note says its unread lines are lost, and gem5 gives it /dev/null', async () => {
    writeFileSync(join(work(), 'own-commands'), 'continue\ncheckpoint\nexit\n');
    const dir = join(work(), 'own');
    const made = await lapidary(['create', '--cmd', fixture('pipe-stdin'), '--breakpoints', 'step_done',
      '--commands', join(work(), 'own-commands'), '--directory', dir, '--stdout', join(work(), 'own.out')], { env });
    expect(made.exitCode, made.stderr).toBe(0);
    const cpt = join(dir, 'cpt.1');
    const manifest = JSON.parse(readFileSync(join(cpt, 'lapidary.json'), 'utf8')) as { notes: string[] };
    expect(manifest.notes.some((n) => n.startsWith('stdin (fd 0) is a pipe (pipe:[') && n.includes('the program reads /dev/null (lapidary simulate)'))).toBe(true);
    const native = Buffer.from((await execa(fixture('pipe-stdin'), { env, stripFinalNewline: false })).stdout);
    expect(nativeRemainder(native, cpt).toString()).toMatch(/^read line 2\n/);
    const restored = await restore(cpt, join(work(), 'm5out-own'));
    expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
    // Lines 0 and 1 were read natively; the four left in the pipe buffer did not survive.
    expect(restored.programStdout.toString()).toBe('done after 2 lines\n');
  }, 1_800_000);
});
