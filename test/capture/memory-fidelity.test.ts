import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
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
