import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { sha256File } from '../gem5/checkpoint/write.js';
import type { RunStore } from './records.js';

/**
 * sha256 of a file, remembered in the run store by (path, size, mtime, ctime, inode) so that a
 * 200 MB gem5 binary or a large pmem image is hashed once, not on every batch.
 */
export async function cachedFileHash(store: RunStore, path: string): Promise<string> {
  const info = await stat(path);
  const key = { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino };
  const cached = store.cachedHash(path, key);
  if (cached !== undefined) return cached;
  const digest = await sha256File(path);
  store.rememberHash(path, key, digest);
  return digest;
}

/**
 * A run's identity: sha256 over the sha256s of the gem5 binary, the config script, the checkpoint
 * manifest and the user's system file ('' for none), and the parameters that change results.
 * Two runs with the same identity produce the same statistics, so a Finished one is not run
 * again (unless --rerun); editing the system file makes every run of it new.
 */
export function runIdentity(parts: { gem5: string; script: string; manifest: string; system: string; params: Record<string, unknown> }): string {
  const params = JSON.stringify(canonical(parts.params));
  return createHash('sha256').update(`${parts.gem5}\n${parts.script}\n${parts.manifest}\n${parts.system}\n${params}`).digest('hex');
}

/** A copy of a JSON value with object keys sorted at every level, so equal parameters hash equally. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
}
