import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { Gem5FailedError, UsageError } from '../../errors.js';
import { DEFAULT_CACHES, gem5Argv, type CpuModel, type Gem5Invocation } from '../../gem5/run/invocation.js';
import { locateGem5 } from '../../gem5/run/locate.js';
import { checkpointByRestoreNumber } from '../../gem5/checkpoint/layout.js';
import { readGem5Result, runGem5, type Gem5Result } from '../../gem5/run/run.js';
import { readManifest } from '../../gem5/checkpoint/manifest.js';
import { verifyCheckpoint } from '../../gem5/checkpoint/verify.js';
import { prepareRun } from '../../simulate/prepare.js';
import { chooseSystem } from '../system-option.js';
import { wholeOption } from '../whole-option.js';
import { defineCommand } from '../command.js';
import { CONFIG_OPTION, commandConfig } from '../config-option.js';
import { println, type CliIo } from '../io.js';

export const simulateCommand = defineCommand({
  command: 'simulate',
  describe: 'restore one checkpoint in gem5 and run it',
  builder: (y) =>
    y
      .option('start-checkpoint', { type: 'string', describe: 'a cpt.N directory written by lapidary create' })
      .option('checkpoint-dir', { type: 'string', describe: 'with -r k, as gem5\'s se.py: the directory holding the cpt.N checkpoints' })
      .option('checkpoint-restore', { alias: 'r', type: 'number', describe: 'with --checkpoint-dir: restore its k-th checkpoint in numeric order (1-based, as se.py counts)' })
      .option('cpu', { choices: ['atomic', 'timing', 'minor', 'o3'] as const, describe: 'CPU model after the restore (default: simulation.cpu of lapidary.yaml, else atomic)' })
      .option('system', { type: 'string', describe: 'your system file (docs/systems.md, examples in config/systems/): builds the detailed CPU, caches and memory' })
      .option('param', { type: 'array', string: true, default: [] as string[], describe: 'KEY=VALUE: a PARAMS value of the system file, repeatable' })
      .option('max-insts', { type: 'number', describe: 'stop after this many instructions (default: run to the program\'s exit)' })
      .option('caches', { type: 'string', describe: `cache geometry (default: simulation.caches of lapidary.yaml, else ${DEFAULT_CACHES} for minor/o3 and none otherwise)` })
      .option('timeout', { type: 'number', describe: 'seconds after which gem5 is killed (default: simulation.timeout of lapidary.yaml, else none)' })
      .option('outdir', { type: 'string', default: 'm5out', describe: 'gem5 output directory (stats.txt, logs, program output)' })
      .option('debug-mode', { type: 'boolean', default: false, describe: 'run gem5.debug under gdb instead of gem5.opt' })
      .option('debug-flags', { type: 'string', describe: 'gem5 --debug-flags' })
      .option('checkpoint-at-end', { type: 'string', describe: 'write gem5\'s own checkpoint of the state where the run stops into this directory' })
      .option('config', CONFIG_OPTION),
  run: async (args, io: CliIo) => {
    const config = await commandConfig(args.config, io);
    const chosen = await chooseSystem(args, config.simulation?.system, io.cwd);
    const defaults = config.simulation ?? {};
    const cpu: CpuModel = args.cpu ?? defaults.cpu ?? 'atomic';
    const timeoutSeconds = args.timeout ?? defaults.timeout;
    if (timeoutSeconds !== undefined && !(timeoutSeconds > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got ${timeoutSeconds}`);
    wholeOption('max-insts', args['max-insts'], 1);
    const outdir = resolve(io.cwd, args.outdir);
    const checkpoint = await chosenCheckpoint(args, io.cwd);
    await verifyCheckpoint(checkpoint, await readManifest(checkpoint));
    // gem5 is looked for before the output directory is made, so a missing gem5 leaves no empty m5out/.
    const gem5 = locateGem5(config.gem5_path, io.env, args['debug-mode'] ? 'debug' : 'opt');
    const prepared = await prepareRun(checkpoint, outdir);
    const run: Gem5Invocation = {
      gem5,
      outdir,
      ...prepared,
      cpu,
      caches: args.caches ?? defaults.caches ?? (cpu === 'o3' || cpu === 'minor' ? DEFAULT_CACHES : ''),
      ...(chosen !== undefined ? { system: { path: chosen.system.path, params: chosen.system.params } } : {}),
      ...(args['max-insts'] !== undefined ? { maxInsts: BigInt(args['max-insts']) } : {}),
      ...(args['debug-flags'] ? { debugFlags: args['debug-flags'] } : {}),
      ...(args['checkpoint-at-end'] ? { checkpointAtEnd: resolve(io.cwd, args['checkpoint-at-end']) } : {}),
    };
    println(io.stderr, `lapidary: restoring ${prepared.checkpoint} (${prepared.manifest.target.argv.join(' ')}) in ${run.gem5} with ${chosen === undefined ? `the ${cpu} CPU` : `the system of ${chosen.file.path}`}`);
    const summarize = (result: Gem5Result | undefined) => {
      const cause = result?.cause ?? '(no exit event: gem5 did not finish)';
      println(io.stdout, `exit cause: ${cause}${result ? ` (code ${result.exitCode}) at tick ${result.tick}` : ''}`);
      for (const phase of result?.phases ?? []) println(io.stdout, `instructions: ${phase.simulated}`);
      println(io.stdout, `m5out:     ${outdir}`);
      println(io.stdout, `stats:     ${join(outdir, 'stats.txt')}`);
      println(io.stdout, `program:   ${prepared.stdout}`);
    };
    if (args['debug-mode']) {
      const debug = await execa('gdb', ['--args', run.gem5, ...gem5Argv(run)], { stdio: 'inherit', reject: false, cwd: outdir });
      summarize(await readGem5Result(outdir));
      return debug.exitCode ?? 1;
    }
    const outcome = await runGem5(run, { signal: io.signal, ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) });
    summarize(outcome.result);
    if (outcome.timedOut) {
      throw new Gem5FailedError(`gem5 ran past the ${timeoutSeconds} s timeout and was killed`, { hint: 'raise --timeout (or simulation.timeout in lapidary.yaml), or stop earlier with --max-insts', keptPath: outdir });
    }
    if (outcome.failure !== undefined) {
      throw new Gem5FailedError(`gem5 failed: ${outcome.failure.detail}`, { hint: outcome.failure.hint, keptPath: outdir });
    }
    return 0;
  },
});

/**
 * The checkpoint directory `simulate` restores: `--start-checkpoint DIR`, or gem5 se.py's
 * `--checkpoint-dir DIR -r k` (the k-th cpt.N of DIR, see checkpointByRestoreNumber).
 * @throws UsageError when neither or both forms are given, or one is incomplete.
 */
async function chosenCheckpoint(
  args: { 'start-checkpoint'?: string | undefined; 'checkpoint-dir'?: string | undefined; 'checkpoint-restore'?: number | undefined },
  cwd: string,
): Promise<string> {
  const start = args['start-checkpoint'];
  const dir = args['checkpoint-dir'];
  const k = args['checkpoint-restore'];
  const hint = 'name one checkpoint: --start-checkpoint DIR/cpt.N, or as with gem5\'s se.py, --checkpoint-dir DIR -r k';
  if (start !== undefined) {
    if (dir !== undefined || k !== undefined) throw new UsageError('--start-checkpoint and --checkpoint-dir/-r both name the checkpoint to restore; give one of them', { hint });
    return resolve(cwd, start);
  }
  if (dir === undefined && k === undefined) throw new UsageError('no checkpoint to restore', { hint });
  if (dir === undefined) throw new UsageError(`-r ${k} needs --checkpoint-dir DIR, the directory whose k-th checkpoint it restores`, { hint });
  if (k === undefined) throw new UsageError(`--checkpoint-dir ${dir} needs -r k to say which of its checkpoints to restore`, { hint });
  return (await checkpointByRestoreNumber(resolve(cwd, dir), k)).path;
}
