/**
 * What a SPEC CPU 2017 installation holds: the benchmark tree and the built executables.
 * `runcpu --action=build` installs each executable as
 * `benchspec/CPU/<bench>/exe/<base_exe>_<tune>.<label>` (harness `exe_files()`), where label
 * is the config file's `label` (e.g. `mytest-m64`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, UsageError } from '../../errors.js';
import type { SpecBenchmarkSpec } from './types.js';

/** `base` or `peak` (runcpu `--tune`). */
export type SpecTune = 'base' | 'peak';

/** Whether a path is an existing directory. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `<specRoot>/benchspec/CPU`, checked.
 * @throws ConfigError when specRoot is not a SPEC CPU 2017 installation.
 */
export function specCpuDir(specRoot: string): string {
  const cpu = join(specRoot, 'benchspec', 'CPU');
  if (!isDirectory(cpu)) {
    throw new ConfigError(`${specRoot} is not a SPEC CPU 2017 installation: ${cpu} does not exist`, {
      hint: 'point the SPEC root (spec2017_config.spec2017_src_path) at the directory install.sh created; it holds shrc, bin/ and benchspec/',
    });
  }
  return cpu;
}

function buildHint(specRoot: string, bench: SpecBenchmarkSpec, tune: SpecTune): string {
  return `build it first: cd ${specRoot} && . ./shrc && runcpu --config=<your config> --action=build --tune=${tune} ${bench.name}`;
}

/** Labels for which the benchmark's first executable exists (`<exe>_<tune>.<label>`). */
export function builtLabels(exeDir: string, bench: SpecBenchmarkSpec, tune: SpecTune): string[] {
  if (!isDirectory(exeDir)) return [];
  const prefix = `${bench.exes[0]}_${tune}.`;
  return readdirSync(exeDir)
    .filter((f) => f.startsWith(prefix) && f.length > prefix.length)
    .map((f) => f.slice(prefix.length))
    .sort();
}

/**
 * The label to use: the one given (checked), or the only one built.
 * @throws ConfigError when nothing (or not that label) is built; UsageError when several labels
 *   are built and none was chosen.
 */
export function chooseLabel(specRoot: string, bench: SpecBenchmarkSpec, tune: SpecTune, label?: string): string {
  const exeDir = join(specCpuDir(specRoot), bench.name, 'exe');
  const labels = builtLabels(exeDir, bench, tune);
  if (label !== undefined) {
    if (labels.includes(label)) return label;
    throw new ConfigError(`${bench.name} has no ${tune} executable for label '${label}': ${join(exeDir, `${bench.exes[0]}_${tune}.${label}`)} does not exist`, {
      hint: labels.length > 0 ? `built labels: ${labels.join(', ')}; or ${buildHint(specRoot, bench, tune)}` : buildHint(specRoot, bench, tune),
    });
  }
  if (labels.length === 1) return labels[0]!;
  if (labels.length === 0) {
    const where = isDirectory(join(specCpuDir(specRoot), bench.name)) ? `no ${bench.exes[0]}_${tune}.<label> in ${exeDir}` : `${join(specCpuDir(specRoot), bench.name)} does not exist`;
    throw new ConfigError(`${bench.name} is not built in ${specRoot}: ${where}`, { hint: buildHint(specRoot, bench, tune) });
  }
  throw new UsageError(`${bench.name} is built for several labels (${labels.join(', ')}); choose one`, {
    hint: `pass --label ${labels[0]} (the config file's label)`,
  });
}

/** File name of a base executable: `<exe>_<tune>.<label>`. */
export function exeFileName(exe: string, tune: SpecTune, label: string): string {
  return `${exe}_${tune}.${label}`;
}

/**
 * Absolute paths of the named base executables, all checked.
 * @throws ConfigError naming every missing executable.
 */
export function requireExecutables(specRoot: string, bench: SpecBenchmarkSpec, tune: SpecTune, label: string, exes: readonly string[]): Map<string, string> {
  const exeDir = join(specCpuDir(specRoot), bench.name, 'exe');
  const paths = new Map(exes.map((e) => [e, join(exeDir, exeFileName(e, tune, label))] as const));
  const missing = [...paths.values()].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new ConfigError(`${bench.name} is only partly built: missing ${missing.join(', ')}`, { hint: buildHint(specRoot, bench, tune) });
  }
  return paths;
}
