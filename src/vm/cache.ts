import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where lapidary keeps guest kernels and images: `explicit`, else $LAPIDARY_VM_CACHE, else
 * $XDG_CACHE_HOME/lapidary/vm, else ~/.cache/lapidary/vm (XDG Base Directory Specification).
 */
export function vmCacheDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  if (env.LAPIDARY_VM_CACHE) return resolve(env.LAPIDARY_VM_CACHE);
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'lapidary', 'vm');
}
