import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { InterruptedError, UsageError } from '../../errors.js';
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
  describe: 'simulate every checkpoint of a directory in gem5 (SMARTS-style samples) on a worker pool',
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
      .option('config', { alias: 'c', type: 'string', describe: 'lapidary.yaml (default: the first one found upward from here)' }),
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
    const bar = new ProgressBar(io.stderr, (io.stderr as { isTTY?: boolean }).isTTY === true);
    println(io.stderr, `lapidary: ${name}: ${params.cpu} CPU, caches ${params.caches}, ${params.warmupInsts} warm-up + ${params.detailInsts} measured instructions per checkpoint, ${jobs} at a time`);
    const { records, skipped } = await runBatch({
      checkpointDir, name, params, gem5, executor: new LocalPoolExecutor(jobs), jobs, rerun: args.rerun,
      confidence: args.confidence, signal: io.signal, onProgress: (p) => bar.update(p),
    });
    bar.finish();
    const count = (status: string) => records.filter((r) => r.status === status).length;
    println(io.stderr, `lapidary: ${name}: ${count('Finished')} finished, ${count('Failed')} failed, ${count('Timeout')} timed out, ${count('Killed')} killed, ${skipped.length} skipped (already finished)`);
    if (io.signal.aborted) throw new InterruptedError('interrupted; finished runs are kept and the next invocation resumes with the rest');
    println(io.stderr, `lapidary: lapidary report ${checkpointDir} --name ${name}`);
    return records.some((r) => r.status !== 'Finished') ? 1 : 0;
  },
});
