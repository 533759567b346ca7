import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { addAbortSignal } from 'node:stream';
import { availableParallelism } from 'node:os';
import { crc32, createGzip, deflateRawSync } from 'node:zlib';

/** Bytes of a member sampled to decide whether compressing it is worth the time. */
const SAMPLE_BYTES = 64 * 1024;
/** A sample that deflates to more than this fraction of its size is stored, not compressed. */
const INCOMPRESSIBLE = 0.9;
/** Input bytes per gzip member at most: large enough to compress well, small enough to overlap. */
const MEMBER_BYTES = 8 * 1024 * 1024;
/** Bytes per deflate stored block (at most 65535, RFC 1951 §3.2.4): eight pages. */
const STORED_BLOCK_BYTES = 32 * 1024;
/** zlib output chunk: far fewer callbacks than its 16 KiB default. */
const DEFLATE_CHUNK_BYTES = 1024 * 1024;

/**
 * The pages as the fewest buffers: consecutive pages that are adjacent views of one read
 * buffer (the usual case: capture reads runs of pages at once) become one view, without copying.
 */
function spans(pages: readonly Buffer[]): Buffer[] {
  const result: Buffer[] = [];
  let first: Buffer | undefined;
  let length = 0;
  for (const page of pages) {
    if (first !== undefined && first.buffer === page.buffer && first.byteOffset + length === page.byteOffset) {
      length += page.length;
      continue;
    }
    if (first !== undefined) result.push(Buffer.from(first.buffer, first.byteOffset, length));
    first = page;
    length = page.length;
  }
  if (first !== undefined) result.push(Buffer.from(first.buffer, first.byteOffset, length));
  return result;
}

/**
 * The image cut into members of at most MEMBER_BYTES, each a list of views: a span larger than
 * that is cut, smaller ones are grouped, so no byte is copied to build a member.
 */
function members(pages: readonly Buffer[]): Buffer[][] {
  const result: Buffer[][] = [];
  let current: Buffer[] = [];
  let size = 0;
  for (const span of spans(pages)) {
    for (let at = 0; at < span.length;) {
      if (size === MEMBER_BYTES) {
        result.push(current);
        current = [];
        size = 0;
      }
      const piece = span.subarray(at, at + MEMBER_BYTES - size);
      current.push(piece);
      size += piece.length;
      at += piece.length;
    }
  }
  // At least one member: an empty image is an empty gzip stream, which gzread accepts.
  if (current.length > 0 || result.length === 0) result.push(current);
  return result;
}

/**
 * One gzip member (RFC 1952) holding `data` in deflate stored blocks (RFC 1951 §3.2.4), as
 * buffers to write in order: the data itself is not copied, and no CPU goes into a compressor
 * that cannot shrink random or already-compressed memory. Only its CRC-32 is computed.
 */
function storedMember(data: readonly Buffer[]): Buffer[] {
  const total = data.reduce((sum, b) => sum + b.length, 0);
  const parts: Buffer[] = [Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])];
  let crc = 0;
  let written = 0;
  for (const buffer of data) {
    crc = crc32(buffer, crc);
    for (let at = 0; at < buffer.length; at += STORED_BLOCK_BYTES) {
      const block = buffer.subarray(at, at + STORED_BLOCK_BYTES);
      written += block.length;
      const header = Buffer.alloc(5);
      header[0] = written === total ? 1 : 0; // BFINAL on the last block, BTYPE 00
      header.writeUInt16LE(block.length, 1);
      header.writeUInt16LE(~block.length & 0xffff, 3);
      parts.push(header, block);
    }
  }
  if (total === 0) parts.push(Buffer.from([1, 0, 0, 0xff, 0xff]));
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(total >>> 0, 4);
  parts.push(trailer);
  return parts;
}

/**
 * One gzip member holding `data` deflated at `level`, as zlib's output chunks (not joined).
 * Aborting `signal` destroys the stream after the chunk being deflated (rejects with an AbortError).
 */
function deflatedMember(data: readonly Buffer[], level: number, signal?: AbortSignal): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const gzip = createGzip({ level, chunkSize: DEFLATE_CHUNK_BYTES });
    if (signal !== undefined) addAbortSignal(signal, gzip);
    gzip.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(chunks)).on('error', reject);
    for (const buffer of data) gzip.write(buffer);
    gzip.end();
  });
}

/**
 * One member of the image, ready to write: deflated at `level` when a sample shows the data
 * shrinks, stored otherwise (or when `level` is 0).
 */
async function member(data: Buffer[], level: number, signal?: AbortSignal): Promise<Buffer[]> {
  const sample = data[0]?.subarray(0, SAMPLE_BYTES) ?? Buffer.alloc(0);
  if (level === 0 || deflateRawSync(sample, { level: 1 }).length > INCOMPRESSIBLE * sample.length) return storedMember(data);
  return deflatedMember(data, level, signal);
}

/**
 * writev(2) every byte of `parts`: a short write (the file system filling up) is followed by a
 * write of the rest, which then fails with the real error (ENOSPC, EDQUOT, EIO).
 */
async function writeAll(file: FileHandle, parts: readonly Buffer[]): Promise<void> {
  let rest = parts.filter((p) => p.length > 0);
  while (rest.length > 0) {
    let { bytesWritten } = await file.writev(rest);
    if (bytesWritten === 0) throw Object.assign(new Error('writev wrote nothing'), { code: 'ENOSPC' });
    while (rest.length > 0 && bytesWritten >= rest[0]!.length) {
      bytesWritten -= rest[0]!.length;
      rest = rest.slice(1);
    }
    if (bytesWritten > 0) rest = [rest[0]!.subarray(bytesWritten), ...rest.slice(1)];
  }
}

export interface PmemWriteResult {
  /** Bytes of page data before compression. */
  rawBytes: number;
  /** Bytes written to the file. */
  compressedBytes: number;
  sha256: string;
}

/**
 * Write the physical memory image: the pages in order (page i at physical address i*4096) as a
 * sequence of gzip members of up to 8 MiB of input each, deflated in parallel on the libuv
 * thread pool or stored when they would not shrink. gem5 reads the file with gzopen/gzread
 * (src/mem/physical.cc:434-498, gem5 v24.0), which decompresses concatenated members as one
 * stream; its length (`rawBytes`) must not exceed the configured memory size. Hashing a member
 * overlaps writing the one before it.
 * @param level zlib compression level, 0 (store everything) or 1 (fastest) to 9 (smallest).
 * @param signal once aborted, the members being deflated stop and the write rejects (with the
 * signal's reason, or an AbortError); the caller removes the unfinished file. So a Ctrl-C does not
 * wait for a gigabyte to be compressed.
 */
export async function writePmem(path: string, pages: readonly Buffer[], level: number, signal?: AbortSignal): Promise<PmemWriteResult> {
  const file = await open(path, 'wx');
  const hash = createHash('sha256');
  let compressedBytes = 0;
  try {
    const inputs = members(pages);
    const pending: Array<Promise<Buffer[]>> = [];
    const startMember = (): void => {
      if (pending.length === inputs.length) return;
      const next = member(inputs[pending.length]!, level, signal);
      next.catch(() => undefined); // awaited in order below; a failure is rethrown there
      pending.push(next);
    };
    for (let i = 0; i < Math.max(1, availableParallelism()); i++) startMember();
    let writing: Promise<unknown> = Promise.resolve();
    for (let m = 0; m < inputs.length; m++) {
      const parts = await pending[m]!;
      signal?.throwIfAborted();
      startMember();
      for (const part of parts) {
        hash.update(part);
        compressedBytes += part.length;
      }
      await writing;
      writing = writeAll(file, parts);
      writing.catch(() => undefined); // awaited before the next write or after the last
    }
    await writing;
    await file.sync();
  } finally {
    await file.close();
  }
  return { rawBytes: pages.length * 4096, compressedBytes, sha256: hash.digest('hex') };
}
