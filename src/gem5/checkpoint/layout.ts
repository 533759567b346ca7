import { readdir } from 'node:fs/promises';

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
