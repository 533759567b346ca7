import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { checkpointDefect, checkpointNames } from '../helpers/checkpoints.js';
import { CLI, fixture } from '../helpers/paths.js';
import { waitForNoProcess } from '../helpers/processes.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-dirfaults-');
const env = { ...process.env, STEP_MS: '40' };
const hidden = (dir: string): string[] => readdirSync(dir).filter((n) => n.startsWith('.'));

/**
 * A tmpfs of its own, mounted by the test (it runs as root): `size` for a full disk, `ro` for a
 * directory nobody may write (root ignores permission bits, not a read-only mount).
 */
function mountTmpfs(options: string): { path?: string; reason?: string } {
  const path = join(tmpdir(), `lapidary-tmpfs-${process.pid}-${options.replace(/\W/g, '')}`);
  try {
    mkdirSync(path, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'lapidary-test', path], { stdio: 'pipe' });
    return { path };
  } catch (error) {
    return { reason: `cannot mount a tmpfs (${String((error as { stderr?: Buffer }).stderr ?? error).trim()}); needs root` };
  }
}
const small = mountTmpfs('size=1m');
const readOnly = mountTmpfs('ro,size=1m');
afterAll(() => {
  for (const fs of [small, readOnly]) if (fs.path !== undefined) execFileSync('umount', [fs.path]);
});
const skipped = (fs: { reason?: string }): string => (fs.reason === undefined ? '' : ` [skipped: ${fs.reason}]`);

/** Start `lapidary create` as a child; resolves its exit code and stderr. */
function startCreate(args: readonly string[], extraEnv: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [CLI, 'create', ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  return { child, exited };
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A --cmd whose program, if it ever started, leaves `marker` behind (touch(1) from Debian's coreutils). */
const touching = (marker: string): string => `/usr/bin/touch ${marker}`;

describe('create: stale partial checkpoints and concurrent runs (real gdb)', () => {
  it('removes the .cpt.N.partial-* a SIGKILLed create left, at the next create into that directory, and says so', async () => {
    const dir = join(work(), 'killed');
    const first = startCreate(['--cmd', fixture('compressible-heap'), '--interval', '0.5', '--directory', dir, '--stdout', '/dev/null'], { HEAP_MIB: '128' });
    await waitUntil(() => existsSync(dir) && hidden(dir).some((n) => n.startsWith('.cpt.1.partial-')), 'the first checkpoint to be under way');
    first.child.kill('SIGKILL');
    await first.exited;
    const partial = hidden(dir).find((n) => n.startsWith('.cpt.1.partial-'))!;
    expect(partial).toBeDefined();
    expect(await waitForNoProcess(/build\/fixtures\/compressible-heap$/, 20_000)).toEqual([]);

    const again = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.1', '--max-checkpoints', '1', '--directory', dir, '--stdout', '/dev/null'], { env });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain(`lapidary: removed 1 unfinished checkpoint directory left by a create that was killed (pid ${first.child.pid}): ${partial}`);
    expect(hidden(dir)).toEqual([]);
    expect(checkpointNames(dir)).toEqual(['cpt.1']);
    expect(checkpointDefect(join(dir, 'cpt.1'))).toBeUndefined();
  });

  it('refuses a second create into a directory a live one is writing, naming its pid, and leaves the live run\'s partial alone', async () => {
    const dir = join(work(), 'shared');
    const first = startCreate(['--cmd', fixture('compressible-heap'), '--interval', '0.5', '--max-checkpoints', '2', '--directory', dir, '--stdout', '/dev/null'], { HEAP_MIB: '96' });
    await waitUntil(() => existsSync(dir) && hidden(dir).some((n) => n.startsWith('.cpt.')), 'the first run\'s checkpoint to be under way');
    const marker = join(work(), 'second-started');
    const second = await lapidary(['create', '--cmd', touching(marker), '--interval', '1', '--directory', dir], { env });
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toContain(`error[LAPIDARY_DIRECTORY_BUSY]: ${dir} is being written by another lapidary create (pid ${first.child.pid})`);
    expect(second.stderr).toMatch(/hint: wait for that run to end, or give this one another --directory/);
    expect(existsSync(marker)).toBe(false);
    const done = await first.exited;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).not.toMatch(/lapidary: removed \d+ unfinished/);
    expect(checkpointNames(dir)).toEqual(['cpt.1', 'cpt.2']);
    for (const name of checkpointNames(dir)) expect(checkpointDefect(join(dir, name)), name).toBeUndefined();
    expect(hidden(dir)).toEqual([]);
  });
});

describe('create: --directory checked before the target starts', () => {
  it('an existing file: LAPIDARY_USAGE, exit 2, the program never runs', async () => {
    const file = join(work(), 'a-file');
    writeFileSync(file, 'not a directory');
    const marker = join(work(), 'file-started');
    const run = await lapidary(['create', '--cmd', touching(marker), '--interval', '1', '--directory', file], { env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`error[LAPIDARY_USAGE]: --directory ${file} is a file, not a directory`);
    expect(run.stderr).toMatch(/hint: name a directory/);
    expect(run.stderr).not.toMatch(/LAPIDARY_INTERNAL|\n\s+at /);
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('not a directory');
  });

  it(`a directory on a read-only file system, and one to be made there: LAPIDARY_USAGE, exit 2, the program never runs${skipped(readOnly)}`, async () => {
    if (readOnly.path === undefined) return;
    for (const dir of [readOnly.path, join(readOnly.path, 'sub')]) {
      const marker = join(work(), 'ro-started');
      const run = await lapidary(['create', '--cmd', touching(marker), '--interval', '1', '--directory', dir], { env });
      expect(run.exitCode, run.stderr).toBe(2);
      expect(run.stderr).toContain(`error[LAPIDARY_USAGE]: cannot write to --directory ${dir} (EROFS)`);
      expect(run.stderr).toMatch(/hint: the file system is mounted read-only/);
      expect(existsSync(marker)).toBe(false);
    }
  });
});

describe('create: a full file system', () => {
  it(`ENOSPC while the memory image is written: LAPIDARY_NO_SPACE naming the directory and the bytes needed; nothing half-written, no empty directory${skipped(small)}`, async () => {
    if (small.path === undefined) return;
    const dir = join(small.path, 'cpts');
    const run = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.1', '--directory', dir, '--compression', '0', '--stdout', '/dev/null'], { env });
    expect(run.exitCode, run.stderr).toBe(1);
    const match = new RegExp(`error\\[LAPIDARY_NO_SPACE\\]: no space left in ${dir} \\(ENOSPC\\) for cpt\\.1: it needs up to (\\d+) bytes \\([\\d.]+ MiB\\), (\\d+) bytes \\([\\d.]+ MiB\\) are free`).exec(run.stderr);
    expect(match, run.stderr).not.toBeNull();
    // int-loop holds ~540 non-zero pages: more than the 1 MiB file system, stored uncompressed.
    expect(Number(match![1])).toBeGreaterThan(2 * 1024 * 1024);
    expect(Number(match![2])).toBeLessThan(1024 * 1024);
    expect(run.stderr).toMatch(/hint: free space there or choose a --directory on a larger file system/);
    expect(run.stderr).not.toMatch(/LAPIDARY_INTERNAL|\n\s+at /);
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(small.path)).toEqual([]);
    expect(await waitForNoProcess(/build\/fixtures\/int-loop$/)).toEqual([]);
  });
});

describe('create without gdb', () => {
  it('LAPIDARY_GDB_DIED with a hint a user can follow, no stack trace, no launch spec in /tmp, no --directory left', async () => {
    // A PATH holding node only: no gdb to be found.
    const bin = join(work(), 'node-only');
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, 'node'));
    // Its own TMPDIR, so that other lapidary runs on the machine do not count.
    const temp = join(work(), 'no-gdb-tmp');
    mkdirSync(temp);
    const dir = join(work(), 'no-gdb', 'cpts');
    const run = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '1', '--directory', dir, '--stdout', '/dev/null', '--stderr', '/dev/null'], { env: { ...env, PATH: bin, TMPDIR: temp } });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^error\[LAPIDARY_GDB_DIED\]: gdb is not installed \(no executable "gdb" in PATH\)/);
    expect(run.stderr).toContain('hint: install the Debian package gdb (apt-get install gdb;');
    expect(run.stderr).not.toMatch(/gdbPath|LAPIDARY_INTERNAL|\n\s+at /);
    expect(run.stderr.trim().split('\n')).toHaveLength(2);
    expect(readdirSync(temp)).toEqual([]);
    expect(existsSync(join(work(), 'no-gdb'))).toBe(false);
  });
});

describe('runs on a directory without runs', () => {
  it('prints an empty table and makes no database', async () => {
    const dir = join(work(), 'no-runs');
    mkdirSync(dir);
    const run = await lapidary(['runs', dir]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^run\s+status\s+CPI\s+started\s+cause$/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
