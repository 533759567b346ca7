import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { parseParams, readSystemFile, type SystemFile } from '../gem5/run/system-file.js';
import type { RunSystem } from '../simulate/run-types.js';

/** The options `simulate` and `parallel-simulate` share for a user's system file. */
export interface SystemArgs {
  system?: string | undefined;
  param: string[];
  cpu?: string | undefined;
  caches?: string | undefined;
}

/**
 * The system file in effect: `--system` (relative to the working directory), else
 * `simulation.system` from lapidary.yaml unless `--cpu`/`--caches` ask for lapidary's own system
 * on the command line. Its PARAMS are read and the `--param` overrides checked before gem5 runs.
 * @returns the file and the full parameter values (defaults, then overrides), or undefined.
 * @throws UsageError for --system together with --cpu/--caches, or --param without a system file.
 * @throws SystemFileError (see readSystemFile, parseParams).
 */
export async function chooseSystem(args: SystemArgs, configured: string | undefined, cwd: string): Promise<{ file: SystemFile; system: RunSystem } | undefined> {
  const own = [args.cpu !== undefined && '--cpu', args.caches !== undefined && '--caches'].filter(Boolean);
  if (args.system !== undefined && own.length > 0) {
    throw new UsageError(`--system and ${own.join(', ')} both describe the simulated system`, { hint: 'set the CPU and caches in the system file (its PARAMS, --param) or drop --system' });
  }
  const path = args.system !== undefined ? resolve(cwd, args.system) : own.length === 0 ? configured : undefined;
  if (path === undefined) {
    if (args.param.length > 0) throw new UsageError('--param sets a parameter of a system file, and no --system is given', { hint: 'add --system FILE.py (examples in config/systems/)' });
    return undefined;
  }
  const file = await readSystemFile(path);
  const params = Object.fromEntries(file.params.map((p) => [p.name, p.default]));
  return { file, system: { path: file.path, sha256: file.sha256, params: { ...params, ...parseParams(file, args.param) } } };
}
