import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { checkGem5BuildTools, checkGem5Source } from '../../gem5/build/check.js';
import { planGem5Build } from '../../gem5/build/plan.js';
import { recordGem5Path } from '../../gem5/build/record.js';
import { runGem5Build, showStep } from '../../gem5/build/run.js';
import { UsageError } from '../../errors.js';
import { defineCommand } from '../command.js';
import { println, type CliIo } from '../io.js';

export const gem5Command = defineCommand({
  command: 'gem5 build',
  describe: 'build the X86 gem5.opt lapidary needs (Ruby and SystemC off, no debug information) in a gem5 v24 source tree, and write gem5_path into lapidary.yaml',
  builder: (y) =>
    y
      .option('source', { type: 'string', demandOption: true, describe: 'the top directory of a gem5 v24.0.0.1 source tree' })
      .option('jobs', { alias: 'j', type: 'number', default: availableParallelism(), describe: 'parallel compile jobs (scons -j)' })
      .option('m5', { type: 'boolean', default: false, describe: 'also build the m5 utility (util/m5, build/x86/out/m5)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'print the files it would write and the commands it would run, and do nothing' })
      .option('config', { alias: 'c', type: 'string', describe: 'lapidary.yaml to write gem5_path into (default: the first one found upward from here, else a new one here)' }),
  run: async (args, io: CliIo) => {
    if (!Number.isInteger(args.jobs) || args.jobs < 1) throw new UsageError(`--jobs ${args.jobs} is not a positive integer`);
    const source = resolve(io.cwd, args.source);
    const version = checkGem5Source(source);
    const plan = planGem5Build({ source, jobs: args.jobs, m5: args.m5 });
    if (args['dry-run']) {
      for (const file of plan.files) println(io.stdout, `write ${file.path} (mode ${file.mode.toString(8)}):\n${file.contents.replace(/^/gm, '    ')}`);
      for (const step of plan.steps) println(io.stdout, `run ${showStep(step)}`);
      println(io.stdout, `then set gem5_path: ${plan.binary} in lapidary.yaml`);
      return 0;
    }
    checkGem5BuildTools(io.env.PATH ?? '');
    println(io.stderr, `lapidary: building gem5 ${version} in ${source} with ${args.jobs} jobs: a full build takes hours on 2 cores; interrupted, the same command resumes it`);
    await runGem5Build(plan, {
      line: (text) => println(io.stdout, text),
      progress: (text) => println(io.stderr, `lapidary: ${text}`),
    }, { signal: io.signal });
    const config = await recordGem5Path(plan.binary, args.config === undefined ? undefined : resolve(io.cwd, args.config), io.cwd);
    println(io.stderr, `lapidary: built ${plan.binary}; gem5_path written into ${config}`);
    if (plan.m5Binary !== undefined) println(io.stderr, `lapidary: built ${plan.m5Binary}`);
    return 0;
  },
});
