import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { readCheckpoint } from '../helpers/checkpoints.js';
import { fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-stdin-');
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Lines of different lengths, so an offset names exactly one line boundary. */
const lines = (n: number): string => Array.from({ length: n }, (_, i) => `${'x'.repeat(3 + ((i * 7) % 11))} line ${i}\n`).join('');

/**
 * stdin read partly before a checkpoint: gem5 v24 opens a Process's input at offset 0 and skips
 * fds 0-2 on restore (src/sim/fd_array.cc:72, 379), so the checkpoint carries the unread rest.
 */
describe('stdin read past offset 0 at a checkpoint (real gdb)', () => {
  it('writes cpt.N/stdin.rest, covered by the checksums, and prints the se.py arguments in the shell and in inspect', async () => {
    const input = join(work(), 'input.txt');
    const text = lines(6);
    writeFileSync(input, text);
    // Stops at step_done(0); two continues: the program has read lines 0-2 exactly (1-byte reads).
    writeFileSync(join(work(), 'commands'), 'continue\ncontinue\ncheckpoint\nexit\n');
    const dir = join(work(), 'shell');
    const made = await lapidary(['create', '--cmd', fixture('stdin-lines'), '--stdin', input, '--breakpoints', 'step_done',
      '--commands', join(work(), 'commands'), '--directory', dir, '--stdout', join(work(), 'shell.out')], { env: { ...process.env, STEP_MS: '1' } });
    expect(made.exitCode, made.stderr).toBe(0);
    const read = text.split('\n').slice(0, 3).join('\n').length + 1;
    const cpt = join(dir, 'cpt.1');
    const { manifest } = readCheckpoint(cpt);
    expect(manifest.stdio.stdin).toMatchObject({ target: input, offset: String(read), isFile: true, rest: 'stdin.rest', restBytes: String(text.length - read) });
    const rest = readFileSync(join(cpt, 'stdin.rest'));
    expect(rest.toString()).toBe(text.slice(read));
    expect(manifest.checksums['stdin.rest']).toBe(sha256(rest));
    const sePy = `gem5.opt configs/deprecated/example/se.py --cmd=${fixture('stdin-lines')} --checkpoint-dir=${dir} -r 1 --mem-size=${manifest.gem5.memSize}B --input=${cpt}/stdin.rest`;
    expect(made.stdout).toContain(`  se.py: ${sePy}\n`);
    const inspected = await lapidary(['inspect', cpt]);
    expect(inspected.exitCode, inspected.stderr).toBe(0);
    expect(inspected.stdout).toContain(`stdin: ${input} at ${read}; the unread rest (${text.length - read} bytes) is ${cpt}/stdin.rest\n`);
    expect(inspected.stdout.split('\n')).toContain(`gem5's se.py restores it with: ${sePy}`);
  }, 300_000);

  it('prints the se.py arguments under each interval checkpoint whose stdin was partly read', async () => {
    const input = join(work(), 'many.txt');
    const text = lines(30);
    writeFileSync(input, text);
    const dir = join(work(), 'interval');
    const made = await lapidary(['create', '--cmd', fixture('stdin-lines'), '--stdin', input, '--interval', '0.1', '--max-checkpoints', '2',
      '--directory', dir, '--stdout', join(work(), 'interval.out')], { env: { ...process.env, STEP_MS: '40' } });
    expect(made.exitCode, made.stderr).toBe(0);
    for (const k of [1, 2]) {
      const cpt = join(dir, `cpt.${k}`);
      const { manifest } = readCheckpoint(cpt);
      const offset = Number(manifest.stdio.stdin!.offset);
      expect(offset).toBeGreaterThan(0);
      expect(readFileSync(join(cpt, 'stdin.rest')).toString()).toBe(text.slice(offset));
      expect(made.stderr).toContain(`  se.py: gem5.opt configs/deprecated/example/se.py --cmd=${fixture('stdin-lines')} --checkpoint-dir=${dir} -r ${k} --mem-size=${manifest.gem5.memSize}B --input=${cpt}/stdin.rest\n`);
    }
  }, 300_000);
});
