import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** Pages per gzip member: 8 MiB of input, large enough to compress well, small enough to overlap. */
const PAGES_PER_MEMBER = 2048;

export interface PmemWriteResult {
  /** Bytes of page data before compression. */
  rawBytes: number;
  /** Bytes written to the file. */
  compressedBytes: number;
  sha256: string;
}

/**
 * Write the physical memory image: the pages in order (page i at physical address i*4096) as a
 * sequence of gzip members compressed in parallel on the libuv thread pool. gem5 reads the file
 * with gzopen/gzread (src/mem/physical.cc:434-498), which decompresses concatenated members as one
 * stream; its length (`rawBytes`) must not exceed the configured memory size.
 * @param level zlib compression level, 1 (fastest) to 9 (smallest).
 */
export async function writePmem(path: string, pages: readonly Buffer[], level: number): Promise<PmemWriteResult> {
  const file = await open(path, 'wx');
  const hash = createHash('sha256');
  let compressedBytes = 0;
  try {
    const members: Array<Promise<Buffer>> = [];
    const concurrency = Math.max(1, availableParallelism());
    let next = 0;
    const startMember = (): void => {
      if (next >= pages.length) return;
      const input = Buffer.concat(pages.slice(next, next + PAGES_PER_MEMBER));
      next += PAGES_PER_MEMBER;
      members.push(gzipAsync(input, { level }));
    };
    for (let i = 0; i < concurrency; i++) startMember();
    for (let m = 0; m < members.length; m++) {
      const member = await members[m]!;
      startMember();
      hash.update(member);
      await file.write(member);
      compressedBytes += member.length;
    }
    if (pages.length === 0) {
      const empty = await gzipAsync(Buffer.alloc(0), { level });
      hash.update(empty);
      await file.write(empty);
      compressedBytes += empty.length;
    }
    await file.sync();
  } finally {
    await file.close();
  }
  return { rawBytes: pages.length * 4096, compressedBytes, sha256: hash.digest('hex') };
}
