import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { InterruptedError, UsageError } from '../../errors.js';
import type { Executor } from '../../simulate/executor.js';
import { RunStore } from '../../simulate/records.js';
import { SlurmExecutor, syncSlurmRuns } from '../../simulate/slurm/index.js';
import { DEFAULT_CACHES } from '../../gem5/run/invocation.js';
import { locateGem5 } from '../../gem5/run/locate.js';
import { runBatch } from '../../simulate/batch.js';
import { LocalPoolExecutor } from '../../simulate/local-pool.js';
import type { RunParameters, RunScript } from '../../simulate/run-types.js';
import { wholeOption } from '../whole-option.js';
import { defineCommand } from '../command.js';
import { CONFIG_OPTION, commandConfig } from '../config-option.js';
import { println, type CliIo } from '../io.js';
import { ProgressBar } from '../progress.js';
import { chooseSystem } from '../system-option.js';
import { convertParam, declaredParam, type SystemFile } from '../../gem5/run/system-file.js';
import { sweepPoints, type SweepPoint } from '../../simulate/sweep.js';
import { checkScriptArgs } from '../../simulate/script-args.js';
import { sha256File } from '../../gem5/checkpoint/write.js';

export const parallelSimulateCommand = defineCommand({
  command: 'parallel-simulate',
  passThrough: true,
  describe: 'simulate every checkpoint of a directory in gem5 (SMARTS-style samples) on a local worker pool or as a Slurm job array',
  builder: (y) =>
    y
      .usage('$0 parallel-simulate -d DIR [options] [--gem5-script SCRIPT.py -- ARGS…]')
      .option('checkpoint-dir', { alias: 'd', type: 'string', demandOption: true, describe: 'directory of cpt.N checkpoints' })
      .option('jobs', { alias: 'j', type: 'number', describe: 'gem5 runs at once (default: the number of cores)' })
      .option('warmup-insts', { type: 'number', describe: 'detailed warm-up instructions per sample (default 5000000)' })
      .option('functional-warmup', { type: 'number', describe: 'functional warming: instructions in the atomic CPU with the detailed system\'s caches attached, before the detailed warm-up (default 0)' })
      .option('detail-insts', { type: 'number', describe: 'measured instructions per sample (default 100000)' })
      .option('cpu', { choices: ['o3', 'minor', 'timing'] as const, describe: 'detailed CPU model (default o3)' })
      .option('caches', { type: 'string', describe: `cache geometry (default ${DEFAULT_CACHES})` })
      .option('system', { type: 'string', describe: 'your system file (docs/systems.md, examples in config/systems/): builds the detailed CPU, caches and memory' })
      .option('param', { type: 'array', string: true, default: [] as string[], describe: 'KEY=VALUE: a PARAMS value of the system file, repeatable' })
      .option('gem5-script', { type: 'string', describe: 'run this gem5 script of yours unchanged for every checkpoint, with the ARGS after -- ({checkpoint} {checkpoint_dir} {index} {binary} {mem_size} {outdir} and swept keys filled in)' })
      .option('stats-cpu', { type: 'string', describe: 'with --gem5-script: the stats.txt prefix of the CPU to measure (default: the only CPU that committed instructions)' })
      .option('sweep', { type: 'array', string: true, default: [] as string[], describe: 'KEY=V1,V2,…: one configuration per value, repeatable (the cross product), each named like l2_size=1MiB,rob=192' })
      .option('name', { type: 'string', describe: 'configuration name the runs are recorded and compared under (default: the CPU model, or the system file\'s name; with --sweep each point is named NAME:point)' })
      .option('timeout', { type: 'number', describe: 'seconds after which a gem5 run is killed and recorded as Timeout' })
      .option('rerun', { type: 'boolean', default: false, describe: 'run again even identical runs that already finished' })
      .option('confidence', { type: 'number', default: 0.95, describe: 'confidence level of the running CPI estimate' })
      .option('config', CONFIG_OPTION)
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
    const config = await commandConfig(args.config, io);
    const defaults = config.simulation ?? {};
    const jobs = args.jobs ?? defaults.jobs ?? availableParallelism();
    const cpu = args.cpu ?? (defaults.cpu === 'atomic' || defaults.cpu === undefined ? 'o3' : defaults.cpu);
    wholeOption('warmup-insts', args['warmup-insts'], 0);
    wholeOption('detail-insts', args['detail-insts'], 1);
    const functional = args['functional-warmup'];
    if (functional !== undefined && !(Number.isSafeInteger(functional) && functional >= 0)) throw new UsageError(`--functional-warmup must be a whole number of instructions, got ${functional}`);
    const script = await chooseScript(args, io.cwd);
    const chosen = script === undefined ? await chooseSystem(args, defaults.system, io.cwd) : undefined;
    const params: RunParameters = {
      cpu,
      caches: args.caches ?? defaults.caches ?? DEFAULT_CACHES,
      ...(chosen !== undefined ? { system: chosen.system } : {}),
      ...(script !== undefined ? { script } : {}),
      functionalWarmupInsts: BigInt(functional ?? 0),
      warmupInsts: BigInt(args['warmup-insts'] ?? defaults.warmup_insts ?? 5_000_000),
      detailInsts: BigInt(args['detail-insts'] ?? defaults.detail_insts ?? 100_000),
      ...(args.timeout ?? defaults.timeout ? { timeoutSeconds: args.timeout ?? defaults.timeout } : {}),
    };
    if (!(Number.isInteger(jobs) && jobs > 0)) throw new UsageError(`-j must be a positive integer, got ${jobs}`);
    if (params.detailInsts <= 0n || params.warmupInsts < 0n) throw new UsageError('--detail-insts must be positive and --warmup-insts not negative');
    const checkpointDir = resolve(io.cwd, args['checkpoint-dir']);
    const base = args.name ?? basename(script?.path ?? chosen?.file.path ?? cpu, '.py');
    const configurations = sweptConfigurations(args, base, params, chosen?.file);
    const gem5 = locateGem5(config.gem5_path, io.env);
    for (const { name } of configurations) await refuseWhileQueued(checkpointDir, name, io);
    const bar = new ProgressBar(io.stderr, (io.stderr as { isTTY?: boolean }).isTTY === true);
    let allFinished = true;
    for (const { name, params: point } of configurations) {
      const { executor, where, slots } = chooseExecutor(args, { checkpointDir, name, jobs, io, bar });
      println(io.stderr, `lapidary: ${name}: ${describeConfiguration(point)}, ${where}`);
      const { records, skipped } = await runBatch({
        checkpointDir, name, params: point, gem5, executor, jobs: slots, rerun: args.rerun,
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
      allFinished &&= records.every((r) => r.status === 'Finished');
    }
    println(io.stderr, `lapidary: lapidary report ${checkpointDir} ${configurations.map((c) => `--name ${/^[\w.:=,+-]+$/.test(c.name) ? c.name : `'${c.name}'`}`).join(' ')}`);
    return allFinished ? 0 : 1;
  },
});

/** One line saying what a configuration runs. */
function describeConfiguration(point: RunParameters): string {
  const functional = point.functionalWarmupInsts > 0n ? `${point.functionalWarmupInsts} functional + ` : '';
  const window = `${functional}${point.warmupInsts} warm-up + ${point.detailInsts} measured instructions per checkpoint`;
  if (point.script !== undefined) return `${point.script.path} ${point.script.args.join(' ')}${Object.keys(point.script.values).length > 0 ? ` (${Object.entries(point.script.values).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}`;
  if (point.system !== undefined) return `${point.system.path} (${Object.entries(point.system.params).map(([k, v]) => `${k}=${v}`).join(', ')}), ${window}`;
  return `${point.cpu} CPU, caches ${point.caches}, ${window}`;
}

const SCRIPT_CONFLICTS = ['system', 'param', 'cpu', 'caches', 'functional-warmup', 'warmup-insts', 'detail-insts'] as const;

/**
 * `--gem5-script SCRIPT.py -- ARGS…`: the script, hashed, and its argument template, checked for
 * unknown placeholders and unused swept keys before anything runs.
 * @returns undefined without --gem5-script.
 * @throws UsageError for ARGS without --gem5-script, options of lapidary's own script with it,
 *   --stats-cpu without it, or an unreadable script.
 */
async function chooseScript(
  args: { 'gem5-script'?: string | undefined; 'stats-cpu'?: string | undefined; '--'?: string[]; sweep: string[]; param: string[] } & Partial<Record<(typeof SCRIPT_CONFLICTS)[number], unknown>>,
  cwd: string,
): Promise<RunScript | undefined> {
  const scriptArgs = args['--'] ?? [];
  if (args['gem5-script'] === undefined) {
    if (scriptArgs.length > 0) throw new UsageError(`arguments after -- (${scriptArgs.join(' ')}) are for a --gem5-script, and none is given`);
    if (args['stats-cpu'] !== undefined) throw new UsageError('--stats-cpu applies only to --gem5-script runs');
    return undefined;
  }
  const given = SCRIPT_CONFLICTS.filter((o) => args[o] !== undefined && !(Array.isArray(args[o]) && args[o].length === 0));
  if (given.length > 0) throw new UsageError(`--gem5-script runs your script unchanged; ${given.map((o) => `--${o}`).join(', ')} describe lapidary's own`, { hint: 'pass such settings to your script after --' });
  const path = resolve(cwd, args['gem5-script']);
  const sha256 = await sha256File(path).catch((error: Error) => {
    throw new UsageError(`cannot read --gem5-script ${path}: ${error.message}`);
  });
  checkScriptArgs(scriptArgs, sweepPoints(args.sweep)[0]?.assignments.map(([key]) => key) ?? []);
  return { path, sha256, args: scriptArgs, values: {}, ...(args['stats-cpu'] !== undefined ? { statsCpu: args['stats-cpu'] } : {}) };
}

/**
 * The configurations to run: the one the options describe, or with `--sweep`, one per point of
 * the cross product, named `<point>` (or `<--name>:<point>`). A point's values are typed from the
 * system file's PARAMS, or given as text to the run script's placeholders. Every point is checked
 * before anything runs.
 * @throws UsageError for --sweep with neither a system file nor a run script, or a key both
 *   swept and set by --param.
 * @throws SystemFileError for a swept key the file does not declare or a value of the wrong type.
 */
function sweptConfigurations(
  args: { sweep: string[]; param: string[]; name?: string | undefined },
  base: string,
  params: RunParameters,
  file: SystemFile | undefined,
): Array<{ name: string; params: RunParameters }> {
  const points = sweepPoints(args.sweep);
  if (points.length === 0) return [{ name: base, params }];
  const named = (point: SweepPoint): string => (args.name === undefined ? point.name : `${base}:${point.name}`);
  const script = params.script;
  if (script !== undefined) return points.map((point) => ({ name: named(point), params: { ...params, script: { ...script, values: Object.fromEntries(point.assignments) } } }));
  if (file === undefined || params.system === undefined) {
    throw new UsageError('--sweep varies parameters of a system file or a run script, and neither --system nor --gem5-script is given', { hint: 'add --system FILE.py (examples in config/systems/)' });
  }
  const fixed = args.param.map((p) => p.slice(0, p.indexOf('='))).filter((k) => points[0]!.assignments.some(([key]) => key === k));
  if (fixed.length > 0) throw new UsageError(`${fixed.join(', ')} is both swept and set with --param`, { hint: 'drop one of them' });
  const system = params.system;
  return points.map((point) => ({
    name: named(point),
    params: {
      ...params,
      system: { ...system, params: { ...system.params, ...Object.fromEntries(point.assignments.map(([key, text]) => [key, convertParam(declaredParam(file, key, '--sweep'), text, file.path)])) } },
    },
  }));
}

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
