import type { Argv } from 'yargs';
import type { CliIo } from './io.js';

/**
 * One `lapidary <verb>`: yargs options in `builder`, the work in `run`, which returns the
 * process exit code. Commands print only through `io`.
 */
export interface CommandSpec<Args = Record<string, unknown>> {
  command: string | string[];
  describe: string;
  builder: (yargs: Argv) => Argv<Args>;
  run: (args: Args, io: CliIo) => Promise<number>;
  /** The command takes the arguments after `--`, verbatim, as `args['--']` (a string array). */
  passThrough?: boolean;
}

/** Helper keeping the Args type of a command spec. */
export function defineCommand<Args>(spec: CommandSpec<Args>): CommandSpec<Args> {
  return spec;
}
