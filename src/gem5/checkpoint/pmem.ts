import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { deflateRawSync, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** Bytes of a member sampled to decide whether compressing it is worth the time. */
const SAMPLE_BYTES = 64 * 1024;
/** A sample that deflates to more than this fraction of its size is stored (gzip level 0). */
const INCOMPRESSIBLE = 0.9;

/**
 * Compress one member, storing it instead (level 0: deflate stored blocks, no CPU spent) when a
 * sample shows it will not shrink: random or already-compressed memory costs time and saves nothing.
 */
function compressMember(input: Buffer, level: number): Promise<Buffer> {
  const sample = input.subarray(0, SAMPLE_BYTES);
  const ratio = deflateRawSync(sample, { level: 1 }).length / Math.max(1, sample.length);
  return gzipAsync(input, { level: ratio > INCOMPRESSIBLE ? 0 : level });
}

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
 * sequence of gzip members compressed in parallel on the libuv thread pool (incompressible
 * members are stored). gem5 reads the file
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
      members.push(compressMember(input, level));
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
