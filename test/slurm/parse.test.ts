import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finalUpdate } from '../../src/simulate/collect.js';
import { parseWithBigints, stringifyWithBigints, type OutcomeFile } from '../../src/simulate/slurm/files.js';
import { describeState, readTaskLog, slurmOutcome } from '../../src/simulate/slurm/outcome.js';
import { expandArrayIndices, parseSacct } from '../../src/simulate/slurm/sacct.js';
import { batchScript, sbatchArgv, shellQuote, submissionLayout } from '../../src/simulate/slurm/script.js';
import { mergeStates } from '../../src/simulate/slurm/query.js';
import { parseSqueue } from '../../src/simulate/slurm/squeue.js';
import { finalKind, slurmTime, statePhase, type SlurmTaskState } from '../../src/simulate/slurm/states.js';

/**
 * The Slurm backend's pure parts: squeue/sacct output (lines as Slurm 22.05 printed them on the
 * test cluster), the state → outcome rules, and the generated sbatch command and script.
 */
const work = mkdtempSync(join(tmpdir(), 'lapidary-slurm-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('squeue and sacct output', () => {
  it('reads squeue --array --format=%F|%K|%T|%r|%S|%e|%N lines', () => {
    const tasks = parseSqueue([
      '2|0|COMPLETED|None|2026-11-21T10:08:51|2026-11-21T10:08:51|vm',
      '2|1|FAILED|NonZeroExitCode|2026-11-21T10:08:54|2026-11-21T10:08:54|vm',
      '2|3|PENDING|JobArrayTaskLimit|N/A|N/A|',
      '6|N/A|TIMEOUT|TimeLimit|2026-11-21T10:09:25|2026-11-21T10:10:42|vm',
    ].join('\n'));
    expect(tasks).toHaveLength(3);
    expect(tasks[1]).toEqual({ jobId: '2', taskId: '1', state: 'FAILED', reason: 'NonZeroExitCode', start: slurmTime('2026-11-21T10:08:54'), end: slurmTime('2026-11-21T10:08:54'), nodes: 'vm', source: 'squeue' });
    expect(tasks[2]).toEqual({ jobId: '2', taskId: '3', state: 'PENDING', reason: 'JobArrayTaskLimit', source: 'squeue' });
  });

  it('reads sacct --parsable2 lines: array tasks, unstarted ranges, CANCELLED by uid, steps skipped', () => {
    const tasks = parseSacct([
      '12_0|COMPLETED|0:0|None|2026-11-21T10:00:00|2026-11-21T10:00:05|n1',
      '12_0.batch|COMPLETED|0:0||2026-11-21T10:00:00|2026-11-21T10:00:05|n1',
      '12_1|CANCELLED by 0|0:15|None|2026-11-21T10:00:00|2026-11-21T10:00:09|n1',
      '12_1|OUT_OF_MEMORY|0:125|None|2026-11-21T10:00:00|2026-11-21T10:00:09|n1',
      '12_[2-3,5%2]|PENDING|0:0|JobArrayTaskLimit|Unknown|Unknown|None assigned',
    ].join('\n'));
    expect(tasks.map((t) => [t.taskId, t.state, t.by])).toEqual([['0', 'COMPLETED', undefined], ['1', 'CANCELLED', '0'], ['1', 'OUT_OF_MEMORY', undefined], ['2', 'PENDING', undefined], ['3', 'PENDING', undefined], ['5', 'PENDING', undefined]]);
    expect(tasks[2]).toMatchObject({ exitCode: '0:125', nodes: 'n1' });
    expect(tasks[3]!.nodes).toBeUndefined();
    expect(expandArrayIndices('0-6:2,9%3')).toEqual([0, 2, 4, 6, 9]);
  });

  it('merges squeue and sacct: sacct\'s final state and exit code win, a lagging sacct never undoes an end, forgotten tasks come from sacct', () => {
    const wanted = new Set(['7_0', '7_1', '7_2']);
    const merged = mergeStates(wanted,
      parseSqueue('7|0|FAILED|NonZeroExitCode|2026-11-21T10:00:00|2026-11-21T10:00:05|n1\n7|1|COMPLETED|None|2026-11-21T10:00:00|2026-11-21T10:00:05|n1'),
      parseSacct('7_0|OUT_OF_MEMORY|0:125|None|2026-11-21T10:00:00|2026-11-21T10:00:05|n1\n7_1|RUNNING|0:0|None|2026-11-21T10:00:00|Unknown|n1\n7_2|CANCELLED by 1000|0:0|None|Unknown|2026-11-21T09:00:00|None assigned\n8_0|COMPLETED|0:0|None|x|x|n1'));
    expect([...merged.keys()].sort()).toEqual(['7_0', '7_1', '7_2']);
    expect(merged.get('7_0')).toMatchObject({ state: 'OUT_OF_MEMORY', exitCode: '0:125', reason: 'NonZeroExitCode', source: 'sacct' });
    expect(merged.get('7_1')).toMatchObject({ state: 'COMPLETED', source: 'squeue' });
    expect(merged.get('7_2')).toMatchObject({ state: 'CANCELLED', by: '1000', source: 'sacct' });
  });

  it('sorts states into waiting, active and final, and final ones into what ends the run', () => {
    expect(['PENDING', 'REQUEUED', 'CONFIGURING'].map(statePhase)).toEqual(['waiting', 'waiting', 'waiting']);
    expect(['RUNNING', 'COMPLETING', 'SUSPENDED'].map(statePhase)).toEqual(['active', 'active', 'active']);
    expect(['COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'DEADLINE', 'BOOT_FAIL'].map(finalKind))
      .toEqual(['outcome', 'outcome', 'timeout', 'killed', 'failed', 'failed', 'killed', 'timeout', 'failed']);
    expect(slurmTime('N/A')).toBeUndefined();
    expect(slurmTime('Unknown')).toBeUndefined();
  });
});

describe('a final Slurm state → the run\'s outcome', () => {
  const state = (over: Partial<SlurmTaskState>): SlurmTaskState => ({ jobId: '12', taskId: '3', state: 'COMPLETED', nodes: 'n1', end: '2026-11-21T10:00:09.000Z', source: 'squeue', ...over });
  const outdir = join(work, 'run');
  const log = join(work, 'task.out');
  const outcome: OutcomeFile = {
    version: 1, task: 'o3-cpt.4', host: 'n1', startedAt: '2026-11-21T10:00:00.000Z', endedAt: '2026-11-21T10:00:08.500Z', signals: [],
    outcome: { cancelled: false, timedOut: false, durationMs: 8500, result: { cause: 'lapidary detailed region done', exitCode: 0, tick: 5, phases: [] }, exitCode: 0 },
  };
  const setUp = (logText: string, file?: OutcomeFile) => {
    rmSync(outdir, { recursive: true, force: true });
    writeFileSync(log, logText);
    if (file) {
      mkdirSync(outdir, { recursive: true });
      writeFileSync(join(outdir, 'outcome.json'), JSON.stringify(file));
    }
  };

  it('COMPLETED: gem5\'s own outcome from outcome.json, ended when run-task ended', async () => {
    setUp('lapidary run-task: o3-cpt.4: gem5 pid 7 on n1\n', outcome);
    const verdict = await slurmOutcome(state({}), outdir, log);
    expect(verdict).toEqual({ outcomeMissing: false, outcome: { ...outcome.outcome, endedAt: outcome.endedAt } });
  });

  it('TIMEOUT: timed out, with Slurm\'s message and the SIGUSR1 warning', async () => {
    setUp('slurmstepd-n1: error: *** JOB 15 ON n1 CANCELLED AT 2026-11-21T10:10:42 DUE TO TIME LIMIT ***\n', { ...outcome, signals: [{ signal: 'SIGUSR1', at: '2026-11-21T10:09:42.000Z' }] });
    const { outcome: timedOut } = await slurmOutcome(state({ state: 'TIMEOUT', reason: 'TimeLimit' }), outdir, log);
    expect(timedOut).toMatchObject({ timedOut: true, cancelled: false, endedAt: '2026-11-21T10:00:09.000Z', scheduler: { kind: 'slurm-timeout' } });
    expect(timedOut.scheduler!.detail).toBe("Slurm TIMEOUT (TimeLimit) on n1, job 12_3: *** JOB 15 ON n1 CANCELLED AT 2026-11-21T10:10:42 DUE TO TIME LIMIT *** (Slurm's SIGUSR1 warning came at 2026-11-21T10:09:42.000Z; gem5 dumped its statistics to stats.txt)");
    const { update } = await finalUpdate(outdir, timedOut, false);
    expect(update).toMatchObject({ status: 'Timeout', failureKind: 'slurm-timeout', endedAt: '2026-11-21T10:00:09.000Z' });
  });

  it('FAILED after exceeding --mem: Failed as slurm-out-of-memory even though run-task left an outcome', async () => {
    setUp('slurmstepd-n1: error: StepId=20.0 exceeded memory limit (1029353472 > 314572800), being killed\nslurmstepd-n1: error: Exceeded job memory limit\nsrun: error: n1: task 0: Killed\n', { ...outcome, outcome: { cancelled: false, timedOut: false, signal: 'SIGKILL' } });
    const { outcome: failed } = await slurmOutcome(state({ state: 'FAILED', reason: 'NonZeroExitCode' }), outdir, log);
    expect(failed.scheduler).toEqual({ kind: 'slurm-out-of-memory', detail: 'Slurm FAILED (NonZeroExitCode) on n1, job 12_3: StepId=20.0 exceeded memory limit (1029353472 > 314572800), being killed | Exceeded job memory limit | n1: task 0: Killed' });
    expect((await finalUpdate(outdir, failed, false)).update).toMatchObject({ status: 'Failed', failureKind: 'slurm-out-of-memory' });
  });

  it('NODE_FAIL, CANCELLED before the start, and FAILED without an outcome keep Slurm\'s own words', async () => {
    setUp('srun: error: Node failure on n1\n');
    expect((await slurmOutcome(state({ state: 'NODE_FAIL', reason: 'NodeDown' }), outdir, log)).outcome.scheduler).toEqual({ kind: 'slurm-node-fail', detail: 'Slurm NODE_FAIL (NodeDown) on n1, job 12_3: Node failure on n1' });
    setUp('');
    const cancelled = await slurmOutcome(state({ state: 'CANCELLED', by: '0', nodes: undefined }), outdir, log);
    expect(cancelled.outcome).toMatchObject({ cancelled: true, scheduler: { kind: 'slurm-cancelled', detail: 'Slurm CANCELLED by uid 0 before it started, job 12_3' } });
    setUp('/var/spool/slurmd/job00015/slurm_script: line 9: /opt/node/bin/node: No such file or directory\n');
    const failed = await slurmOutcome(state({ state: 'FAILED', reason: 'NonZeroExitCode', exitCode: '127:0' }), outdir, log);
    expect(failed.outcomeMissing).toBe(true);
    expect(failed.outcome.scheduler).toEqual({ kind: 'slurm-failed', detail: 'Slurm FAILED (NonZeroExitCode), exit code 127:0 on n1, job 12_3: /var/spool/slurmd/job00015/slurm_script: line 9: /opt/node/bin/node: No such file or directory' });
  });

  it('keeps Slurm lines apart from the task\'s own', async () => {
    writeFileSync(log, 'lapidary run-task: x\nslurmstepd-n1: error: A\nslurmstepd-n1: error: A\nsrun: error: B\n');
    expect(await readTaskLog(log)).toEqual({ slurm: ['A', 'B'], tail: ['lapidary run-task: x'] });
    expect(describeState({ jobId: '1', taskId: '0', state: 'RUNNING', source: 'squeue' }, [])).toBe('Slurm RUNNING, job 1_0');
  });
});

describe('collect: the scheduler\'s account of a run it ended', () => {
  it('replaces the generic wording for Killed and Timeout, and wins over gem5\'s failure for Failed', async () => {
    const scheduler = { kind: 'slurm-x', detail: 'said by Slurm' };
    expect((await finalUpdate(work, { cancelled: true, timedOut: false, scheduler }, false)).update).toMatchObject({ status: 'Killed', failureKind: 'slurm-x', failureDetail: 'said by Slurm' });
    expect((await finalUpdate(work, { cancelled: false, timedOut: true, scheduler }, false)).update).toMatchObject({ status: 'Timeout', failureKind: 'slurm-x' });
    expect((await finalUpdate(work, { cancelled: false, timedOut: false, scheduler, failure: { kind: 'signal', detail: 'gem5 was killed by SIGKILL', hint: '' } }, false)).update).toMatchObject({ status: 'Failed', failureKind: 'slurm-x' });
    // without one, the local pool's wording is unchanged
    expect((await finalUpdate(work, { cancelled: true, timedOut: false }, false)).update).toMatchObject({ status: 'Killed', failureKind: 'interrupted', failureDetail: 'stopped by the user (SIGINT/SIGTERM)' });
  });
});

describe('the generated submission', () => {
  it('sbatch arguments: array with throttle, per-index output, one CPU, the user\'s options last', () => {
    const layout = submissionLayout('/shared/cpts/slurm/o3/2026-11-21T10-00-00-000Z');
    expect(sbatchArgv(layout, 40, { partition: 'short', account: 'arch', time: '2:00:00', mem: '4G', maxConcurrent: 8, sbatchArgs: ['--qos=low'] }, 'o3')).toEqual([
      '--parsable', '--job-name=lapidary-o3', '--array=0-39%8', '--output=/shared/cpts/slurm/o3/2026-11-21T10-00-00-000Z/logs/%a.out',
      '--chdir=/shared/cpts/slurm/o3/2026-11-21T10-00-00-000Z', '--ntasks=1', '--cpus-per-task=1', '--partition=short', '--account=arch', '--time=2:00:00', '--mem=4G', '--signal=USR1@60', '--qos=low',
      '/shared/cpts/slurm/o3/2026-11-21T10-00-00-000Z/array.sbatch',
    ]);
    expect(sbatchArgv(submissionLayout('/a%b'), 1, { signalBeforeSeconds: 0 }, 'x')).toContain('--output=/a%%b/logs/%a.out');
    expect(sbatchArgv(submissionLayout('/a'), 1, { signalBeforeSeconds: 0 }, 'x').some((a) => a.startsWith('--signal'))).toBe(false);
  });

  it('the batch script runs run-task under srun with exec, quoting paths', () => {
    const script = batchScript(submissionLayout("/shared/it's here"), ['--parsable'], '/usr/bin/node', '/opt/lapidary/dist/cli/bin.js', '2026-11-21T10:00:00.000Z');
    expect(script).toContain(`task='/shared/it'\\''s here/tasks'/"\${SLURM_ARRAY_TASK_ID}".json`);
    expect(script).toContain('exec srun --ntasks=1 --kill-on-bad-exit=1 -- /usr/bin/node /opt/lapidary/dist/cli/bin.js run-task "$task"');
    expect(shellQuote('a b')).toBe("'a b'");
  });

  it('task files keep bigints exact', () => {
    const value = { memSize: 2n ** 62n, nested: [{ detail: 100000n }], text: 'x' };
    expect(parseWithBigints(stringifyWithBigints(value))).toEqual(value);
  });
});
