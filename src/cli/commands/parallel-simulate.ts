import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { InterruptedError, UsageError } from '../../errors.js';
import type { Executor } from '../../simulate/executor.js';
import { RunStore } from '../../simulate/records.js';
import { SlurmExecutor, syncSlurmRuns } from '../../simulate/slurm/index.js';
import { loadConfig } from '../../config/load.js';
import { DEFAULT_CACHES } from '../../gem5/run/invocation.js';
import { locateGem5 } from '../../gem5/run/locate.js';
import { runBatch } from '../../simulate/batch.js';
import { LocalPoolExecutor } from '../../simulate/local-pool.js';
import type { RunParameters } from '../../simulate/run-types.js';
import { defineCommand } from '../command.js';
import { println, type CliIo } from '../io.js';
import { ProgressBar } from '../progress.js';

export const parallelSimulateCommand = defineCommand({
  command: 'parallel-simulate',
  describe: 'simulate every checkpoint of a directory in gem5 (SMARTS-style samples) on a local worker pool or as a Slurm job array',
  builder: (y) =>
    y
      .option('checkpoint-dir', { alias: 'd', type: 'string', demandOption: true, describe: 'directory of cpt.N checkpoints' })
      .option('jobs', { alias: 'j', type: 'number', describe: 'gem5 runs at once (default: the number of cores)' })
      .option('warmup-insts', { type: 'number', describe: 'detailed warm-up instructions per sample (default 5000000)' })
      .option('detail-insts', { type: 'number', describe: 'measured instructions per sample (default 100000)' })
      .option('cpu', { choices: ['o3', 'minor', 'timing'] as const, describe: 'detailed CPU model (default o3)' })
      .option('caches', { type: 'string', describe: `cache geometry (default ${DEFAULT_CACHES})` })
      .option('name', { type: 'string', describe: 'configuration name the runs are recorded and compared under (default: the CPU model)' })
      .option('timeout', { type: 'number', describe: 'seconds after which a gem5 run is killed and recorded as Timeout' })
      .option('rerun', { type: 'boolean', default: false, describe: 'run again even identical runs that already finished' })
      .option('confidence', { type: 'number', default: 0.95, describe: 'confidence level of the running CPI estimate' })
      .option('config', { alias: 'c', type: 'string', describe: 'lapidary.yaml (default: the first one found upward from here)' })
      .option('executor', { choices: ['local', 'slurm'] as const, default: 'local' as const, describe: 'where gem5 runs: a local worker pool, or one Slurm job array (task per checkpoint)' })
      .option('partition', { type: 'string', describe: 'Slurm: sbatch --partition' })
      .option('account', { type: 'string', describe: 'Slurm: sbatch --account' })
      .option('time', { type: 'string', describe: 'Slurm: per-task time limit, sbatch --time (e.g. 30, 2:00:00, 1-00)' })
      .option('mem', { type: 'string', describe: 'Slurm: per-task memory, sbatch --mem (e.g. 4G)' })
      .option('max-concurrent', { type: 'number', describe: 'Slurm: at most this many tasks of the array at once (--array=…%K)' })
      .option('sbatch-arg', { type: 'array', string: true, default: [] as string[], describe: 'Slurm: one more sbatch argument, repeatable (write --sbatch-arg=--qos=short)' })
      .option('signal-before', { type: 'number', default: 60, describe: 'Slurm: seconds before the time limit at which gem5 gets SIGUSR1 and dumps its statistics (0: none)' })
      .option('poll-interval', { type: 'number', default: 10, describe: 'Slurm: seconds between squeue/sacct polls' }),
  run: async (args, io: CliIo) => {
    const config = await loadConfig(args.config === undefined ? undefined : resolve(io.cwd, args.config), io.cwd);
    const defaults = config.simulation ?? {};
    const jobs = args.jobs ?? defaults.jobs ?? availableParallelism();
    const cpu = args.cpu ?? (defaults.cpu === 'atomic' || defaults.cpu === undefined ? 'o3' : defaults.cpu);
    const params: RunParameters = {
      cpu,
      caches: args.caches ?? defaults.caches ?? DEFAULT_CACHES,
      warmupInsts: BigInt(args['warmup-insts'] ?? defaults.warmup_insts ?? 5_000_000),
      detailInsts: BigInt(args['detail-insts'] ?? defaults.detail_insts ?? 100_000),
      ...(args.timeout ?? defaults.timeout ? { timeoutSeconds: args.timeout ?? defaults.timeout } : {}),
    };
    if (!(Number.isInteger(jobs) && jobs > 0)) throw new UsageError(`-j must be a positive integer, got ${jobs}`);
    if (params.detailInsts <= 0n || params.warmupInsts < 0n) throw new UsageError('--detail-insts must be positive and --warmup-insts not negative');
    const checkpointDir = resolve(io.cwd, args['checkpoint-dir']);
    const name = args.name ?? cpu;
    const gem5 = locateGem5(config.gem5_path, io.env);
    await refuseWhileQueued(checkpointDir, name, io);
    const bar = new ProgressBar(io.stderr, (io.stderr as { isTTY?: boolean }).isTTY === true);
    const { executor, where, slots } = chooseExecutor(args, { checkpointDir, name, jobs, io, bar });
    println(io.stderr, `lapidary: ${name}: ${params.cpu} CPU, caches ${params.caches}, ${params.warmupInsts} warm-up + ${params.detailInsts} measured instructions per checkpoint, ${where}`);
    const { records, skipped } = await runBatch({
      checkpointDir, name, params, gem5, executor, jobs: slots, rerun: args.rerun,
      confidence: args.confidence, signal: io.signal, onProgress: (p) => bar.update(p),
      onNotice: (line) => {
        bar.finish();
        println(io.stderr, `lapidary: ${line}`);
      },
    });
    bar.finish();
    const count = (status: string) => records.filter((r) => r.status === status).length;
    println(io.stderr, `lapidary: ${name}: ${count('Finished')} finished, ${count('Failed')} failed, ${count('Timeout')} timed out, ${count('Killed')} killed, ${skipped.length} skipped (already finished)`);
    if (io.signal.aborted) throw new InterruptedError('interrupted; finished runs are kept and the next invocation resumes with the rest');
    println(io.stderr, `lapidary: lapidary report ${checkpointDir} --name ${name}`);
    return records.some((r) => r.status !== 'Finished') ? 1 : 0;
  },
});

interface ExecutorArgs {
  executor: 'local' | 'slurm';
  partition?: string | undefined;
  account?: string | undefined;
  time?: string | undefined;
  mem?: string | undefined;
  'max-concurrent'?: number | undefined;
  'sbatch-arg': string[];
  'signal-before': number;
  'poll-interval': number;
}

const SLURM_ONLY = ['partition', 'account', 'time', 'mem', 'max-concurrent'] as const;

/** The executor the options ask for, how to describe it, and how many runs it runs at once (for the ETA). */
function chooseExecutor(
  args: ExecutorArgs,
  context: { checkpointDir: string; name: string; jobs: number; io: CliIo; bar: ProgressBar },
): { executor: Executor; where: string; slots: number } {
  if (args.executor === 'local') {
    const given: string[] = [...SLURM_ONLY.filter((o) => args[o] !== undefined), ...(args['sbatch-arg'].length > 0 ? ['sbatch-arg'] : [])];
    if (given.length > 0) throw new UsageError(`${given.map((o) => `--${o}`).join(', ')} ${given.length === 1 ? 'applies' : 'apply'} only to --executor slurm`);
    return { executor: new LocalPoolExecutor(context.jobs), where: `${context.jobs} at a time`, slots: context.jobs };
  }
  const maxConcurrent = args['max-concurrent'];
  if (maxConcurrent !== undefined && !(Number.isInteger(maxConcurrent) && maxConcurrent > 0)) throw new UsageError(`--max-concurrent must be a positive integer, got ${maxConcurrent}`);
  if (!(args['poll-interval'] > 0)) throw new UsageError(`--poll-interval must be positive, got ${args['poll-interval']}`);
  if (!(Number.isInteger(args['signal-before']) && args['signal-before'] >= 0 && args['signal-before'] <= 65535)) {
    throw new UsageError(`--signal-before must be a whole number of seconds from 0 to 65535 (sbatch --signal), got ${args['signal-before']}`);
  }
  const executor = new SlurmExecutor({
    checkpointDir: context.checkpointDir,
    name: context.name,
    ...(args.partition !== undefined ? { partition: args.partition } : {}),
    ...(args.account !== undefined ? { account: args.account } : {}),
    ...(args.time !== undefined ? { time: args.time } : {}),
    ...(args.mem !== undefined ? { mem: args.mem } : {}),
    ...(maxConcurrent !== undefined ? { maxConcurrent } : {}),
    sbatchArgs: args['sbatch-arg'],
    signalBeforeSeconds: args['signal-before'],
    pollSeconds: args['poll-interval'],
    env: context.io.env,
    log: (line) => {
      context.bar.finish();
      println(context.io.stderr, `lapidary: ${line}`);
    },
  });
  const limits = [args.partition && `partition ${args.partition}`, args.time && `time limit ${args.time}`, args.mem && `memory ${args.mem}`, maxConcurrent && `at most ${maxConcurrent} at once`].filter(Boolean);
  return { executor, where: `as a Slurm job array${limits.length > 0 ? ` (${limits.join(', ')})` : ''}`, slots: maxConcurrent ?? 1000 };
}

/**
 * Refuse to plan runs of `name` while an earlier Slurm array still has some of them pending or
 * running (planning empties their run directories): bring the records up to date from Slurm
 * first, so runs that ended meanwhile are collected and only live ones block.
 */
async function refuseWhileQueued(checkpointDir: string, name: string, io: CliIo): Promise<void> {
  const store = new RunStore(checkpointDir);
  try {
    const sync = await syncSlurmRuns(checkpointDir, store, { name, env: io.env });
    if (sync.problem !== undefined && sync.live.length > 0) {
      println(io.stderr, `lapidary: warning: could not ask Slurm about earlier runs of ${name} (${sync.problem}); they may still run`);
      return;
    }
    if (sync.live.length > 0) {
      const arrays = [...new Set(sync.live.map((r) => r.jobId))].join(', ');
      throw new UsageError(`${sync.live.length} runs of ${name} are still pending or running in Slurm array ${arrays}`, {
        hint: `follow them with \`lapidary runs ${checkpointDir} --watch\`, or stop them with \`lapidary cancel ${checkpointDir} --name ${name}\``,
      });
    }
  } finally {
    store.close();
  }
}
