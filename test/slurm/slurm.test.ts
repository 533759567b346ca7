import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { CLI, fixture } from '../helpers/paths.js';
import { SLURM_AVAILABLE, SLURM_SKIP_REASON, startSlurmCluster, type SlurmCluster } from '../helpers/slurm.js';
import { standinProcesses, writeStandin } from './standin.js';

/**
 * `parallel-simulate --executor slurm` against a real one-node Slurm cluster (munged, slurmctld,
 * slurmd started by test/helpers/slurm.ts), with a stand-in gem5 (./standin.ts) so submission,
 * state tracking, Slurm's own failures, cancellation and resubmission are proven without gem5.
 * The gem5 half is slurm-gem5.test.ts.
 */

interface Record {
  id: string; status: string; checkpoint: string; outdir: string; executor: string;
  jobId?: string; taskId?: string; startedAt?: string; endedAt?: string;
  failureKind?: string; failureDetail?: string; exitCause?: string; measurement?: { cpi: number };
}

let work: string;
let checkpoints: string;
let standin: ReturnType<typeof writeStandin>;
let cluster: SlurmCluster;

beforeAll(async () => {
  if (!SLURM_AVAILABLE) return;
  work = mkdtempSync(join(tmpdir(), 'lapidary-slurm-test-'));
  checkpoints = join(work, 'cpts');
  standin = writeStandin(join(work, 'standin'));
  cluster = await startSlurmCluster();
  const made = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.05', '--directory', checkpoints, '--max-checkpoints', '3', '--stdout', '/dev/null'], { env: { ...process.env, STEP_MS: '20' } });
  expect(made.exitCode, made.stderr).toBe(0);
});

afterAll(async () => {
  if (cluster !== undefined) expect(await cluster.stop()).toEqual([]);
  if (work !== undefined && process.env.KEEP !== '1') rmSync(work, { recursive: true, force: true });
});

const env = (): NodeJS.ProcessEnv => ({ ...cluster.env, GEM5: standin.gem5 });
const slurmRun = (name: string, ...extra: string[]) => ['parallel-simulate', '-d', checkpoints, '--name', name, '--executor', 'slurm', '--poll-interval', '1', ...extra];

async function records(name: string): Promise<Record[]> {
  const listed = await lapidary(['runs', checkpoints, '--name', name, '--json'], { env: env() });
  expect(listed.exitCode, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as Record[];
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${cluster.logs()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Start parallel-simulate in the background; resolves to its result when it ends. */
function background(args: string[]) {
  return execa('node', [CLI, ...args], { env: env(), reject: false, stdin: 'ignore', timeout: 300_000 });
}

const runningRecord = (name: string, checkpoint: string) =>
  waitFor(`${name} ${checkpoint} Running`, async () => (await records(name)).find((r) => r.checkpoint === checkpoint && r.status === 'Running'));

describe(`Slurm executor against a real one-node cluster (stand-in gem5)${SLURM_SKIP_REASON}`, () => {
  describe.skipIf(!SLURM_AVAILABLE)('alone on the node', () => {
    it('records a node failure with Slurm\'s message; the rest of the array completes', async () => {
      standin.behave('nodefail', 'cpt.1', 'hang');
      const run = background(slurmRun('nodefail', '--max-concurrent', '1', '--sbatch-arg=--no-requeue'));
      await runningRecord('nodefail', 'cpt.1');
      const down = await cluster.run('scontrol', ['update', `NodeName=${cluster.node}`, 'State=DOWN', 'Reason=lapidary test: node failure']);
      expect(down.exitCode, down.stderr).toBe(0);
      await new Promise((r) => setTimeout(r, 2000));
      await cluster.run('scontrol', ['update', `NodeName=${cluster.node}`, 'State=RESUME']); // ReturnToService=2 may have done it already
      await cluster.waitForNode(/^(idle|mix|alloc)/);
      const result = await run;
      expect(result.exitCode, String(result.stderr)).toBe(1);
      const [first, ...rest] = await records('nodefail');
      expect(first).toMatchObject({ status: 'Failed', failureKind: 'slurm-node-fail', jobId: expect.stringMatching(/^\d+$/), taskId: '0' });
      expect(first!.failureDetail).toMatch(/^Slurm NODE_FAIL \(NodeDown\) on \w+, job \d+_0: .*node failure/i);
      expect(rest.map((r) => [r.status, r.measurement?.cpi])).toEqual([['Finished', standin.cpi('cpt.2')], ['Finished', standin.cpi('cpt.3')]]);
      expect(standinProcesses('nodefail')).toEqual([]);
    }, 180_000);

    it('follows a task Slurm requeued (scontrol requeue) through its second attempt, which starts from a freshly prepared run directory', async () => {
      standin.behave('requeue', 'cpt.2', 'hang');
      const run = background(slurmRun('requeue', '--max-concurrent', '1'));
      const second = await runningRecord('requeue', 'cpt.2');
      // the task's own job id (an array task that started has one; the array's id names the rest)
      const own = await waitFor('the running task\'s own job id', async () => {
        const listed = (await cluster.run('squeue', ['--noheader', '--array', '--format=%A %i %T'])).stdout;
        return /^(\d+) \S+_1 RUNNING$/m.exec(listed)?.[1];
      });
      await waitFor('the first attempt writing its run directory', async () => (existsSync(join(second.outdir, 'simerr.txt')) ? true : undefined));
      standin.behave('requeue', 'cpt.2', 'finish'); // the second attempt finishes
      const requeue = await cluster.run('scontrol', ['requeue', own]);
      expect(requeue.exitCode, requeue.stderr).toBe(0);
      // Slurm holds a requeued job for a while (BeginTime); once it is back in the queue, let it start at once
      await waitFor('the requeued task pending', async () => {
        const listed = (await cluster.run('squeue', ['--noheader', '--array', `--jobs=${own}`, '--format=%T %r'])).stdout.trim();
        return listed === 'PENDING BeginTime' ? true : undefined;
      });
      // meanwhile the record is back to waiting in the queue
      await waitFor('the record back to Spawning', async () => ((await records('requeue')).find((r) => r.checkpoint === 'cpt.2')?.status === 'Spawning' ? true : undefined));
      const release = await cluster.run('scontrol', ['update', `JobId=${own}`, 'StartTime=now']);
      expect(release.exitCode, release.stderr).toBe(0);
      const result = await run;
      expect(result.exitCode, String(result.stderr)).toBe(0);
      expect(String(result.stderr)).toMatch(/Slurm requeued requeue-cpt\.2 \(job \d+_1, PENDING\)/);
      const all = await records('requeue');
      expect(all.map((r) => [r.status, r.taskId, r.measurement?.cpi])).toEqual([
        ['Finished', '0', standin.cpi('cpt.1')], ['Finished', '1', standin.cpi('cpt.2')], ['Finished', '2', standin.cpi('cpt.3')],
      ]);
      const outcome = JSON.parse(readFileSync(join(second.outdir, 'outcome.json'), 'utf8')) as { restarts?: number };
      expect(outcome.restarts).toBe(1);
      expect(readFileSync(join(second.outdir, 'simerr.txt'), 'utf8')).toMatch(/^stand-in gem5 for requeue cpt\.2: finish$/m);
      const submission = readdirSync(join(checkpoints, 'slurm', 'requeue'))[0]!;
      expect(readFileSync(join(checkpoints, 'slurm', 'requeue', submission, 'logs', '1.out'), 'utf8')).toMatch(/Slurm restarted this task \(1\); preparing \S+ again/);
      expect(standinProcesses('requeue')).toEqual([]);
    }, 180_000);
  });

  describe.skipIf(!SLURM_AVAILABLE).concurrent('sharing the node', () => {
    it('submits one array, follows it Spawning → Running → Finished with job and task ids, and collects results exactly as the local pool', async () => {
      standin.behave('pool', 'cpt.3', 'fail');
      standin.behave('array', 'cpt.3', 'fail');
      const local = await lapidary(['parallel-simulate', '-d', checkpoints, '--name', 'pool', '-j', '2'], { env: env() });
      expect(local.exitCode, local.stderr).toBe(1);

      const submitter = background(slurmRun('array', '--max-concurrent', '1'));
      await waitFor('a job id on the records', async () => ((await records('array')).every((r) => r.jobId !== undefined) ? true : undefined));
      const watch = execa('node', [CLI, 'runs', checkpoints, '--name', 'array', '--watch', '--interval', '0.5'], { env: env(), reject: false, stdin: 'ignore', timeout: 200_000 });
      const [result, watched] = await Promise.all([submitter, watch]);
      expect(result.exitCode, String(result.stderr)).toBe(1);
      expect(String(result.stderr)).toMatch(/submitted Slurm array \d+ \(3 runs\)/);
      expect(String(result.stderr)).toMatch(/array: 2 finished, 1 failed, 0 timed out, 0 killed, 0 skipped/);
      // --watch redrew the table as Slurm moved the tasks on, and stopped by itself once none was pending or running
      expect(watched.exitCode).toBe(0);
      const tables = String(watched.stdout).split('\n\n');
      expect(tables.length).toBeGreaterThan(1);
      expect(tables[0]).toMatch(/Spawning/);
      expect(tables[tables.length - 1]).toMatch(/2 Finished, 1 Failed/);
      expect(tables[tables.length - 1]).not.toMatch(/Spawning|Running/);

      const slurm = await records('array');
      const pool = await records('pool');
      const jobId = slurm[0]!.jobId!;
      expect(slurm.map((r) => [r.executor, r.jobId, r.taskId])).toEqual([['slurm', jobId, '0'], ['slurm', jobId, '1'], ['slurm', jobId, '2']]);
      for (const r of slurm) expect(Date.parse(r.endedAt!)).toBeGreaterThanOrEqual(Date.parse(r.startedAt!));
      // same statuses, causes and failure lines as the local pool
      const shape = (r: Record) => [r.checkpoint, r.status, r.exitCause, r.failureKind, r.failureDetail, r.measurement?.cpi];
      expect(slurm.map(shape)).toEqual(pool.map(shape));
      expect(slurm[2]).toMatchObject({ status: 'Failed', failureKind: 'panic', failureDetail: 'panic: stand-in gem5 failed on cpt.3' });
      // the same files in each run directory, plus outcome.json
      for (const [s, p] of slurm.map((r, i) => [r, pool[i]!] as const)) {
        expect(readdirSync(s.outdir).sort()).toEqual([...readdirSync(p.outdir), 'outcome.json'].sort());
        if (existsSync(join(p.outdir, 'stats.txt'))) expect(readFileSync(join(s.outdir, 'stats.txt'), 'utf8')).toEqual(readFileSync(join(p.outdir, 'stats.txt'), 'utf8'));
      }
      // lapidary report cannot tell them apart
      const report = await lapidary(['report', checkpoints, '--name', 'pool', '--name', 'array', '--format', 'csv', '--no-plot'], { env: env() });
      expect(report.exitCode, report.stderr).toBe(0);
      const rows = report.stdout.trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
      const byName = (prefix: string) => rows.filter((r) => r[0]!.startsWith(prefix)).map((r) => r.slice(1));
      expect(byName('array-')).toEqual(byName('pool-'));
      // the generated batch script and the submission record, in the checkpoint directory
      const submissions = readdirSync(join(checkpoints, 'slurm', 'array'));
      expect(submissions).toHaveLength(1);
      const dir = join(checkpoints, 'slurm', 'array', submissions[0]!);
      const script = readFileSync(join(dir, 'array.sbatch'), 'utf8');
      expect(script).toMatch(/sbatch --parsable --job-name=lapidary-array --array=0-2%1 --output=\S+\/logs\/%a\.out --chdir=\S+ --ntasks=1 --cpus-per-task=1 /);
      expect(script).toMatch(/--signal=USR1@60/);
      expect(script).toMatch(/exec srun .* run-task "\$task"/);
      expect(JSON.parse(readFileSync(join(dir, 'submission.json'), 'utf8'))).toMatchObject({ jobId, name: 'array', tasks: [{ index: 0, id: 'array-cpt.1' }, { index: 1 }, { index: 2 }] });
      expect(readFileSync(join(dir, 'logs', '0.out'), 'utf8')).toMatch(/run-task: array-cpt\.1: gem5 ended: lapidary detailed region done/);
    }, 240_000);

    it('records a task Slurm killed at its time limit as Timeout with Slurm\'s message, after gem5 got SIGUSR1 and dumped its statistics; the rest completes', async () => {
      standin.behave('limit', 'cpt.2', 'hang');
      const result = await lapidary(slurmRun('limit', '--time', '1', '--signal-before', '10'), { env: env(), timeoutMs: 280_000 });
      expect(result.exitCode, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/limit: 2 finished, 0 failed, 1 timed out, 0 killed/);
      const [one, two, three] = await records('limit');
      expect([one!.status, three!.status]).toEqual(['Finished', 'Finished']);
      expect(two).toMatchObject({ status: 'Timeout', failureKind: 'slurm-timeout' });
      expect(two!.failureDetail).toMatch(/^Slurm TIMEOUT \(TimeLimit\) on \w+, job \d+_1: .*DUE TO TIME LIMIT/);
      expect(two!.failureDetail).toMatch(/SIGUSR1 warning came at .*gem5 dumped its statistics/);
      // the stand-in answered Slurm's SIGUSR1 exactly as gem5 does: one statistics dump
      expect(readFileSync(join(two!.outdir, 'simerr.txt'), 'utf8')).toMatch(/stand-in: SIGUSR1: statistics dumped/);
      expect(readFileSync(join(two!.outdir, 'stats.txt'), 'utf8').match(/Begin Simulation Statistics/g)).toHaveLength(1);
      const outcome = JSON.parse(readFileSync(join(two!.outdir, 'outcome.json'), 'utf8')) as { signals: Array<{ signal: string }> };
      expect(outcome.signals.map((s) => s.signal)).toEqual(['SIGUSR1', 'SIGTERM']);
      expect(standinProcesses('limit')).toEqual([]);
    }, 280_000);

    it('lapidary cancel runs scancel and marks the records Killed; re-invoking resubmits only what is not Finished', async () => {
      standin.behave('cancelled', 'cpt.2', 'hang');
      standin.behave('cancelled', 'cpt.3', 'hang');
      const first = background(slurmRun('cancelled', '--max-concurrent', '1'));
      await runningRecord('cancelled', 'cpt.2');
      const cancel = await lapidary(['cancel', checkpoints, '--name', 'cancelled'], { env: env() });
      expect(cancel.exitCode, cancel.stderr).toBe(0);
      expect(cancel.stderr).toMatch(/cancelled Slurm array \d+ of cancelled: 2 runs Killed/);
      const followed = await first;
      expect(followed.exitCode).toBe(1);
      const after = await records('cancelled');
      expect(after.map((r) => r.status)).toEqual(['Finished', 'Killed', 'Killed']);
      expect(after[1]!.failureKind).toMatch(/^slurm-cancelled$/);
      expect(after[1]!.failureDetail).toMatch(/Slurm CANCELLED|scancel/);
      expect(standinProcesses('cancelled')).toEqual([]);
      const firstJob = after[0]!.jobId;

      standin.behave('cancelled', 'cpt.2', 'finish');
      standin.behave('cancelled', 'cpt.3', 'finish');
      const again = await lapidary(slurmRun('cancelled'), { env: env() });
      expect(again.exitCode, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/submitted Slurm array \d+ \(2 runs\)/);
      expect(again.stderr).toMatch(/cancelled: 2 finished, 0 failed, 0 timed out, 0 killed, 1 skipped/);
      const resubmitted = await records('cancelled');
      expect(resubmitted.map((r) => [r.status, r.measurement?.cpi])).toEqual(['cpt.1', 'cpt.2', 'cpt.3'].map((c) => ['Finished', standin.cpi(c)]));
      expect(resubmitted[0]!.jobId).toBe(firstJob);
      expect(resubmitted[1]!.jobId).not.toBe(firstJob);
      expect(resubmitted.slice(1).map((r) => r.taskId)).toEqual(['0', '1']);
    }, 240_000);

    it('records one task cancelled with scancel by hand as Killed with Slurm\'s message; the rest of the array completes', async () => {
      standin.behave('scancelled', 'cpt.2', 'hang');
      const run = background(slurmRun('scancelled'));
      const target = await runningRecord('scancelled', 'cpt.2');
      const scancel = await cluster.run('scancel', [`${target.jobId}_${target.taskId}`]);
      expect(scancel.exitCode, scancel.stderr).toBe(0);
      const result = await run;
      expect(result.exitCode, String(result.stderr)).toBe(1);
      const [one, two, three] = await records('scancelled');
      expect([one!.status, three!.status]).toEqual(['Finished', 'Finished']);
      expect(two).toMatchObject({ status: 'Killed', failureKind: 'slurm-cancelled' });
      expect(two!.failureDetail).toMatch(/^Slurm CANCELLED on \w+, job \d+_1: \*\*\* (JOB|STEP) \d+(\.0)? ON \w+ CANCELLED AT /);
      expect(standinProcesses('scancelled')).toEqual([]);
    }, 180_000);

    it('stops on SIGINT: scancel, every unfinished run Killed, exit status 130, no task left running', async () => {
      for (const cpt of ['cpt.1', 'cpt.2', 'cpt.3']) standin.behave('sigint', cpt, 'hang');
      const run = background(slurmRun('sigint'));
      await runningRecord('sigint', 'cpt.1');
      run.kill('SIGINT');
      const result = await run;
      expect(result.exitCode).toBe(130);
      expect(String(result.stderr)).toMatch(/scancel \d+ cancelled the rest of the array/);
      const after = await records('sigint');
      expect(after.map((r) => r.status)).toEqual(['Killed', 'Killed', 'Killed']);
      expect(after[0]!.failureDetail).toMatch(/stopped by the user \(SIGINT\/SIGTERM\); scancel \d+ cancelled/);
      await waitFor('the cancelled tasks ending', async () => (standinProcesses('sigint').length === 0 ? true : undefined), 30_000);
      await waitFor('Slurm reporting every task CANCELLED', async () => {
        const squeue = await cluster.run('squeue', ['--noheader', '--array', '--states=all', `--jobs=${after[0]!.jobId}`, '--format=%T']);
        return squeue.stdout.trim().split('\n').every((state) => state === 'CANCELLED') ? true : undefined;
      }, 30_000);
    }, 180_000);

    it('records a task Slurm killed for exceeding --mem as Failed with Slurm\'s message; the rest completes', async () => {
      standin.behave('memory', 'cpt.1', 'oom');
      const result = await lapidary(slurmRun('memory', '--mem', '300M'), { env: env() });
      expect(result.exitCode, result.stderr).toBe(1);
      const [one, ...rest] = await records('memory');
      expect(one).toMatchObject({ status: 'Failed', failureKind: 'slurm-out-of-memory' });
      expect(one!.failureDetail).toMatch(/^Slurm (FAILED|OUT_OF_MEMORY).*job \d+_0: .*exceeded (job )?memory limit/i);
      expect(rest.map((r) => r.status)).toEqual(['Finished', 'Finished']);
    }, 180_000);

    it('records a refused submission with sbatch\'s own message, and a missing sbatch as such; nothing is lost', async () => {
      const refused = await lapidary(slurmRun('refused', '--partition', 'nosuch'), { env: env() });
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toMatch(/sbatch did not submit the array of 3 runs: sbatch: error: invalid partition specified: nosuch/);
      const rejected = await records('refused');
      expect(rejected.map((r) => [r.status, r.failureKind])).toEqual([['Failed', 'slurm-submit-failed'], ['Failed', 'slurm-submit-failed'], ['Failed', 'slurm-submit-failed']]);
      expect(rejected[0]!.failureDetail).toMatch(/Invalid partition name specified/);

      const emptyBin = join(work, 'no-slurm-bin');
      mkdirSync(emptyBin, { recursive: true });
      const missing = await execa(process.execPath, [CLI, ...slurmRun('nosbatch')], { env: { ...env(), PATH: emptyBin }, extendEnv: false, reject: false, stdin: 'ignore' });
      expect(missing.exitCode).toBe(1);
      const lost = await records('nosbatch');
      expect(lost.map((r) => r.status)).toEqual(['Failed', 'Failed', 'Failed']);
      expect(lost[0]!.failureDetail).toMatch(/sbatch not found on PATH/);
      // the runs are recorded and resubmitted once Slurm is reachable
      const resubmitted = await lapidary(slurmRun('nosbatch'), { env: env() });
      expect(resubmitted.exitCode, resubmitted.stderr).toBe(0);
      expect((await records('nosbatch')).map((r) => r.status)).toEqual(['Finished', 'Finished', 'Finished']);
      expect(existsSync(join(checkpoints, 'slurm', 'nosbatch'))).toBe(true);
    }, 180_000);
  });
});
