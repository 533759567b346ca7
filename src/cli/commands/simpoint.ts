import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { resolveExecutable } from '../../create/argv.js';
import { GEM5_GLIBC_TUNABLES, GEM5_OPENSSL_IA32CAP, targetEnvironment, type NativeEnvironment } from '../../create/native-env.js';
import { DEFAULT_CLUSTER_OPTIONS, DEFAULT_SIMPOINT_INTERVAL, analyseSimPoints, profileBasicBlocks, simPointFileTexts, writeSimPointFiles } from '../../simpoint/index.js';
import { wholeOption } from '../whole-option.js';
import { defineCommand } from '../command.js';
import { CONFIG_OPTION, commandConfig } from '../config-option.js';
import { println, type CliIo } from '../io.js';
import { resolveTarget } from '../target.js';

export const simpointCommand = defineCommand({
  command: 'simpoint',
  describe: 'profile a program\'s basic-block vectors at native speed and pick SimPoints (SimPoint 3 clustering); writes simpoints, weights, simpoint.json',
  builder: (y) =>
    y
      .option('cmd', { type: 'string', describe: 'program and arguments, split like a shell would but never run by one' })
      .option('bench', { type: 'string', describe: 'a built-in workload or SPEC CPU 2017 benchmark instead of --cmd (lapidary bench list)' })
      .option('size', { type: 'string', describe: 'with --bench: the input size' })
      .option('invocation', { type: 'number', describe: 'with --bench for SPEC: which invocation (1-based)' })
      .option('config', CONFIG_OPTION)
      .option('directory', { alias: 'd', type: 'string', demandOption: true, describe: 'where simpoints, weights, simpoint.json and bbv.bb are written' })
      .option('stdin', { type: 'string', describe: 'file the program reads as standard input (default /dev/null)' })
      .option('simpoint-interval', { type: 'number', default: Number(DEFAULT_SIMPOINT_INTERVAL), describe: 'instructions per interval, counted from main' })
      .option('max-k', { type: 'number', default: DEFAULT_CLUSTER_OPTIONS.maxK, describe: 'largest number of clusters tried' })
      .option('seed', { type: 'number', default: DEFAULT_CLUSTER_OPTIONS.seed, describe: 'seed of the random projection and the k-means initialisations' })
      .option('warmup-insts', { type: 'number', default: 0, describe: 'warm-up instructions before each point, recorded in simpoint.json' })
      .check((args) => {
        wholeOption('simpoint-interval', args['simpoint-interval'], 1);
        wholeOption('max-k', args['max-k'], 1);
        wholeOption('seed', args.seed, 0);
        wholeOption('warmup-insts', args['warmup-insts'], 0);
        return true;
      }),
  run: async (args, io: CliIo) => {
    const directory = resolve(io.cwd, args.directory);
    await mkdir(directory, { recursive: true });
    const config = await commandConfig(args.config, io);
    const resolved = await resolveTarget(args, directory, io.cwd, config);
    // create's defaults, so that the profile follows the path `create --simpoints` runs natively.
    const native: NativeEnvironment = { aslr: false, bindNow: true, glibcTunables: GEM5_GLIBC_TUNABLES, opensslIa32cap: GEM5_OPENSSL_IA32CAP, removeVdso: true };
    const exe = resolveExecutable(resolved.argv[0]!, resolved.cwd, io.env.PATH);
    const interval = BigInt(args['simpoint-interval']);
    const profile = await profileBasicBlocks({
      exe, argv: resolved.argv, env: targetEnvironment({ ...io.env, ...resolved.env }, native, resolved.cwd), cwd: resolved.cwd,
      stdin: args.stdin !== undefined ? resolve(io.cwd, args.stdin) : resolved.stdin ?? '/dev/null',
      stdout: join(directory, 'program.stdout'), stderr: join(directory, 'program.stderr'),
    }, { interval, removeVdso: native.removeVdso, signal: io.signal });
    println(io.stderr, `lapidary: profiled ${profile.totalInstructions} instructions from main in ${profile.profileSeconds.toFixed(1)} s: ${profile.vectors.length} interval(s) of ${interval}, ${profile.blocks.length} blocks`);
    for (const warning of profile.warnings) println(io.stderr, `  note: ${warning}`);
    const started = performance.now();
    const analysis = analyseSimPoints(profile.vectors, { maxK: args['max-k'], seed: args.seed });
    println(io.stderr, `lapidary: k = ${analysis.chosen.k} (smallest k with BIC within ${analysis.options.bicThreshold * 100} % of the range over k = 1..${analysis.byK.length}), clustered in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const files = simPointFileTexts(analysis, profile.bbText, { id: `lapidary-simpoint-${basename(exe)}`, interval, warmup: BigInt(args['warmup-insts']) });
    const written = await writeSimPointFiles(directory, files);
    println(io.stdout, 'cluster  interval  start (insts from main)  weight');
    for (const p of analysis.points) {
      println(io.stdout, `${String(p.cluster).padStart(7)}  ${String(p.interval).padStart(8)}  ${String(BigInt(p.interval) * interval).padStart(22)}  ${p.weight.toFixed(4)}`);
    }
    println(io.stderr, `lapidary: wrote ${written.join(', ')}`);
    return 0;
  },
});
