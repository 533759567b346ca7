import { UsageError } from '../errors.js';

/** One point of a parameter sweep: its configuration name and its `key = value` texts, in --sweep order. */
export interface SweepPoint {
  /** `l2_size=1MiB,rob=192`: the assignments joined, keys in the order the sweeps were given. */
  name: string;
  assignments: Array<[key: string, value: string]>;
}

/**
 * The cross product of `--sweep key=v1,v2,…` options (repeatable): one point per combination,
 * the first sweep varying slowest. No sweeps give no points. Values are the texts as given
 * (typed later against whatever declares the key).
 * @throws UsageError for a sweep without `=` or values, an empty value, a value given twice,
 *   or a key swept twice.
 */
export function sweepPoints(sweeps: readonly string[]): SweepPoint[] {
  const axes: Array<{ key: string; values: string[] }> = [];
  for (const sweep of sweeps) {
    const at = sweep.indexOf('=');
    const key = sweep.slice(0, at);
    const values = sweep.slice(at + 1).split(',');
    if (at <= 0 || values.some((v) => v === '')) {
      throw new UsageError(`--sweep ${sweep}: expected KEY=V1,V2,…`, { hint: 'e.g. --sweep l2_size=256KiB,1MiB,4MiB (values without commas)' });
    }
    if (axes.some((a) => a.key === key)) throw new UsageError(`--sweep ${key} is given twice`, { hint: 'list all its values in one --sweep' });
    if (new Set(values).size !== values.length) throw new UsageError(`--sweep ${sweep} lists a value twice`);
    axes.push({ key, values });
  }
  if (axes.length === 0) return [];
  let points: Array<Array<[string, string]>> = [[]];
  for (const axis of axes) points = points.flatMap((point) => axis.values.map((value): Array<[string, string]> => [...point, [axis.key, value]]));
  return points.map((assignments) => ({ name: assignments.map(([k, v]) => `${k}=${v}`).join(','), assignments }));
}
