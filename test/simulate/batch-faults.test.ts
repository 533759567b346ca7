import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { CLI, fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';
import { standinProcesses, writeStandin } from '../slurm/standin.js';

/**
 * Faults of one run that must not sink the other runs of a local batch, and batches that must
 * not be lost or doubled. gem5 is the stand-in of test/slurm/standin.ts (through GEM5): these
 * faults (a result line cut short, an info.json lapidary cannot write) are not ones real gem5
 * can be made to produce on demand. The checkpoints are real ones of the int-loop fixture.
 */
const work = testWorkDir('lapidary-batch-faults-');
let checkpoints: string;
let standin: ReturnType<typeof writeStandin>;
const env = () => ({ ...process.env, GEM5: standin.gem5 });

interface Row { id: string; status: string; failureKind?: string; failureDetail?: string; measurement?: { cpi: number } }
async function records(name: string): Promise<Row[]> {
  const listed = await lapidary(['runs', checkpoints, '--name', name, '--json'], { env: env() });
  expect(listed.exitCode, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as Row[];
}

/**
 * Stand-in gem5 processes of runs of `name`, without the children a stand-in forks for a moment
 * (a forked shell has its parent's command line until it execs).
 */
function gem5Processes(name: string): number[] {
  const all = standinProcesses(name);
  const parentOf = (pid: number): number => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return 0;
    }
  };
  return all.filter((pid) => !all.includes(parentOf(pid))).sort((a, b) => a - b);
}

/** Whether run `cpt` of `name` has info.json saying it is Running (written after the record). */
function running(name: string, cpt: string): boolean {
  try {
    return readFileSync(join(checkpoints, 'runs', name, cpt, 'info.json'), 'utf8').includes('"status": "Running"');
  } catch {
    return false;
  }
}

/** Wait until `check` holds (or `timeoutMs` passes); returns whether it held. */
async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

beforeAll(async () => {
  checkpoints = join(work(), 'cpts');
  standin = writeStandin(join(work(), 'standin'));
  const made = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.05', '--directory', checkpoints, '--max-checkpoints', '3', '--stdout', '/dev/null'], { env: { ...process.env, STEP_MS: '20' } });
  expect(made.exitCode, made.stderr).toBe(0);
}, 120_000);

describe('a local batch where one run fails in lapidary\'s own bookkeeping', () => {
  it('records a malformed result line and an unwritable info.json as Failed with the reason; the other run finishes', async () => {
    standin.behave('books', 'cpt.1', 'malformed-result');
    standin.behave('books', 'cpt.2', 'unwritable-info');
    standin.behave('books', 'cpt.3', 'slow');
    const run = await lapidary(['parallel-simulate', '-d', checkpoints, '-j', '3', '--name', 'books'], { env: env() });
    expect(run.stderr).not.toMatch(/LAPIDARY_INTERNAL/);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/books: 1 finished, 2 failed, 0 timed out, 0 killed/);
    const [first, second, third] = await records('books');
    expect(first).toMatchObject({ id: 'books-cpt.1', status: 'Failed', failureKind: 'result-unreadable' });
    expect(first!.failureDetail).toMatch(/lapidary-result line cannot be read .*"cause": "lapidary detailed reg/);
    expect(second).toMatchObject({ id: 'books-cpt.2', status: 'Failed', failureKind: 'bookkeeping' });
    expect(second!.failureDetail).toMatch(/could not record the end of this run in .*runs\/books\/cpt\.2: EISDIR.*info\.json/);
    expect(third).toMatchObject({ id: 'books-cpt.3', status: 'Finished', measurement: { cpi: standin.cpi('cpt.3') } });
    expect(gem5Processes('books')).toEqual([]);
  }, 120_000);
});

describe('a local batch killed with SIGKILL', () => {
  it('takes its gem5 runs with it; the next invocation records the runs it left underway as Killed and runs them again', async () => {
    for (const cpt of ['cpt.1', 'cpt.2', 'cpt.3']) standin.behave('sigkill', cpt, 'hang');
    const batch = execa('node', [CLI, 'parallel-simulate', '-d', checkpoints, '-j', '2', '--name', 'sigkill'], { env: env(), reject: false });
    expect(await until(() => gem5Processes('sigkill').length === 2 && ['cpt.1', 'cpt.2', 'cpt.3'].filter((c) => running('sigkill', c)).length === 2, 60_000)).toBe(true);
    batch.kill('SIGKILL');
    await batch;
    // no cleanup ran in lapidary: the kernel kills the gem5 runs (PR_SET_PDEATHSIG)
    expect(await until(() => gem5Processes('sigkill').length === 0, 10_000), `left running: ${gem5Processes('sigkill').join(' ')}`).toBe(true);
    expect((await records('sigkill')).map((r) => r.status).sort()).toEqual(['Running', 'Running', 'Spawning']);

    for (const cpt of ['cpt.1', 'cpt.2', 'cpt.3']) standin.behave('sigkill', cpt, 'finish');
    const again = await lapidary(['parallel-simulate', '-d', checkpoints, '-j', '2', '--name', 'sigkill'], { env: env() });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/3 runs of sigkill left underway by a batch that was killed \(cpt\.1, cpt\.2, cpt\.3\): recorded Killed, running them again/);
    expect(again.stderr).toMatch(/sigkill: 3 finished, 0 failed, 0 timed out, 0 killed, 0 skipped/);
    const rows = await records('sigkill');
    expect(rows.map((r) => [r.id, r.status, r.measurement?.cpi])).toEqual(['cpt.1', 'cpt.2', 'cpt.3'].map((c) => [`sigkill-${c}`, 'Finished', standin.cpi(c)]));
    // one statistics dump per run directory: nothing doubled
    for (const cpt of ['cpt.1', 'cpt.2', 'cpt.3']) {
      expect(readFileSync(join(checkpoints, 'runs', 'sigkill', cpt, 'stats.txt'), 'utf8').match(/Begin Simulation Statistics/g)).toHaveLength(1);
    }
  }, 180_000);
});

describe('two parallel-simulate of one configuration on one checkpoint directory', () => {
  it('refuses the second with the holder\'s pid and leaves the live runs and their directories alone; another --name may run', async () => {
    for (const cpt of ['cpt.1', 'cpt.2', 'cpt.3']) standin.behave('twice', cpt, 'hang');
    const first = execa('node', [CLI, 'parallel-simulate', '-d', checkpoints, '-j', '3', '--name', 'twice'], { env: env(), reject: false });
    expect(await until(() => gem5Processes('twice').length === 3 && ['cpt.1', 'cpt.2', 'cpt.3'].every((c) => running('twice', c)), 60_000)).toBe(true);
    const live = gem5Processes('twice');

    const second = await lapidary(['parallel-simulate', '-d', checkpoints, '-j', '3', '--name', 'twice', '--timeout', '20'], { env: env() });
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`error\\[LAPIDARY_BATCH_LOCKED\\]: another lapidary \\(pid ${first.pid} on .*\\) is running the twice runs of ${checkpoints}`));
    expect(second.stderr).toMatch(/hint: wait for it/);
    // the first batch's gem5 runs go on, in run directories nobody emptied
    expect(gem5Processes('twice')).toEqual(live);
    for (const cpt of ['cpt.1', 'cpt.2', 'cpt.3']) {
      expect(readFileSync(join(checkpoints, 'runs', 'twice', cpt, 'simerr.txt'), 'utf8')).toMatch(/stand-in gem5 for twice/);
    }
    expect((await records('twice')).map((r) => r.status)).toEqual(['Running', 'Running', 'Running']);

    const other = await lapidary(['parallel-simulate', '-d', checkpoints, '-j', '3', '--name', 'other'], { env: env() });
    expect(other.exitCode, other.stderr).toBe(0);

    first.kill('SIGINT');
    expect((await first).exitCode).toBe(130);
    expect(await until(() => gem5Processes('twice').length === 0, 10_000)).toBe(true);
    // the lock went with the first batch: a third one runs
    for (const cpt of ['cpt.1', 'cpt.2', 'cpt.3']) standin.behave('twice', cpt, 'finish');
    const third = await lapidary(['parallel-simulate', '-d', checkpoints, '-j', '3', '--name', 'twice'], { env: env() });
    expect(third.exitCode, third.stderr).toBe(0);
    expect(third.stderr).toMatch(/twice: 3 finished/);
  }, 180_000);
});

describe.skipIf(GEM5 === undefined)(`a local batch of real gem5 runs killed with SIGKILL${GEM5_SKIP_REASON}`, () => {
  it('leaves no gem5 running; the next invocation runs the killed runs to the end', async () => {
    const real = { ...process.env, GEM5: GEM5! };
    // 50 M warm-up instructions of o3: the runs are still going when lapidary is killed
    const batch = execa('node', [CLI, 'parallel-simulate', '-d', checkpoints, '-j', '2', '--cpu', 'o3', '--warmup-insts', '50000000', '--name', 'gem5kill'], { env: real, reject: false });
    expect(await until(() => gem5Processes('gem5kill').length === 2 && ['cpt.1', 'cpt.2', 'cpt.3'].filter((c) => running('gem5kill', c)).length === 2, 120_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    batch.kill('SIGKILL');
    await batch;
    expect(await until(() => gem5Processes('gem5kill').length === 0, 10_000), `gem5 left running: ${gem5Processes('gem5kill').join(' ')}`).toBe(true);
    const again = await lapidary(['parallel-simulate', '-d', checkpoints, '-j', '2', '--cpu', 'o3', '--warmup-insts', '10000', '--detail-insts', '20000', '--name', 'gem5kill'], { env: real, timeoutMs: 600_000 });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/3 runs of gem5kill left underway by a batch that was killed/);
    const listed = JSON.parse((await lapidary(['runs', checkpoints, '--name', 'gem5kill', '--json'], { env: real })).stdout) as Row[];
    expect(listed.map((r) => r.status)).toEqual(['Finished', 'Finished', 'Finished']);
    expect(listed.every((r) => r.measurement!.cpi > 0)).toBe(true);
  }, 900_000);
});
