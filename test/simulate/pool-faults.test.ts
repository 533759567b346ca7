import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { CLI, fixture } from '../helpers/paths.js';
import { waitForNoProcess } from '../helpers/processes.js';

/**
 * Faults real gem5 cannot be made to produce on demand in CI: a gem5 that never ends. The
 * stand-in is a script that sleeps (style.md: "abort a run whose gem5 is sleep 1000 and assert
 * no such process remains"). Real-gem5 failures are in parallel-simulate.gem5.test.ts.
 * The script execs a private copy of sleep, so that the check for survivors does not see the
 * sleeps of other test files running at the same time (Slurm's stand-in tasks sleep too).
 */
const work = mkdtempSync(join(tmpdir(), 'lapidary-pool-'));
const fakeGem5 = join(work, 'gem5.opt');
const fakeSleep = join(work, 'stand-in-gem5-sleep');
const checkpoints = join(work, 'cpts');
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  copyFileSync('/usr/bin/sleep', fakeSleep);
  chmodSync(fakeSleep, 0o755);
  writeFileSync(fakeGem5, `#!/bin/sh\n# stands in for a gem5 that never ends; its arguments are ignored\nexec ${fakeSleep} 1000\n`);
  chmodSync(fakeGem5, 0o755);
  const made = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.05', '--directory', checkpoints, '--max-checkpoints', '3', '--stdout', '/dev/null'], { env: { ...process.env, STEP_MS: '20' } });
  expect(made.exitCode, made.stderr).toBe(0);
});

const env = () => ({ ...process.env, GEM5: fakeGem5 });
const fakeRunning = /stand-in-gem5-sleep$/;

describe('parallel-simulate failures that never sink the batch (stand-in gem5)', () => {
  it('records a run past --timeout as Timeout, kills it, and goes on with the others', async () => {
    const run = await lapidary(['parallel-simulate', '-d', checkpoints, '-j', '2', '--timeout', '1', '--name', 'slow'], { env: env() });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/slow: 0 finished, 0 failed, 3 timed out, 0 killed, 0 skipped/);
    const listed = await lapidary(['runs', checkpoints, '--json'], { env: env() });
    const records = JSON.parse(listed.stdout) as Array<{ id: string; status: string; failureKind?: string; outdir: string }>;
    expect(records.map((r) => [r.id, r.status])).toEqual([['slow-cpt.1', 'Timeout'], ['slow-cpt.2', 'Timeout'], ['slow-cpt.3', 'Timeout']]);
    const info = JSON.parse(readFileSync(join(records[0]!.outdir, 'info.json'), 'utf8')) as { status: string; elapsedSeconds: number; command: string[] };
    expect(info.status).toBe('Timeout');
    expect(info.elapsedSeconds).toBeGreaterThanOrEqual(0.9);
    expect(info.command[0]).toBe(fakeGem5);
    expect(await waitForNoProcess(fakeRunning)).toEqual([]);
  });

  it('stops cleanly on SIGINT: gem5 children killed, runs marked Killed, exit status 130', async () => {
    const child = execa('node', [CLI, 'parallel-simulate', '-d', checkpoints, '-j', '2', '--name', 'interrupted'], { env: env(), reject: false });
    const deadline = Date.now() + 20_000;
    const running = () => existsSync(join(checkpoints, 'runs', 'interrupted', 'cpt.2', 'info.json'))
      && readFileSync(join(checkpoints, 'runs', 'interrupted', 'cpt.2', 'info.json'), 'utf8').includes('"Running"');
    while (!running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/error\[LAPIDARY_INTERRUPTED\]/);
    const listed = await lapidary(['runs', checkpoints, '--name', 'interrupted', '--json'], { env: env() });
    const statuses = (JSON.parse(listed.stdout) as Array<{ status: string }>).map((r) => r.status);
    expect(statuses).toEqual(['Killed', 'Killed', 'Killed']);
    expect(await waitForNoProcess(fakeRunning)).toEqual([]);
  });

  it('says clearly when gem5 cannot be found', async () => {
    const run = await lapidary(['parallel-simulate', '-d', checkpoints], { env: { ...process.env, GEM5: join(work, 'missing') }, cwd: '/' });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/error\[LAPIDARY_GEM5_NOT_FOUND\]: no executable gem5\.opt found/);
  });
});
