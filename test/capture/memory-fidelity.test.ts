import { closeSync, existsSync, ftruncateSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { LOCAL_PROC } from '../../src/capture/proc-access.js';
import { lapidary } from '../helpers/cli.js';
import { checkpointNames, readCheckpoint } from '../helpers/checkpoints.js';
import { FIXTURE_SRC, fixture } from '../helpers/paths.js';
import { processesMatching } from '../helpers/processes.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-memory-');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** /proc/PID/stat field 22 (start time, clock ticks after boot), or undefined once the process is gone. */
function startTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

describe('a snapshot child that dies while its memory is read', () => {
  it('fails the checkpoint with LAPIDARY_MEMORY_LOST instead of writing its pages as zeros', async () => {
    const dir = join(work(), 'killed');
    const binary = fixture('big-heap');
    const pattern = new RegExp(`^${binary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    let killed: number | undefined;
    let watching = true;
    // kill -9 the snapshot clone (the newer of the two processes running the fixture) while cpt.1's
    // .partial directory exists: reading 256 MiB of random pages gives plenty of time for it.
    const watcher = (async () => {
      while (watching && killed === undefined) {
        const partial = (() => { try { return readdirSync(dir).some((n) => n.includes('.partial-')); } catch { return false; } })();
        const pids = partial ? processesMatching(pattern) : [];
        if (pids.length === 2) {
          const [, newest] = pids.map((pid) => [pid, startTime(pid) ?? 0] as const).sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([pid]) => pid);
          process.kill(newest!, 'SIGKILL');
          killed = newest;
        }
        await sleep(10);
      }
    })();
    const run = await lapidary(['create', '--cmd', binary, '--interval', '2', '--max-checkpoints', '2', '--directory', dir, '--stdout', join(work(), 'killed.out')], {
      env: { ...process.env, HEAP_MIB: '256', STEPS: '100000', STEP_MS: '20' },
    });
    watching = false;
    await watcher;
    expect(killed, 'the snapshot child was seen and killed').toBeDefined();
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`error\\[LAPIDARY_MEMORY_LOST\\]: the snapshot child \\(pid ${killed}\\)`));
    expect(run.stderr).not.toMatch(/cannot be read from \/proc\/PID\/mem/);
    // create removes the --directory it made when it ends with nothing in it
    expect(existsSync(dir) ? readdirSync(dir) : [], 'no cpt.1 and no .partial directory').toEqual([]);
    expect(processesMatching(pattern)).toEqual([]);
  }, 300_000);
});

/** The fixture shared-counter.c's magic words, each followed by its counter. */
const COUNTER_MAGIC = { private: 0x4c41505052495631n, anon: 0x4c415053414e4f31n, memfd: 0x4c4150534d464431n, sysv: 0x4c41505353595331n };

/** The four counters of shared-counter.c in a checkpoint's pages: the word after each magic word. */
function counters(pages: Map<bigint, Buffer>): Record<keyof typeof COUNTER_MAGIC, bigint | undefined> {
  const found: Record<string, bigint> = {};
  for (const page of pages.values()) {
    for (let at = 0; at + 16 <= page.length; at += 8) {
      const word = page.readBigUInt64LE(at);
      for (const [name, magic] of Object.entries(COUNTER_MAGIC)) if (word === magic) found[name] = page.readBigUInt64LE(at + 8);
    }
  }
  return { private: found.private, anon: found.anon, memfd: found.memfd, sysv: found.sysv };
}

describe('MAP_SHARED mappings (anonymous, memfd, SysV shm)', () => {
  it('hold in cpt.k the values of the stop k, read while the target is stopped, and carry a note', async () => {
    const dir = join(work(), 'shared');
    // The target increments all four counters together without pause; 16 MiB of heap lie before
    // the shared pages, so a read from the snapshot child reaches them long after the target ran on.
    const run = await lapidary(['create', '--cmd', fixture('shared-counter'), '--interval', '1', '--max-checkpoints', '3', '--directory', dir, '--stdout', join(work(), 'shared.out')], {
      env: { ...process.env, HEAP_MIB: '16', ROUNDS: '1000000', INCS: '100000000' },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(checkpointNames(dir)).toEqual(['cpt.1', 'cpt.2', 'cpt.3']);
    for (const name of checkpointNames(dir)) {
      const cpt = readCheckpoint(join(dir, name));
      const values = counters(cpt.pages());
      expect(values.private, name).toBeGreaterThan(0n);
      // The program increments private, anon, memfd, sysv in that order: a stop between two of
      // those instructions leaves the later ones one behind, never more, never ahead.
      const { private: p, anon, memfd, sysv } = values as Record<string, bigint>;
      expect([p! - 1n <= sysv! && sysv! <= memfd! && memfd! <= anon! && anon! <= p!, values], name).toEqual([true, values]);
      const note = cpt.manifest.notes.find((n) => n.startsWith('3 MAP_SHARED mapping(s) ('));
      expect(note, name).toMatch(/become private anonymous memory in gem5/);
      for (const object of ['/dev/zero (deleted)', '/memfd:lapidary-counter (deleted)', '/SYSV00000000 (deleted)']) expect(note, name).toContain(object);
    }
    expect(run.stderr.match(/note: 3 MAP_SHARED mapping\(s\) .* become private anonymous memory in gem5/g), 'shown once, as every repeated note').toHaveLength(1);
  }, 300_000);
});

describe('sparse huge mappings', () => {
  it('are read as far as touched: a 256 GiB MAP_NORESERVE region, 4 GiB of shared anonymous memory, a memfd written with pwrite', async () => {
    const dir = join(work(), 'sparse');
    const out = join(work(), 'sparse.out');
    writeFileSync(join(work(), 'sparse.commands'), 'checkpoint\ngdb delete\ncontinue\n');
    const env = { ...process.env, STEP_MS: '1' };
    const run = await lapidary(['create', '--cmd', fixture('sparse-map'), '--breakpoints', 'step_done', '--commands', join(work(), 'sparse.commands'), '--directory', dir, '--stdout', out], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    // The program counts the pages of its shared region and memfd that exist (mincore) after the
    // checkpoint too: reading them through /proc/PID/mem would have allocated all 1.25 Mi of them.
    const native = await execa(fixture('sparse-map'), { env });
    expect(readFileSync(out, 'utf8')).toBe(`${native.stdout}\n`);
    expect(native.stdout).toMatch(/step 2 sum=[0-9a-f]+ shared pages=1 memfd pages=1\n/);
    const cpt = readCheckpoint(join(dir, 'cpt.1'));
    const GiB = 1n << 30n;
    const mapping = (test: (m: { start: string; end: string; path?: string }) => boolean) => {
      const found = cpt.manifest.mappings.find(test);
      expect(found).toBeDefined();
      return BigInt(found!.start);
    };
    const sparse = mapping((m) => BigInt(m.end) - BigInt(m.start) === 256n * GiB);
    const shared = mapping((m) => m.path === '/dev/zero' && BigInt(m.end) - BigInt(m.start) === 4n * GiB);
    const memfd = mapping((m) => m.path === '/memfd:lapidary-sparse' && BigInt(m.end) - BigInt(m.start) === GiB);
    const pages = cpt.pages();
    const word = (addr: bigint) => pages.get(addr)?.readBigUInt64LE(0);
    for (let g = 0n; g < 256n; g++) expect(word(sparse + g * GiB), `sparse page ${g}`).toBe(0x5350415253450000n + g);
    expect(word(shared + GiB)).toBe(0x5348415245440001n);
    expect(word(memfd + 512n * 1024n * 1024n), 'the memfd page only pwrite wrote (SEEK_DATA finds it)').toBe(0x4d454d4644415441n);
    const inside = (start: bigint, size: bigint) => [...pages.keys()].filter((a) => a >= start && a < start + size).length;
    expect([inside(sparse, 256n * GiB), inside(shared, 4n * GiB), inside(memfd, GiB)]).toEqual([256, 1, 1]);
    // gem5's memory counts the 4 GiB + 1 GiB of shared memory the kernel committed (5 GiB and
    // 256 MiB of growth: 8 GiB), not the 256 GiB reservation (which made 512 GiB).
    expect(cpt.manifest.gem5.memSize).toBe(String(8n * GiB));
    expect(cpt.manifest.notes.join('\n')).toMatch(/leaves out the \d+ untouched pages \(\d+ MiB\) of MAP_NORESERVE mappings/);
  }, 300_000);
});

describe('data extents of a shmem file (lapidary-data-extents, SEEK_DATA)', () => {
  it('names exactly the pages written in a sparse tmpfs file, clipped to the range asked', async () => {
    const path = `/dev/shm/lapidary-extents-${process.pid}`;
    const fd = openSync(path, 'w');
    try {
      ftruncateSync(fd, 16 * 4096);
      for (const page of [1, 2, 9]) writeSync(fd, Buffer.from('x'), 0, 1, page * 4096 + 100);
      closeSync(fd);
      expect(await LOCAL_PROC.dataExtents!(path, 0n, 16n * 4096n)).toEqual({ size: 65536n, extents: [[4096n, 12288n], [36864n, 40960n]] });
      expect(await LOCAL_PROC.dataExtents!(path, 8192n, 4096n)).toEqual({ size: 65536n, extents: [[8192n, 12288n]] });
      expect(await LOCAL_PROC.dataExtents!(`${path}.absent`, 0n, 4096n)).toBeUndefined();
    } finally {
      rmSync(path, { force: true });
    }
  });
});

describe('a real sanitizer runtime (AddressSanitizer, 14 TiB of MAP_NORESERVE shadow)', () => {
  it('is checkpointed from the pages its shadow really uses, with gem5 memory sized without the reservation', async () => {
    // The int-loop fixture built with gcc -fsanitize=address: its runtime maps its shadow memory
    // (about 14 TiB, rw-p, MAP_NORESERVE) before main and touches a few hundred pages of it.
    const binary = join(work(), 'int-loop-asan');
    await execa('cc', ['-O1', '-g', '-fsanitize=address', '-o', binary, join(FIXTURE_SRC, 'int-loop.c')]);
    const dir = join(work(), 'asan');
    writeFileSync(join(work(), 'asan.commands'), 'checkpoint\ngdb delete\ncontinue\n');
    const env = { ...process.env, STEP_MS: '1', STEPS: '3', ASAN_OPTIONS: 'detect_leaks=0' }; // LeakSanitizer refuses to run under ptrace
    const run = await lapidary(['create', '--cmd', binary, '--breakpoints', 'step_done', '--commands', join(work(), 'asan.commands'), '--directory', dir, '--stdout', join(work(), 'asan.out')], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readFileSync(join(work(), 'asan.out'), 'utf8')).toBe(`${(await execa(binary, { env })).stdout}\n`);
    const cpt = readCheckpoint(join(dir, 'cpt.1'));
    const reserved = cpt.manifest.mappings.filter((m) => m.perms === 'rw-p' && BigInt(m.end) - BigInt(m.start) >= 1n << 40n);
    expect(reserved.length, 'the shadow mappings').toBeGreaterThan(0);
    expect(cpt.manifest.memory.pagesStored).toBeLessThan(100_000);
    expect(cpt.manifest.gem5.memSize).toBe(String(512n << 20n));
    expect(cpt.manifest.notes.join('\n')).toMatch(/leaves out the \d+ untouched pages \(\d+ MiB\) of MAP_NORESERVE mappings/);
  }, 300_000);
});
