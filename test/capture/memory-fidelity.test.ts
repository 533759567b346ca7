import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { checkpointNames, readCheckpoint } from '../helpers/checkpoints.js';
import { fixture } from '../helpers/paths.js';
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
    expect(readdirSync(dir), 'no cpt.1 and no .partial directory').toEqual([]);
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
