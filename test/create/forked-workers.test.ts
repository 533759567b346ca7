import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { CLI, fixture } from '../helpers/paths.js';
import { processesMatching, waitForNoProcess } from '../helpers/processes.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-workers-');
const WORKER = /build\/fixtures\/fork-worker$/;

// A failing test must not leave the fixture's endless workers behind for the next one.
afterEach(() => {
  for (const pid of processesMatching(WORKER)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
});

describe('processes the target forks do not outlive create (real gdb, a target that forks workers)', () => {
  it('normal completion: the worker left in the program\'s process group is killed when the program exits', async () => {
    const dir = join(work(), 'done');
    const run = await lapidary(['create', '--cmd', fixture('fork-worker'), '--interval', '0.1', '--directory', dir, '--stdout', '/dev/null'], {
      env: { ...process.env, WORKERS: 'group', STEPS: '6', STEP_MS: '40' },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/the program exited with status 0/);
    expect(await waitForNoProcess(WORKER)).toEqual([]);
  });

  it('--max-checkpoints: the program is killed with both workers, also the one that left its group (setsid)', async () => {
    const dir = join(work(), 'max');
    const run = await lapidary(['create', '--cmd', fixture('fork-worker'), '--interval', '0.1', '--directory', dir, '--max-checkpoints', '1', '--stdout', '/dev/null'], {
      env: { ...process.env, WORKERS: 'both', STEPS: '1000', STEP_MS: '40' },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/stopped after the last checkpoint/);
    expect(await waitForNoProcess(WORKER)).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s: the program and both workers are killed', async (signal) => {
    const dir = join(work(), `sig-${signal}`);
    const child = spawn(process.execPath, [CLI, 'create', '--cmd', fixture('fork-worker'), '--interval', '0.2', '--directory', dir, '--stdout', '/dev/null'], {
      env: { ...process.env, WORKERS: 'both', STEPS: '1000', STEP_MS: '40' }, stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 120_000;
    while (!existsSync(join(dir, 'cpt.1')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(processesMatching(WORKER).length).toBe(3); // the program and its two workers
    child.kill(signal);
    expect(await exited).toBe(130);
    expect(await waitForNoProcess(WORKER)).toEqual([]);
  });
});
