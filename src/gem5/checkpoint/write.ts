import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, constants, mkdir, mkdtemp, open, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CheckpointError, NoSpaceError } from '../../errors.js';
import { serializeCpt, type CptSection } from './ini.js';
import { MANIFEST_FILE } from './manifest.js';
import { writePmem, type PmemWriteResult } from './pmem.js';
import { PMEM_FILE } from './render.js';

/** sha256 of a file's contents, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * `error` as a NoSpaceError when it is ENOSPC or EDQUOT (a full file system or quota), naming the
 * checkpoint's directory, the bytes it needs at most (`needed`) and the bytes free there
 * (statfs(2) f_bavail × f_bsize); any other error unchanged.
 */
async function noSpace(error: unknown, path: string, needed: number): Promise<unknown> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return error;
  const directory = dirname(path);
  const free = await statfs(directory).then((s) => s.bavail * s.bsize, () => undefined);
  const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return new NoSpaceError(
    `no space left in ${directory} (${code}) for ${basename(path)}: it needs up to ${needed} bytes (${mib(needed)})`
      + `${free !== undefined ? `, ${free} bytes (${mib(free)}) are free` : ''}`,
    { hint: 'free space there or choose a --directory on a larger file system (--compression 9 writes less); the checkpoints already there are whole' },
  );
}

/** What finish() writes: the m5.cpt sections, the pages of the pmem image, and the manifest. */
export interface CheckpointContents {
  sections: CptSection[];
  header: string;
  pages: readonly Buffer[];
  /** zlib level for the pmem image, 1 (fastest) to 9 (smallest). */
  compressionLevel: number;
  /** Once aborted (Ctrl-C), the pmem write stops and finish() rejects, leaving nothing behind. */
  signal?: AbortSignal;
  /** Builds the manifest once the checksums of every written file are known. */
  manifest: (written: { pmem: PmemWriteResult; checksums: Record<string, string> }) => object;
}

/**
 * Writes one checkpoint directory atomically. begin() makes a hidden temporary sibling
 * (`.cpt.N.partial-XXXXXX`, which gem5's `cpt\.([0-9]+)` lookup and lapidary ignore); files
 * may be snapshotted into it while the target is stopped; finish() writes the pmem image,
 * m5.cpt and lapidary.json, fsyncs everything and renames the directory into place last.
 * A crash never leaves a directory named `cpt.N` that looks whole.
 */
export class CheckpointDirWriter {
  private readonly checksums: Record<string, string> = {};

  private constructor(readonly path: string, private readonly temp: string) {}

  /**
   * Start writing the checkpoint that will be `path` (e.g. `<dir>/cpt.3`).
   * @throws CheckpointError when `path` already exists: lapidary never overwrites a checkpoint.
   */
  static async begin(path: string): Promise<CheckpointDirWriter> {
    if (await stat(path).then(() => true, () => false)) {
      throw new CheckpointError(`${path} already exists; lapidary never overwrites a checkpoint`, {
        hint: 'use an empty --directory or remove the old checkpoints',
      });
    }
    await mkdir(dirname(path), { recursive: true });
    try {
      return new CheckpointDirWriter(path, await mkdtemp(join(dirname(path), `.${basename(path)}.partial-`)));
    } catch (error) {
      throw await noSpace(error, path, 4096);
    }
  }

  /** Write `data` as file `dest` of the checkpoint; returns its sha256. @throws NoSpaceError */
  async addFile(dest: string, data: Buffer): Promise<string> {
    const target = join(this.temp, dest);
    try {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, data);
    } catch (error) {
      throw await noSpace(error, this.path, data.length);
    }
    const digest = createHash('sha256').update(data).digest('hex');
    this.checksums[dest] = digest;
    return digest;
  }

  /** Copy a file into the checkpoint now (call while the target is stopped); returns its sha256. @throws NoSpaceError */
  async snapshotFile(source: string, dest: string): Promise<string> {
    const target = join(this.temp, dest);
    try {
      await mkdir(dirname(target), { recursive: true });
      await copyFile(source, target, constants.COPYFILE_FICLONE);
    } catch (error) {
      throw await noSpace(error, this.path, (await stat(source).catch(() => undefined))?.size ?? 0);
    }
    const digest = await sha256File(target);
    this.checksums[dest] = digest;
    return digest;
  }

  /**
   * Copy bytes `start`… of `source` (to its end) into the checkpoint as `dest`, covered by the
   * checksums like every other file. Returns its sha256 and length in bytes.
   */
  async copyRest(source: string, start: bigint, dest: string): Promise<{ sha256: string; bytes: number }> {
    const target = join(this.temp, dest);
    let bytes = 0;
    try {
      await mkdir(dirname(target), { recursive: true });
      const out = createWriteStream(target);
      await pipeline(createReadStream(source, { start: Number(start) }), out);
      bytes = out.bytesWritten;
    } catch (error) {
      throw await noSpace(error, this.path, Math.max(0, ((await stat(source).catch(() => undefined))?.size ?? 0) - Number(start)));
    }
    const digest = await sha256File(target);
    this.checksums[dest] = digest;
    return { sha256: digest, bytes };
  }

  /**
   * Write everything else, fsync, and rename into place. Returns what the pmem writer measured.
   * @throws NoSpaceError when the file system is full (ENOSPC, EDQUOT, a short write): the
   * temporary directory is removed and the message gives the bytes this checkpoint needs.
   */
  async finish(contents: CheckpointContents): Promise<PmemWriteResult> {
    const cpt = serializeCpt(contents.sections, contents.header);
    try {
      const pmem = await writePmem(join(this.temp, PMEM_FILE), contents.pages, contents.compressionLevel, contents.signal);
      this.checksums[PMEM_FILE] = pmem.sha256;
      await writeFile(join(this.temp, 'm5.cpt'), cpt);
      this.checksums['m5.cpt'] = createHash('sha256').update(cpt).digest('hex');
      const manifest = contents.manifest({ pmem, checksums: { ...this.checksums } });
      await writeFile(join(this.temp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      await Promise.all(Object.keys(this.checksums).concat(MANIFEST_FILE).map((f) => fsyncPath(join(this.temp, f))));
      await fsyncPath(this.temp);
      await rename(this.temp, this.path);
      await fsyncPath(dirname(this.path));
      return pmem;
    } catch (error) {
      await this.abort();
      throw await noSpace(error, this.path, contents.pages.length * 4096 + cpt.length);
    }
  }

  /** Remove the temporary directory (after a failure). */
  async abort(): Promise<void> {
    await rm(this.temp, { recursive: true, force: true });
  }
}
