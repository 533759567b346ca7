import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
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

/**
 * stdin that is not a regular file: gem5 can only give a restored program a file, so a pipe given
 * as --stdin is read to its end first, and a pipe the program puts on fd 0 itself gets a note.
 */
describe('stdin that is not a regular file (real gdb)', () => {
  const threeLines = 'continue\ncontinue\ncheckpoint\nexit\n';

  it('reads a pipe given as --stdin /dev/stdin to its end into stdin.captured, which the program and the checkpoint use, and says so', async () => {
    const text = lines(7);
    writeFileSync(join(work(), 'pipe-commands'), threeLines);
    const dir = join(work(), 'piped');
    const made = await lapidary(['create', '--cmd', fixture('stdin-lines'), '--stdin', '/dev/stdin', '--breakpoints', 'step_done',
      '--commands', join(work(), 'pipe-commands'), '--directory', dir, '--stdout', join(work(), 'piped.out')], { env: { ...process.env, STEP_MS: '1' }, input: text });
    expect(made.exitCode, made.stderr).toBe(0);
    const captured = join(dir, 'stdin.captured');
    expect(readFileSync(captured).toString()).toBe(text);
    // execa's input reaches lapidary through a socket pair (libuv), a shell's | through a pipe.
    const note = /^lapidary: note: (--stdin \/dev\/stdin was a (?:socket|pipe or FIFO): lapidary read it to its end \((\d+) bytes\) into (\S+) before starting the program, which reads that file as stdin)$/m.exec(made.stderr);
    expect(note, made.stderr).not.toBeNull();
    expect([Number(note![2]), note![3]]).toEqual([text.length, captured]);
    const { manifest } = readCheckpoint(join(dir, 'cpt.1'));
    const read = text.split('\n').slice(0, 3).join('\n').length + 1;
    expect(manifest.stdio.stdin).toMatchObject({ target: captured, offset: String(read), isFile: true, rest: 'stdin.rest' });
    expect(readFileSync(join(dir, 'cpt.1', 'stdin.rest')).toString()).toBe(text.slice(read));
    expect(manifest.notes).toContain(note![1]);
    expect(made.stdout).toContain(`  note: ${note![1]}\n`);
    // The program read the piped lines natively: 3 lines printed before the checkpoint.
    expect(readFileSync(join(work(), 'piped.out'), 'utf8').split('\n').filter((l) => l.startsWith('line ')).length).toBeGreaterThanOrEqual(3);
  }, 300_000);

  it('reads a FIFO given as --stdin to its end once a writer closes it', async () => {
    const text = lines(5);
    const source = join(work(), 'fifo-source.txt');
    writeFileSync(source, text);
    const fifo = join(work(), 'input.fifo');
    await execa('mkfifo', [fifo]);
    writeFileSync(join(work(), 'fifo-commands'), 'checkpoint\nexit\n');
    const dir = join(work(), 'fifo');
    const writer = execa('cp', [source, fifo]);
    const made = await lapidary(['create', '--cmd', fixture('stdin-lines'), '--stdin', fifo, '--breakpoints', 'step_done',
      '--commands', join(work(), 'fifo-commands'), '--directory', dir, '--stdout', join(work(), 'fifo.out')], { env: { ...process.env, STEP_MS: '1' } });
    await writer;
    expect(made.exitCode, made.stderr).toBe(0);
    expect(readFileSync(join(dir, 'stdin.captured')).toString()).toBe(text);
    expect(made.stderr).toContain(`lapidary: note: --stdin ${fifo} was a pipe or FIFO: lapidary read it to its end (${text.length} bytes)`);
    expect(readCheckpoint(join(dir, 'cpt.1')).manifest.stdio.stdin).toMatchObject({ target: join(dir, 'stdin.captured'), offset: String(text.indexOf('\n') + 1) });
  }, 300_000);

  it('refuses a character device that is not /dev/null-like, and a directory, as --stdin by name', async () => {
    for (const [path, kind] of [['/dev/tty', 'a terminal or other character device'], [work(), 'a directory']] as const) {
      const made = await lapidary(['create', '--cmd', fixture('stdin-lines'), '--stdin', path, '--interval', '1', '--directory', join(work(), `refused-${kind.length}`)]);
      expect(made.exitCode).toBe(2);
      expect(made.stderr).toContain(`--stdin ${path} is ${kind}; a checkpoint cannot hold what the program would read from it`);
    }
  }, 300_000);

  it('notes a stdin file deleted while open: no rest can be copied, and the restore reads /dev/null', async () => {
    const input = join(work(), 'deleted.txt');
    writeFileSync(input, lines(4));
    writeFileSync(join(work(), 'deleted-commands'), `gdb shell rm -f ${input}\ncontinue\ncheckpoint\nexit\n`);
    const dir = join(work(), 'deleted');
    const made = await lapidary(['create', '--cmd', fixture('stdin-lines'), '--stdin', input, '--breakpoints', 'step_done',
      '--commands', join(work(), 'deleted-commands'), '--directory', dir, '--stdout', join(work(), 'deleted.out')], { env: { ...process.env, STEP_MS: '1' } });
    expect(made.exitCode, made.stderr).toBe(0);
    const { manifest } = readCheckpoint(join(dir, 'cpt.1'));
    expect(manifest.stdio.stdin).toMatchObject({ target: `${input} (deleted)`, isFile: false });
    expect(manifest.stdio.stdin!.rest).toBeUndefined();
    const note = `stdin (fd 0) is the deleted file ${input}, which a checkpoint cannot hold: after restore the program reads /dev/null (lapidary simulate) or se.py's --input, and whatever it had not yet read from it is lost`;
    expect(manifest.notes).toContain(note);
    expect(made.stdout).toContain(`  note: ${note}\n`);
  }, 300_000);

  it('notes a pipe the program itself put on fd 0: what it still holds is lost on restore', async () => {
    writeFileSync(join(work(), 'own-pipe-commands'), 'continue\ncheckpoint\nexit\n');
    const dir = join(work(), 'own-pipe');
    const made = await lapidary(['create', '--cmd', fixture('pipe-stdin'), '--breakpoints', 'step_done',
      '--commands', join(work(), 'own-pipe-commands'), '--directory', dir, '--stdout', join(work(), 'own-pipe.out')], { env: { ...process.env, STEP_MS: '1' } });
    expect(made.exitCode, made.stderr).toBe(0);
    const { manifest } = readCheckpoint(join(dir, 'cpt.1'));
    const note = manifest.notes.find((n) => n.startsWith('stdin (fd 0) is a pipe (pipe:['));
    expect(note, manifest.notes.join('\n')).toMatch(/which a checkpoint cannot hold: after restore the program reads \/dev\/null \(lapidary simulate\) or se\.py's --input, and whatever it had not yet read from it is lost$/);
    expect(made.stdout).toContain(`  note: ${note}\n`);
  }, 300_000);
});
