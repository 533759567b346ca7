import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { readCheckpoint } from '../helpers/checkpoints.js';
import { FIXTURE_SRC, ROOT, fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-target-checks-');
const env = { ...process.env, STEP_MS: '40', STEPS: '4' };

/** Build a real program with the system compiler into the work directory. */
function cc(name: string, args: string[]): string {
  const out = join(work(), name);
  execFileSync('cc', ['-O2', '-o', out, ...args]);
  return out;
}

const create = (cmd: string, dir: string, extra: string[] = []) =>
  lapidary(['create', '--cmd', cmd, '--interval', '0.05', '--directory', join(work(), `${dir}-cpts`), '--stdout', join(work(), `${dir}.out`), ...extra], { env });

describe('create refuses what it cannot run before starting it (real programs)', () => {
  it('refuses a 32-bit x86 ELF with LAPIDARY_TARGET_UNSUPPORTED, naming it', async () => {
    const elf32 = cc('exit32', ['-m32', '-nostdlib', '-static', join(ROOT, 'fixtures', 'elf32', 'exit.c')]);
    const run = await create(elf32, 'elf32');
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toContain(`error[LAPIDARY_TARGET_UNSUPPORTED]: ${elf32} is a 32-bit ELF (i386)`);
    expect(run.stderr).not.toMatch(/INTERNAL|did not start/);
  });

  it('refuses a #! script whose interpreter is a 32-bit ELF, naming the interpreter', async () => {
    const elf32 = cc('interp32', ['-m32', '-nostdlib', '-static', join(ROOT, 'fixtures', 'elf32', 'exit.c')]);
    const script = join(work(), 'script32');
    writeFileSync(script, `#!${elf32} -x\n`);
    chmodSync(script, 0o755);
    const run = await create(script, 'script32');
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toContain(`error[LAPIDARY_TARGET_UNSUPPORTED]: ${elf32} is a 32-bit ELF (i386)`);
  });

  it('refuses an executable object file and a file that is neither ELF nor #!', async () => {
    const object = cc('int-loop.o', ['-c', join(FIXTURE_SRC, 'int-loop.c')]);
    chmodSync(object, 0o755);
    const data = join(work(), 'data');
    writeFileSync(data, 'just text\n');
    chmodSync(data, 0o755);
    const [ofile, text] = await Promise.all([create(object, 'object'), create(data, 'data')]);
    expect(ofile.exitCode, ofile.stderr).toBe(1);
    expect(ofile.stderr).toContain(`error[LAPIDARY_TARGET_UNSUPPORTED]: ${object} is a relocatable object file (.o), not an executable`);
    expect(text.exitCode, text.stderr).toBe(1);
    expect(text.stderr).toContain(`error[LAPIDARY_TARGET_UNSUPPORTED]: ${data} is neither an ELF executable nor a #! script`);
  });

  it('says that --cmd is a directory, or a file without execute permission', async () => {
    const directory = join(work(), 'a-directory');
    mkdirSync(directory);
    const plain = join(work(), 'not-executable');
    copyFileSync(fixture('int-loop'), plain);
    chmodSync(plain, 0o644);
    const [dir, file] = await Promise.all([create(directory, 'd1'), create(plain, 'd2')]);
    expect(dir.exitCode).toBe(2);
    expect(dir.stderr).toContain(`error[LAPIDARY_USAGE]: cannot run ${JSON.stringify(directory)}: ${directory} is a directory`);
    expect(file.exitCode).toBe(2);
    expect(file.stderr).toContain(`error[LAPIDARY_USAGE]: cannot run ${JSON.stringify(plain)}: ${plain} is not executable (mode 0644)`);
    expect(file.stderr).toMatch(/hint: make it executable \(chmod \+x\)/);
  });

  it.each(['2200000', 'Infinity'])('refuses --interval %s, beyond what a timer can wait, before starting anything', async (interval) => {
    const dir = join(work(), `long-${interval}-cpts`);
    const run = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', interval, '--directory', dir], { env });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(`error[LAPIDARY_USAGE]: --interval must be a positive number of seconds up to 2147483.647, got ${interval}`);
    expect(existsSync(dir)).toBe(false);
  });

  it.each([['static', ['-static']], ['static-pie', ['-static-pie']]])('checkpoints a %s x86-64 program', async (kind, flags) => {
    const program = cc(`int-loop-${kind}`, [...flags, join(FIXTURE_SRC, 'int-loop.c')]);
    const run = await create(program, kind);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/the program exited with status 0/);
    expect(readCheckpoint(join(work(), `${kind}-cpts`, 'cpt.1')).manifest.target.exe).toBe(program);
  });
});
