import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, UsageError } from '../../errors.js';

/**
 * Checkpoint directories are `<directory>/cpt.<N>` with N = 1, 2, …, so that gem5's own
 * `se.py --checkpoint-dir=<directory> -r k` (configs/common/Simulation.py findCptDir: names
 * matching `cpt\.([0-9]+)`, sorted numerically, 1-based) restores checkpoint k.
 */
export const CHECKPOINT_PREFIX = 'cpt.';
const CHECKPOINT_NAME = /^cpt\.(\d+)$/;

/** The checkpoint directories under `directory`, sorted by index. */
export async function listCheckpoints(directory: string): Promise<Array<{ index: number; name: string }>> {
  const names = await readdir(directory).catch(() => [] as string[]);
  return names
    .map((name) => ({ name, match: CHECKPOINT_NAME.exec(name) }))
    .filter((e): e is { name: string; match: RegExpExecArray } => e.match !== null)
    .map((e) => ({ index: Number(e.match[1]), name: e.name }))
    .sort((a, b) => a.index - b.index);
}

/**
 * The checkpoint gem5's `se.py --checkpoint-dir=<directory> -r <k>` restores: the k-th (1-based)
 * of the cpt.N directories in numeric order (configs/common/Simulation.py:199-215 findCptDir,
 * v24), which is cpt.k unless some were removed.
 * @returns the checkpoint's path and name.
 * @throws CheckpointError when `directory` holds no cpt.N directory.
 * @throws UsageError when `k` is not a whole number from 1 to the number of checkpoints.
 */
export async function checkpointByRestoreNumber(directory: string, k: number): Promise<{ path: string; name: string }> {
  const checkpoints = await listCheckpoints(directory);
  if (checkpoints.length === 0) {
    throw new CheckpointError(`${directory} holds no cpt.N checkpoints`, { hint: 'write some with lapidary create, or point --checkpoint-dir at the directory it wrote' });
  }
  const range = `${checkpoints[0]!.name} … ${checkpoints.at(-1)!.name}`;
  if (!(Number.isInteger(k) && k >= 1 && k <= checkpoints.length)) {
    throw new UsageError(`-r ${k}: ${directory} holds ${checkpoints.length} checkpoint${checkpoints.length === 1 ? '' : 's'} (${range})`, {
      hint: `give -r a number from 1 to ${checkpoints.length}: the k-th checkpoint in order, as gem5's se.py counts`,
    });
  }
  const { name } = checkpoints[k - 1]!;
  return { path: join(directory, name), name };
}
