import { stat } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { CheckpointError } from '../../errors.js';
import type { CheckpointManifest } from './manifest.js';
import { MANIFEST_FILE } from './manifest.js';
import { PMEM_FILE } from './render.js';
import { sha256File } from './write.js';

/** sha256 (hex) of a file's contents; may answer from a cache (see identity.ts cachedFileHash). */
export type FileHasher = (path: string) => Promise<string>;

/**
 * Check every file of a checkpoint directory against the sha256 its manifest records
 * (`checksums`, written by CheckpointDirWriter with every file but lapidary.json itself), before
 * gem5 restores it. A pmem image cut short at a gzip member boundary still passes `gzip -t` and
 * gem5 restores from it without a word: PhysicalMemory::unserializeStore stops at the end of the
 * image and leaves the rest of memory zero (src/mem/physical.cc:466-485, gem5 v24.0), so a damaged checkpoint would restore and run on the wrong state; the hashes are the
 * only proof that it is whole.
 * @param hash how to hash a file: sha256File (default) rereads it; a cache keyed by the file's
 *   size, mtime, ctime and inode saves rereading a large pmem on every run.
 * @throws CheckpointError naming the first file that is missing or differs, or when the manifest
 *   records no checksum of m5.cpt or the pmem image (or names a file outside the directory).
 */
export async function verifyCheckpoint(dir: string, manifest: CheckpointManifest, hash: FileHasher = sha256File): Promise<void> {
  const recorded = manifest.checksums ?? {};
  const hint = 'copy the checkpoint again from where lapidary create wrote it, or take it again';
  for (const required of ['m5.cpt', PMEM_FILE]) {
    if (typeof recorded[required] !== 'string') {
      throw new CheckpointError(`${join(dir, MANIFEST_FILE)} records no sha256 of ${required}, so the checkpoint cannot be checked`, { hint });
    }
  }
  for (const [name, expected] of Object.entries(recorded)) {
    if (isAbsolute(name) || normalize(name).startsWith('..')) {
      throw new CheckpointError(`${join(dir, MANIFEST_FILE)} records a checksum of ${name}, a file outside the checkpoint`, { hint });
    }
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) {
      throw new CheckpointError(`${path} is missing: the checkpoint is incomplete`, { hint });
    }
    const actual = await hash(path);
    if (actual !== expected) {
      throw new CheckpointError(`${path} is damaged: its sha256 is ${actual.slice(0, 16)}…, the manifest records ${expected.slice(0, 16)}… (${info.size} bytes now)`, { hint });
    }
  }
}
