import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ToolMissingError, UsageError } from '../../errors.js';

/**
 * What gem5 v24's SConstruct requires on Debian 12, program or file → Debian package: scons, the
 * C and C++ compilers (SConstruct:199-200), python3-config and Python.h (SConstruct:475-510), zlib
 * (SConstruct:799).
 */
const GEM5_BUILD_NEEDS: ReadonlyArray<{ what: string; found: (path: string) => boolean; debianPackage: string }> = [
  { what: 'scons', found: (path) => onPath('scons', path), debianPackage: 'scons' },
  { what: 'g++', found: (path) => onPath('g++', path), debianPackage: 'g++' },
  { what: 'gcc', found: (path) => onPath('gcc', path), debianPackage: 'gcc' },
  { what: 'python3-config (Python.h)', found: (path) => onPath('python3-config', path), debianPackage: 'python3-dev' },
  { what: '/usr/include/zlib.h', found: () => readable('/usr/include/zlib.h'), debianPackage: 'zlib1g-dev' },
];

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(program: string, path: string): boolean {
  return path.split(delimiter).filter((dir) => dir !== '').some((dir) => {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The gem5 version of a source tree, from `src/base/version.cc` (`gem5Version = "24.0.0.1"`).
 * @throws UsageError when `source` is not a gem5 source tree (no SConstruct or version.cc), or
 *   its version is not 24.0.x, the one lapidary's checkpoints are written for.
 */
export function checkGem5Source(source: string): string {
  let text: string;
  try {
    accessSync(join(source, 'SConstruct'), constants.R_OK);
    text = readFileSync(join(source, 'src', 'base', 'version.cc'), 'utf8');
  } catch {
    throw new UsageError(`${source} is not a gem5 source tree (no SConstruct and src/base/version.cc)`, {
      hint: 'give --source the top directory of a gem5 v24.0.0.1 checkout (the gem5 project\'s git repository at tag v24.0.0.1)',
    });
  }
  const version = /gem5Version\s*=\s*"([^"]+)"/.exec(text)?.[1];
  if (version === undefined || !version.startsWith('24.0')) {
    throw new UsageError(`${source} is gem5 ${version ?? '(unknown version)'}, not v24.0: lapidary writes gem5 v24.0 checkpoints`, {
      hint: 'check out gem5 v24.0.0.1 (git checkout v24.0.0.1) and build that',
    });
  }
  return version;
}

/**
 * @throws ToolMissingError naming every program and header the gem5 build lacks and the Debian
 *   packages that provide them.
 */
export function checkGem5BuildTools(path: string): void {
  const missing = GEM5_BUILD_NEEDS.filter((need) => !need.found(path));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((need) => need.debianPackage))].join(' ');
  throw new ToolMissingError(`building gem5 needs ${missing.map((need) => need.what).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed`, {
    hint: `install the Debian packages: apt-get install ${packages}`,
  });
}
