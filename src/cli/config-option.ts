import { resolve } from 'node:path';
import { loadConfig, type LapidaryConfig } from '../config/load.js';
import type { CliIo } from './io.js';

/**
 * `-c/--config PATH`, which every verb accepts: main.ts declares it once for all of them, and
 * the verbs that read lapidary.yaml declare it again to get `args.config` typed.
 */
export const CONFIG_OPTION = {
  alias: 'c',
  type: 'string',
  describe: 'lapidary.yaml (default: the first one found upward from here)',
} as const;

/**
 * The lapidary.yaml a command runs with: `config` (relative to `io.cwd`) when given, else the
 * first one found upward from `io.cwd`, else an empty configuration.
 * @throws ConfigError (LAPIDARY_CONFIG_INVALID) when the file cannot be read or is not valid.
 */
export function commandConfig(config: string | undefined, io: CliIo): Promise<LapidaryConfig> {
  return loadConfig(config === undefined ? undefined : resolve(io.cwd, config), io.cwd);
}
