/**
 * The files a run directory receives from the data directories (SPEC `build_tree_hash()`):
 * every regular file below each input directory, hidden names skipped, later directories
 * replacing earlier ones' files of the same relative path.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One file to copy or link into the run directory. */
export interface SpecInputFile {
  /** Absolute path in the SPEC installation. */
  readonly source: string;
  /** Path relative to the run directory (may contain subdirectories, e.g. `lib/strict.pm`). */
  readonly target: string;
}

function walk(root: string, rel: string, out: Map<string, string>): void {
  const dir = rel === '' ? root : join(root, rel);
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue; // SPEC ignores hidden files (CPUv6 Trac #642)
    const relPath = rel === '' ? name : `${rel}/${name}`;
    const st = statSync(join(root, relPath));
    if (st.isDirectory()) walk(root, relPath, out);
    else if (st.isFile()) out.set(relPath, join(root, relPath));
  }
}

/**
 * Merge the input directories' files.
 *
 * @param dirs absolute paths of existing input directories, lowest priority first
 *   (see `inputDirsInMergeOrder`).
 * @returns one entry per relative path, sorted by target.
 */
export function collectInputFiles(dirs: readonly string[]): SpecInputFile[] {
  const files = new Map<string, string>();
  for (const d of dirs) walk(d, '', files);
  return [...files.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([target, source]) => ({ source, target }));
}
