import { randomFillSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { writePmem } from '../../../src/gem5/checkpoint/pmem.js';

const work = mkdtempSync(join(tmpdir(), 'lapidary-pmem-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const PAGE = 4096;

/** `count` pages as views of one buffer, the way capture hands them over. */
function run(count: number, fill: 'random' | 'text'): Buffer[] {
  const buffer = Buffer.allocUnsafe(count * PAGE);
  if (fill === 'random') randomFillSync(buffer);
  else buffer.write('lapidary gem5 checkpoint sample line\n'.repeat(Math.ceil(buffer.length / 37)).slice(0, buffer.length));
  return Array.from({ length: count }, (_, i) => buffer.subarray(i * PAGE, (i + 1) * PAGE));
}

/**
 * The image must decompress, as one stream, to exactly the pages in order, whichever members
 * were deflated and which stored; checked by Node's zlib and by Debian's gzip, which shares no
 * code with lapidary's stored-member writer.
 */
async function roundTrip(name: string, pages: Buffer[], level: number) {
  const path = join(work, name);
  const result = await writePmem(path, pages, level);
  const file = readFileSync(path);
  const expected = Buffer.concat(pages);
  expect(result.rawBytes).toBe(expected.length);
  expect(result.compressedBytes).toBe(file.length);
  expect(gunzipSync(file).equals(expected)).toBe(true);
  const zcat = await execa('gzip', ['-dc', path], { encoding: 'buffer', stripFinalNewline: false });
  expect(Buffer.from(zcat.stdout).equals(expected)).toBe(true);
  return { file, result };
}

describe('pmem image writer', () => {
  it('stores random memory in members gzip reads back, without growing it by more than the block headers', async () => {
    const pages = run(5000, 'random'); // 3 members, the last one partial
    const { file } = await roundTrip('random.pmem', pages, 1);
    expect(file.length).toBeLessThan(pages.length * PAGE * 1.001);
  });

  it('deflates text-like memory', async () => {
    const { file } = await roundTrip('text.pmem', run(3000, 'text'), 1);
    expect(file.length).toBeLessThan(3000 * PAGE / 20);
  });

  it('mixes deflated and stored members, and pages from separate buffers, in order', async () => {
    const pages = [...run(2048, 'text'), ...run(100, 'random'), ...run(1, 'text'), ...run(2047, 'random'), ...run(7, 'text')];
    const shuffled = pages.map((p) => Buffer.from(p)); // every page its own allocation: nothing to coalesce
    await roundTrip('mixed.pmem', pages, 6);
    await roundTrip('separate.pmem', shuffled, 1);
  });

  it('stores everything at level 0 and writes an empty image as an empty gzip stream', async () => {
    const { file } = await roundTrip('level0.pmem', run(300, 'text'), 0);
    expect(file.length).toBeGreaterThan(300 * PAGE);
    const empty = await roundTrip('empty.pmem', [], 1);
    expect(empty.result.rawBytes).toBe(0);
  });
});
