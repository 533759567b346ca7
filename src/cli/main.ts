import yargs from 'yargs';
import { UsageError } from '../errors.js';
import type { CommandSpec } from './command.js';
import { createCommand } from './commands/create.js';
import { simulateCommand } from './commands/simulate.js';
import { inspectCommand } from './commands/inspect.js';
import { parallelSimulateCommand } from './commands/parallel-simulate.js';
import { reportCommand } from './commands/report.js';
import { runsCommand } from './commands/runs.js';
import { cancelCommand } from './commands/cancel.js';
import { runTaskCommand } from './commands/run-task.js';
import { benchCommand } from './commands/bench.js';
import { configCommand } from './commands/config.js';
import { vmCommand } from './commands/vm.js';
import { gem5Command } from './commands/gem5.js';
import { simpointCommand } from './commands/simpoint.js';
import { configHelp } from './config-help.js';
import { CONFIG_OPTION, commandConfig } from './config-option.js';
import type { CliIo } from './io.js';
import { renderError } from './render-error.js';

const COMMANDS: ReadonlyArray<CommandSpec<never>> = [
  createCommand,
  simpointCommand,
  simulateCommand,
  parallelSimulateCommand,
  runsCommand,
  cancelCommand,
  runTaskCommand,
  reportCommand,
  inspectCommand,
  benchCommand,
  configCommand,
  vmCommand,
  gem5Command,
] as unknown as ReadonlyArray<CommandSpec<never>>;

/** Verbs whose -c names the lapidary.yaml they write, not one to read first. */
const WRITES_CONFIG: ReadonlySet<string> = new Set(['config', 'gem5']);

/** Thrown by the --config-help middleware to stop parsing once the help is printed. */
class ConfigHelpShown extends Error {}

/**
 * Run lapidary with `argv` (without node and script) against `io`; resolves to the exit code.
 * Errors are rendered here and nowhere else.
 */
export async function run(allArgv: readonly string[], io: CliIo): Promise<number> {
  let work: Promise<number> | undefined;
  // Everything after the first `--` is kept verbatim for commands that pass it on (yargs would
  // turn `1e3` into 1000 there), as `args['--']`.
  const split = allArgv.indexOf('--');
  const argv = split < 0 ? allArgv : allArgv.slice(0, split);
  const passed = split < 0 ? undefined : allArgv.slice(split + 1);
  const parser = yargs([...argv])
    .scriptName('lapidary')
    .usage('$0 <command> [options]\n\nNative runs under gdb/MI -> gem5 v24 SE checkpoints -> sampled simulation.')
    .strict()
    .option('config-help', { type: 'boolean', describe: 'print every lapidary.yaml key with its meaning' })
    .option('config', CONFIG_OPTION)
    .middleware((args) => {
      if (args['config-help']) {
        io.stdout.write(configHelp());
        work = Promise.resolve(0);
        throw new ConfigHelpShown();
      }
    }, true)
    .middleware(async (args) => {
      // Every verb accepts -c: a file given there is read and checked even by verbs that use
      // none of its keys, so a wrong path or key is never ignored. `config init` and `gem5 build`
      // write it instead (it may not exist yet).
      if (args.config !== undefined && !WRITES_CONFIG.has(String(args._[0]))) await commandConfig(args.config, io);
    })
    .demandCommand(1, 'no command given')
    .recommendCommands()
    .exitProcess(false)
    .wrap(Math.min(110, (io.stdout as { columns?: number }).columns ?? 100))
    .fail((message, error) => {
      throw error ?? new UsageError(message, { hint: 'see lapidary --help' });
    });
  for (const spec of COMMANDS) {
    parser.command(spec.command, spec.describe, spec.builder as never, (args) => {
      if (passed !== undefined && !spec.passThrough) throw new UsageError(`lapidary ${String(args._[0])} takes no arguments after --`);
      work = spec.run((passed === undefined ? args : { ...args, '--': passed }) as never, io);
    });
  }
  try {
    let printed = '';
    await parser.parseAsync([...argv], {}, (_error, _args, output) => {
      printed = output;
    });
    if (printed !== '') io.stdout.write(`${printed}\n`);
    return work === undefined ? 0 : await work;
  } catch (error) {
    if (error instanceof ConfigHelpShown) return 0;
    const { text, exitCode } = renderError(error);
    io.stderr.write(text);
    return exitCode;
  }
}
