import { UsageError } from '../errors.js';

/**
 * Placeholders of `--gem5-script SCRIPT -- ARGS…`, filled per checkpoint:
 * - `{checkpoint}`: the cpt.N directory (absolute path)
 * - `{checkpoint_dir}`: the directory holding the cpt.N directories
 * - `{index}`: the checkpoint's 1-based position among the directory's cpt.N sorted by N, which
 *   is what se.py's `-r k` takes (configs/common/Simulation.py findCptDir, gem5 v24); equals N
 *   for lapidary's numbering 1, 2, …
 * - `{binary}`: the program's executable
 * - `{mem_size}`: the checkpoint's simulated memory size, bytes (se.py: `--mem-size={mem_size}B`)
 * - `{outdir}`: the run directory (gem5's --outdir)
 * and every key of the sweep point. `{{` and `}}` stand for literal braces.
 */
export const SCRIPT_PLACEHOLDERS = ['checkpoint', 'checkpoint_dir', 'index', 'binary', 'mem_size', 'outdir'] as const;

export type ScriptPlaceholder = (typeof SCRIPT_PLACEHOLDERS)[number];

const FIELD = /\{\{|\}\}|\{([^{}]*)\}|[{}]/g;

/** The placeholder names used in `args`. @throws UsageError for a lone brace. */
export function placeholdersIn(args: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const arg of args) {
    for (const match of arg.matchAll(FIELD)) {
      if (match[0] === '{{' || match[0] === '}}') continue;
      if (match[1] === undefined) throw new UsageError(`gem5 script argument ${JSON.stringify(arg)} has a lone ${match[0]}`, { hint: 'write {{ or }} for a literal brace' });
      names.add(match[1]);
    }
  }
  return names;
}

/**
 * Check a script's argument template before anything runs: every placeholder must be known and
 * every swept key used, or the points would run the same command.
 * @throws UsageError naming the unknown placeholder (with the known ones) or the unused key.
 */
export function checkScriptArgs(args: readonly string[], sweepKeys: readonly string[]): void {
  const used = placeholdersIn(args);
  const known = new Set<string>([...SCRIPT_PLACEHOLDERS, ...sweepKeys]);
  for (const name of used) {
    if (!known.has(name)) {
      throw new UsageError(`gem5 script arguments use {${name}}, which is neither a placeholder nor a swept key`, { hint: `placeholders: ${[...known].map((k) => `{${k}}`).join(' ')}` });
    }
  }
  const unused = sweepKeys.filter((key) => !used.has(key));
  if (unused.length > 0) throw new UsageError(`--sweep ${unused.join(', ')} is not used by the gem5 script arguments`, { hint: `pass it to the script, e.g. -- ... --${unused[0]}={${unused[0]}}` });
}

/** The arguments with every placeholder replaced by its value (templates checked by checkScriptArgs). */
export function fillScriptArgs(args: readonly string[], values: Readonly<Record<string, string>>): string[] {
  return args.map((arg) => arg.replace(FIELD, (whole, name: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const value = name === undefined ? undefined : values[name];
    if (value === undefined) throw new UsageError(`no value for {${name}} in gem5 script argument ${JSON.stringify(arg)}`);
    return value;
  }));
}
