import { TargetExitedError } from '../errors.js';
import type { ProcAccess, RandomReader } from './proc-access.js';
import { PAGE_SIZE, type Diagnostic, type MemoryRegion } from '../process/types.js';

/** Largest single read from /proc/PID/mem, bytes. Big reads amortise the syscall cost. */
const READ_CHUNK_BYTES = 16 * 1024 * 1024;
const PAGE = BigInt(PAGE_SIZE);
const ZERO_PAGE = Buffer.alloc(PAGE_SIZE);

/** /proc/PID/pagemap bits (Documentation/admin-guide/mm/pagemap.rst). */
const PM_PRESENT = 1n << 63n;
const PM_SWAPPED = 1n << 62n;

/**
 * The non-zero pages of a stopped process, in ascending address order. Page i of `pages`
 * holds the 4096 bytes at virtual address `pageAddrs[i]`. Pages that are absent here read as
 * zero: anonymous pages never touched, and pages whose bytes are all zero. gem5 gives a page
 * inside a VMA but missing from the page table a fresh zero-filled frame on first touch
 * (src/sim/mem_state.cc:392-420), so they need no space in the image.
 */
export interface PageImage {
  pageAddrs: bigint[];
  /** Page contents, each a 4096-byte view; `pages.length === pageAddrs.length`. */
  pages: Buffer[];
  stats: { regions: number; bytesScanned: number; zeroPages: number; absentPages: number };
}

/**
 * Which pages of an anonymous private region the process ever touched (present or swapped).
 * Untouched anonymous pages are zero, so they need not be read at all.
 */
async function touchedPages(pagemap: RandomReader, region: MemoryRegion): Promise<boolean[]> {
  const count = Number((region.end - region.start) / PAGE);
  const bytes = Buffer.allocUnsafe(count * 8);
  const bytesRead = await pagemap.read(bytes, 0, bytes.length, Number((region.start / PAGE) * 8n));
  const touched = new Array<boolean>(count);
  for (let i = 0; i < count; i++) {
    const entry = i * 8 + 8 <= bytesRead ? bytes.readBigUInt64LE(i * 8) : PM_PRESENT;
    touched[i] = (entry & (PM_PRESENT | PM_SWAPPED)) !== 0n;
  }
  return touched;
}

/** Runs of consecutive `true` pages as [firstPage, pageCount], split at READ_CHUNK_BYTES. */
function runs(wanted: boolean[]): Array<[number, number]> {
  const maxPages = READ_CHUNK_BYTES / PAGE_SIZE;
  const result: Array<[number, number]> = [];
  let i = 0;
  while (i < wanted.length) {
    if (!wanted[i]) { i++; continue; }
    const first = i;
    while (i < wanted.length && wanted[i] && i - first < maxPages) i++;
    result.push([first, i - first]);
  }
  return result;
}

/**
 * Read every readable mapping of a stopped process straight from /proc/PID/mem
 * (file-backed read-only ones included) and keep its non-zero pages.
 * Regions without read permission (PROT_NONE guards) are not read: their pages are zero-filled
 * by gem5 if ever touched. Pages the kernel refuses to read (EIO: a file mapping past the end of
 * its file) are left out and reported in `notes`.
 * @throws TargetExitedError when a read returns no byte without an error: the process's memory is
 * gone (it was killed; fs/proc/base.c `mem_rw` answers 0 once the mm has no users), and reading on
 * page by page would only repeat that for every page.
 */
export async function capturePages(proc: ProcAccess, pid: number, regions: readonly MemoryRegion[], notes: Diagnostic[]): Promise<PageImage> {
  const image: PageImage = { pageAddrs: [], pages: [], stats: { regions: 0, bytesScanned: 0, zeroPages: 0, absentPages: 0 } };
  const mem = await proc.openReader(`/proc/${pid}/mem`);
  const pagemap = await proc.openReader(`/proc/${pid}/pagemap`);
  try {
    for (const region of regions) {
      if (!region.prot.read) continue;
      image.stats.regions++;
      const anonymous = !region.shared && (region.kind === 'anon' || region.kind === 'heap' || region.kind === 'stack');
      const wanted = anonymous
        ? await touchedPages(pagemap, region)
        : new Array<boolean>(Number((region.end - region.start) / PAGE)).fill(true);
      image.stats.absentPages += wanted.filter((w) => !w).length;
      for (const [first, count] of runs(wanted)) {
        await readRun(mem, pid, region.start + BigInt(first) * PAGE, count, image, notes);
      }
    }
  } finally {
    await Promise.all([mem.close(), pagemap.close()]);
  }
  return image;
}

async function readRun(mem: RandomReader, pid: number, start: bigint, count: number, image: PageImage, notes: Diagnostic[]): Promise<void> {
  const buffer = Buffer.allocUnsafe(count * PAGE_SIZE);
  let filled = 0;
  try {
    filled = await mem.read(buffer, 0, buffer.length, Number(start));
    if (filled === 0) throw new TargetExitedError(`process ${pid} went away while its memory was read (at 0x${start.toString(16)})`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EIO') throw error;
  }
  const good = Math.floor(filled / PAGE_SIZE);
  image.stats.bytesScanned += good * PAGE_SIZE;
  for (let i = 0; i < good; i++) {
    const page = buffer.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
    if (page.equals(ZERO_PAGE)) { image.stats.zeroPages++; continue; }
    image.pageAddrs.push(start + BigInt(i) * PAGE);
    image.pages.push(page);
  }
  if (good === count) return;
  if (count === 1) {
    notes.push({ severity: 'warning', message: `page 0x${start.toString(16)} cannot be read from /proc/PID/mem; it restores as zeros` });
    return;
  }
  // Part of the run is unreadable: go on page by page to keep what can be read.
  for (let i = good; i < count; i++) await readRun(mem, pid, start + BigInt(i) * PAGE, 1, image, notes);
}

/** Read whole pages (4096 bytes at each page address) of a stopped process; unreadable ones are left out. */
export async function readPages(proc: ProcAccess, pid: number, pageAddrs: readonly bigint[]): Promise<Map<bigint, Buffer>> {
  const pages = new Map<bigint, Buffer>();
  if (pageAddrs.length === 0) return pages;
  const mem = await proc.openReader(`/proc/${pid}/mem`);
  try {
    for (const addr of pageAddrs) {
      const page = Buffer.alloc(PAGE_SIZE);
      const bytesRead = await mem.read(page, 0, PAGE_SIZE, Number(addr)).catch(() => 0);
      if (bytesRead === PAGE_SIZE) pages.set(addr, page);
    }
  } finally {
    await mem.close();
  }
  return pages;
}
