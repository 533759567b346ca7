import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { readCheckpoint } from '../helpers/checkpoints.js';
import { fixture } from '../helpers/paths.js';
import { waitForNoProcess } from '../helpers/processes.js';

const work = mkdtempSync(join(tmpdir(), 'lapidary-create-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const env = { ...process.env, STEP_MS: '40' };

describe('lapidary create (interval mode, real gdb)', () => {
  it('checkpoints a running program every interval until it exits, one progress line each', async () => {
    const dir = join(work, 'int-loop');
    const out = join(work, 'int-loop.out');
    const run = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.1', '--directory', dir, '--stdout', out], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('cpt.'));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/^cpt\.\d+\s+t=\d+\.\d{3}s\s+rip=0x[0-9a-f]+\s+pages=\d+\s+bytes=.+ \(.+ gz\)\s+paused=\d+ms$/);
    expect(run.stderr).toMatch(/the program exited with status 0/);
    const names = readdirSync(dir).sort();
    expect(names).toEqual(lines.map((_, i) => `cpt.${i + 1}`).sort());
    const native = await execa(fixture('int-loop'), { env });
    expect(readFileSync(out, 'utf8')).toBe(native.stdout + '\n');
  });

  it('writes complete checkpoints: every page-table page inside a VMA, the image as long as the page table', () => {
    const cpt = readCheckpoint(join(work, 'int-loop', 'cpt.1'));
    const vmas = Number(cpt.value('system.cpu.workload.vmalist', 'size'));
    const ranges = Array.from({ length: vmas }, (_, i) => [
      BigInt(cpt.value(`system.cpu.workload.vmalist.Vma${i}`, 'addrRangeStart')!),
      BigInt(cpt.value(`system.cpu.workload.vmalist.Vma${i}`, 'addrRangeEnd')!),
    ] as const);
    const pages = cpt.pages();
    expect(pages.size).toBe(cpt.manifest.memory.pagesStored);
    expect(cpt.pmem.length).toBe(pages.size * 4096);
    for (const vaddr of pages.keys()) expect(ranges.some(([s, e]) => vaddr >= s && vaddr < e), `0x${vaddr.toString(16)}`).toBe(true);
    expect(Number(cpt.value('system.workload.mempools.pool0', 'free_page_num'))).toBe(pages.size);
    expect(cpt.manifest.target.argv).toEqual([fixture('int-loop')]);
    expect(cpt.manifest.options).toMatchObject({ nativeEnvironment: { aslr: false, bindNow: true, removeVdso: true } });
    expect(cpt.manifest.stdio.stdout).toMatchObject({ target: join(work, 'int-loop.out'), isFile: true });
  });

  it('holds every read-only file-backed page exactly as the file has it (the 2019 tool wrote zeros)', () => {
    const cpt = readCheckpoint(join(work, 'int-loop', 'cpt.1'));
    const pages = cpt.pages();
    // RELRO segments (read-only after ld.so relocated them, directly before the rw-p data) differ
    // from the file by design; every other read-only file page must match it byte for byte.
    const relro = (i: number) => cpt.manifest.mappings[i + 1]?.path === cpt.manifest.mappings[i]!.path && cpt.manifest.mappings[i + 1]!.perms === 'rw-p'
      && cpt.manifest.mappings[i + 1]!.start === cpt.manifest.mappings[i]!.end;
    const readOnlyFiles = cpt.manifest.mappings.filter((m, i) => m.perms.startsWith('r-') && m.path?.startsWith('/') && !relro(i));
    expect(readOnlyFiles.some((m) => m.path!.includes('libc.so'))).toBe(true);
    let compared = 0;
    for (const mapping of readOnlyFiles) {
      const file = readFileSync(mapping.path!);
      for (let vaddr = BigInt(mapping.start); vaddr < BigInt(mapping.end); vaddr += 4096n) {
        const offset = Number(BigInt(mapping.offset) + vaddr - BigInt(mapping.start));
        const expected = Buffer.alloc(4096);
        file.copy(expected, 0, offset, Math.min(offset + 4096, file.length));
        const actual = pages.get(vaddr) ?? Buffer.alloc(4096);
        expect(actual.equals(expected), `${mapping.path} page 0x${vaddr.toString(16)}`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('stops after --max-checkpoints and kills the program', async () => {
    const dir = join(work, 'max');
    const run = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.05', '--directory', dir, '--max-checkpoints', '2', '--stdout', join(work, 'max.out')], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['cpt.1', 'cpt.2']);
    expect(run.stderr).toMatch(/stopped after the last checkpoint/);
    expect(await waitForNoProcess(/build\/fixtures\/int-loop$/)).toEqual([]);
  });

  it('parses --cmd into argv without a shell and records the files the program has open', async () => {
    const input = join(work, 'in put.txt');
    writeFileSync(input, 'abcdefghij'.repeat(800));
    const output = join(work, 'out.txt');
    const dir = join(work, 'files');
    const run = await lapidary(['create', '--cmd', `${fixture('files')} '${input}' ${output}`, '--interval', '0.1', '--directory', dir, '--stdout', join(work, 'files.out')], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    const cpt = readCheckpoint(join(dir, 'cpt.1'));
    expect(cpt.manifest.target.argv).toEqual([fixture('files'), input, output]);
    const [inFile, outFile] = cpt.manifest.files;
    expect(inFile).toMatchObject({ fd: 3, path: input, writable: false });
    expect(outFile).toMatchObject({ fd: 4, path: output, writable: true, snapshot: 'files/fd4' });
    expect(Number(inFile!.offset)).toBeGreaterThan(0);
    expect(cpt.value('system.cpu.workload.fdarray.Entry3', '_fileName')).toBe(input);
    // opened O_WRONLY|O_CREAT|O_TRUNC: the reopen keeps O_WRONLY (and the kernel's O_LARGEFILE) only
    const flags = Number(cpt.value('system.cpu.workload.fdarray.Entry4', '_flags'));
    expect(flags & 0o3).toBe(1);
    expect(flags & (0o100 | 0o200 | 0o1000)).toBe(0);
    expect(readFileSync(join(dir, 'cpt.1', 'files', 'fd4')).length).toBe(Number(outFile!.offset));
  });

  it('removes the vDSO by default and keeps it with --vdso', async () => {
    for (const [flag, expected] of [[[], 'vdso=absent'], [['--vdso'], 'vdso=present']] as const) {
      const out = join(work, `clock${flag.length}.out`);
      const run = await lapidary(['create', '--cmd', fixture('clock'), '--interval', '10', '--directory', join(work, `clock${flag.length}`), '--stdout', out, ...flag], { env: { ...env, STEPS: '1' } });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(readFileSync(out, 'utf8').split('\n')[0]).toBe(expected);
    }
  });

  it('refuses a multi-threaded program at its first checkpoint with a clear error', async () => {
    const run = await lapidary(['create', '--cmd', fixture('threads'), '--interval', '0.1', '--directory', join(work, 'threads')], { env });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/error\[LAPIDARY_TARGET_UNSUPPORTED\]: the target \(pid \d+\) has 2 threads/);
    expect(existsSync(join(work, 'threads', 'cpt.1'))).toBe(false);
    expect(await waitForNoProcess(/build\/fixtures\/threads$/)).toEqual([]);
  });

  it.each([
    [['--interval', '-1'], /--interval must be a positive number/],
    [['--interval', '1', '--max-checkpoints', '0'], /--max-checkpoints must be a positive integer/],
  ])('rejects bad options %j with a usage error', async (extra, message) => {
    const run = await lapidary(['create', '--cmd', fixture('int-loop'), '--directory', join(work, 'bad'), ...extra]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('names a program that does not exist', async () => {
    const run = await lapidary(['create', '--cmd', 'no-such-program --flag', '--interval', '1', '--directory', join(work, 'none')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/cannot find an executable named "no-such-program" in PATH/);
  });

  it('refuses a directory that already holds checkpoints', async () => {
    const run = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '1', '--directory', join(work, 'int-loop')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/already holds checkpoints/);
  });
});
