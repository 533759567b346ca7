import { resolve } from 'node:path';
import { runSlurmTask, type SignalNote } from '../../simulate/slurm/index.js';
import { defineCommand } from '../command.js';
import { println, type CliIo } from '../io.js';

/**
 * `lapidary run-task <task.json>` (hidden): what each Slurm array task runs on its node. SIGUSR1
 * (Slurm's `--signal` time-limit warning, which gem5 answers by dumping its statistics) is noted
 * here instead of starting Node's inspector; SIGTERM (time limit, scancel) aborts `io.signal`.
 */
export const runTaskCommand = defineCommand({
  command: 'run-task <task-file>',
  // false hides the command from --help (yargs); CommandSpec types describe as a string.
  describe: false as unknown as string,
  builder: (y) => y.positional('task-file', { type: 'string', demandOption: true, describe: 'a task file written by parallel-simulate --executor slurm' }),
  run: async (args, io: CliIo) => {
    const signals: SignalNote[] = [];
    const onUsr1 = (): void => {
      const at = new Date().toISOString();
      signals.push({ signal: 'SIGUSR1', at });
      println(io.stderr, `lapidary run-task: SIGUSR1 at ${at}: Slurm's time-limit warning; gem5 dumps its statistics`);
    };
    process.on('SIGUSR1', onUsr1);
    try {
      return await runSlurmTask(resolve(io.cwd, args['task-file']), { signal: io.signal, env: io.env, signals, log: (line) => println(io.stderr, line) });
    } finally {
      process.off('SIGUSR1', onUsr1);
    }
  },
});
