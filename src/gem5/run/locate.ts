import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { Gem5NotFoundError } from '../../errors.js';

/** The gem5 build variant: gem5.opt for runs, gem5.debug for --debug-mode under gdb. */
export type Gem5Variant = 'opt' | 'debug';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Candidate binaries for a configured gem5 location: the binary itself, or a gem5 source tree
 * (`build/X86/gem5.<variant>`), or a build directory (`X86/gem5.<variant>`). For the debug
 * variant, a gem5.opt path is mapped to the gem5.debug beside it.
 */
function candidates(location: string, variant: Gem5Variant): string[] {
  const name = `gem5.${variant}`;
  return [
    location.replace(/gem5\.(opt|debug|fast)$/, name),
    join(location, 'build', 'X86', name),
    join(location, 'X86', name),
    join(location, name),
  ];
}

/**
 * Find the gem5 binary: the GEM5 environment variable first, then `gem5_path` from
 * lapidary.yaml. Either may name the binary, a gem5 source tree or its build directory.
 * @returns the absolute path of an executable gem5.<variant>.
 * @throws Gem5NotFoundError naming where it looked and how to fix it.
 */
export function locateGem5(configured: string | undefined, env: NodeJS.ProcessEnv, variant: Gem5Variant = 'opt'): string {
  const locations = [env.GEM5, configured].filter((l): l is string => l !== undefined && l !== '');
  const tried: string[] = [];
  for (const location of locations) {
    for (const candidate of candidates(location, variant)) {
      tried.push(candidate);
      if (executable(candidate)) return candidate;
    }
  }
  throw new Gem5NotFoundError(
    locations.length === 0
      ? `gem5.${variant} not configured`
      : `no executable gem5.${variant} found (tried ${[...new Set(tried)].join(', ')})`,
    { hint: `build gem5 v24.0 for X86: lapidary gem5 build --source DIR (a gem5 v24.0.0.1 source tree) builds gem5.opt and writes gem5_path into lapidary.yaml; or set GEM5 to a gem5.${variant}` },
  );
}

/** Whether a gem5 binary can be found, without throwing: for tests and status output. */
export function findGem5(configured: string | undefined, env: NodeJS.ProcessEnv, variant: Gem5Variant = 'opt'): string | undefined {
  try {
    return locateGem5(configured, env, variant);
  } catch {
    return undefined;
  }
}
