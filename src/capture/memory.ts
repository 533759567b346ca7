import type { LapidaryError } from '../errors.js';
import type { ProcAccess, RandomReader } from './proc-access.js';
import { readStat } from './procfs/stat.js';
import { PAGE_SIZE, type Diagnostic, type MemoryRegion } from '../process/types.js';

/** Largest single read from /proc/PID/mem, bytes. Big reads amortise the syscall cost. */
const READ_CHUNK_BYTES = 16 * 1024 * 1024;
const PAGE = BigInt(PAGE_SIZE);
const ZERO_PAGE = Buffer.alloc(PAGE_SIZE);

/**
 * /proc/PID/pagemap: one 64-bit entry per page; bit 63 present, bit 62 swapped
 * (Documentation/admin-guide/mm/pagemap.rst). Tested on the entry's upper 32-bit half.
 */
const PM_TOUCHED_HIGH = (1 << 31 | 1 << 30) >>> 0;
/** Pagemap entries read at a time (4 MiB): a 256 GiB region is scanned in bounded memory. */
const PAGEMAP_CHUNK_PAGES = 512 * 1024;
/** Regions of at least this many pages (1 GiB) ask PAGEMAP_SCAN, worth a helper process. */
const SCAN_HELPER_MIN_PAGES = 256 * 1024;

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
  /**
   * Counts: regions read, bytes read, pages read and found all zero, pages not read (untouched
   * anonymous or shared memory) and, of those, pages in MAP_NORESERVE regions (smaps `nr`).
   */
  stats: { regions: number; bytesScanned: number; zeroPages: number; absentPages: number; unreservedAbsentPages: number };
}

/** How the pages of one region to read are chosen. */
type Selection =
  /** Every page: file-backed private mappings, whose untouched pages hold the file's bytes, and [vdso]. */
  | { kind: 'all' }
  /** Pages present or swapped in the page table: private anonymous memory, never touched = zero. */
  | { kind: 'touched' }
  /**
   * Shared memory: pages present or swapped in the page table, and pages of the backing object
   * that hold data (`extents`, byte offsets in the object) though not mapped here. Reading any
   * other page through /proc/PID/mem would make the kernel allocate it (a shmem hole).
   */
  | { kind: 'touched-or-data'; extents: ReadonlyArray<readonly [bigint, bigint]> };

/** Page ranges `[first, end)` (page indices in a region), ascending and disjoint. */
type PageRanges = Array<[number, number]>;

/**
 * The pages of `region` present or swapped in the page table. A region of at least
 * SCAN_HELPER_MIN_PAGES asks the kernel's page-table walk (ProcAccess.touchedPages,
 * PAGEMAP_SCAN) where it can; otherwise /proc/PID/pagemap is read PAGEMAP_CHUNK_PAGES entries
 * at a time, so a huge sparse region costs time, not memory.
 */
async function touchedRanges(proc: ProcAccess, pid: number, pagemap: RandomReader, region: MemoryRegion, watched: WatchedProcess): Promise<PageRanges> {
  const count = Number((region.end - region.start) / PAGE);
  if (count >= SCAN_HELPER_MIN_PAGES && proc.touchedPages !== undefined) {
    const scanned = await proc.touchedPages(pid, region.start, region.end);
    if (scanned !== undefined) return scanned.map(([s, e]) => [Number((s - region.start) / PAGE), Number((e - region.start) / PAGE)]);
  }
  const ranges: PageRanges = [];
  // Entries as 32-bit halves (little endian: the upper half of entry i is words[2i+1]).
  const words = new Uint32Array(Math.min(count, PAGEMAP_CHUNK_PAGES) * 2);
  const bytes = Buffer.from(words.buffer);
  for (let first = 0; first < count; first += PAGEMAP_CHUNK_PAGES) {
    const pages = Math.min(PAGEMAP_CHUNK_PAGES, count - first);
    const bytesRead = await pagemap.read(bytes, 0, pages * 8, Number((region.start / PAGE + BigInt(first)) * 8n));
    if (bytesRead < pages * 8) await watched.checkAlive();
    for (let i = 0; i < pages; i++) {
      // An entry pagemap did not give (the process lives: checked above) is read to be sure.
      if (i * 8 + 8 > bytesRead || (words[2 * i + 1]! & PM_TOUCHED_HIGH) !== 0) {
        const last = ranges[ranges.length - 1];
        if (last !== undefined && last[1] === first + i) last[1]++;
        else ranges.push([first + i, first + i + 1]);
      }
    }
  }
  return ranges;
}

/** The union of two sorted lists of page ranges. */
function unionRanges(a: PageRanges, b: PageRanges): PageRanges {
  const merged: PageRanges = [];
  for (const [s, e] of [...a, ...b].sort((x, y) => x[0] - y[0])) {
    const last = merged[merged.length - 1];
    if (last !== undefined && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

/**
 * Runs of pages to read in `region` as [firstPage, pageCount] (page indices in the region),
 * split at READ_CHUNK_BYTES, with the count of pages left out.
 */
async function selectRuns(
  proc: ProcAccess, pid: number, pagemap: RandomReader, region: MemoryRegion, selection: Selection, watched: WatchedProcess,
): Promise<{ runs: Array<[number, number]>; skipped: number }> {
  const count = Number((region.end - region.start) / PAGE);
  let wanted: PageRanges;
  if (selection.kind === 'all') {
    wanted = [[0, count]];
  } else {
    wanted = await touchedRanges(proc, pid, pagemap, region, watched);
    if (selection.kind === 'touched-or-data') {
      // Extents are byte offsets in the object; page i of the region is at region.offset + i * 4096.
      const data: PageRanges = selection.extents
        .map(([s, e]): [number, number] => [Number((s - region.offset) / PAGE), Number((e - region.offset + PAGE - 1n) / PAGE)])
        .map(([s, e]): [number, number] => [Math.max(0, s), Math.min(count, e)])
        .filter(([s, e]) => s < e);
      wanted = unionRanges(wanted, data);
    }
  }
  const maxPages = READ_CHUNK_BYTES / PAGE_SIZE;
  const runs: Array<[number, number]> = [];
  let kept = 0;
  for (const [s, e] of wanted) {
    kept += e - s;
    for (let first = s; first < e; first += maxPages) runs.push([first, Math.min(maxPages, e - first)]);
  }
  return { runs, skipped: count - kept };
}

/** Objects of the kernel's internal shmem mount (mm/shmem.c, ipc/shm.c): their holes are allocated when read through a mapping. */
/** Read-only shared file mappings up to this size (bytes) are read in full (selectionFor). */
const SMALL_READ_ONLY_SHARED_BYTES = 64n * 1024n * 1024n;

function isShmemObject(region: MemoryRegion): boolean {
  const path = region.path ?? '';
  return (region.deleted && (path === '/dev/zero' || /^\/SYSV[0-9a-f]{8}$/.test(path) || path.startsWith('/memfd:'))) || path.startsWith('/dev/shm/');
}

/**
 * How to choose the pages of `region` to read. A shared mapping's object is asked for its data
 * extents through /proc/PID/map_files/START-END (proc(5); needs CAP_SYS_ADMIN) with SEEK_DATA;
 * when it cannot be asked, a shmem object is read as far as the page table has it, with a note,
 * and a file in full. Pages of a shared file mapping past the file's end are noted: gem5 gives
 * them zeros where natively a touch raises SIGBUS.
 */
async function selectionFor(proc: ProcAccess, pid: number, region: MemoryRegion, notes: Diagnostic[]): Promise<Selection> {
  if (!region.shared) return region.kind === 'anon' || region.kind === 'heap' || region.kind === 'stack' ? { kind: 'touched' } : { kind: 'all' };
  const name = `${region.start.toString(16)}-${region.end.toString(16)}`;
  const length = region.end - region.start;
  // A small read-only mapping of a file (glibc's gconv-modules.cache, a locale archive) is read in
  // full, like a private file mapping: its untouched pages come from the file, and asking for
  // extents would start a helper process in every checkpoint's pause (+25 ms each on xz).
  if (!region.prot.write && !isShmemObject(region) && length <= SMALL_READ_ONLY_SHARED_BYTES) return { kind: 'all' };
  const answer = proc.dataExtents === undefined ? undefined : await proc.dataExtents(`/proc/${pid}/map_files/${name}`, region.offset, length);
  const label = `shared mapping 0x${name.replace('-', '-0x')} (${region.path ?? 'anonymous'})`;
  if (answer === undefined) {
    if (!isShmemObject(region)) return { kind: 'all' };
    notes.push({
      severity: 'warning',
      message: `${label}: its object cannot be asked which pages hold data (no SEEK_DATA, or /proc/PID/map_files not readable), so only the pages the target has mapped are kept; pages of the object it has not mapped at the stop (e.g. reclaimed to swap, or written by write(2)) restore as zeros`,
    });
    return { kind: 'touched-or-data', extents: [] };
  }
  const pastEnd = region.offset + length - answer.size;
  if (pastEnd >= PAGE) {
    notes.push({ severity: 'warning', message: `${label}: ${pastEnd / PAGE} pages lie past the end of the object (${answer.size} bytes); they restore as zeros, where natively a touch raises SIGBUS` });
  }
  return { kind: 'touched-or-data', extents: answer.extents };
}

/**
 * The process whose memory is being read, told apart from a later process given the same pid
 * by its start time (/proc/PID/stat field 22).
 */
interface WatchedProcess {
  /** @throws the caller's error (see capturePages `lost`) when the process has ended or become a zombie. */
  checkAlive(): Promise<void>;
}

async function watchProcess(proc: ProcAccess, pid: number, lost: () => LapidaryError): Promise<WatchedProcess> {
  const started = (await readStat(proc, pid)).startTime;
  return {
    checkAlive: async () => {
      const now = await readStat(proc, pid).catch(() => undefined);
      if (now === undefined || now.state === 'Z' || now.state === 'X' || now.startTime !== started) throw lost();
    },
  };
}

/**
 * Read every readable mapping of a stopped process straight from /proc/PID/mem
 * (file-backed read-only ones included) and keep its non-zero pages.
 * Regions without read permission (PROT_NONE guards) are not read: their pages are zero-filled
 * by gem5 if ever touched. Pages the kernel refuses to read (EIO: a file mapping past the end of
 * its file) are left out and reported in `notes`.
 *
 * A process that ends while it is read (killed, or chosen by the OOM killer) answers every later
 * read of /proc/PID/mem and /proc/PID/pagemap with 0 bytes, not EIO (fs/proc/base.c mem_rw:
 * `mmget_not_zero` fails once its mm is gone), which would otherwise pass for unreadable pages.
 * So a short read, and the end of the whole read, check that the process still lives.
 * @param lost the error thrown when the process ended before every page was read.
 * @throws `lost()`; the image would lack pages, and no image is better than a wrong one.
 */
export async function capturePages(
  proc: ProcAccess,
  pid: number,
  regions: readonly MemoryRegion[],
  notes: Diagnostic[],
  lost: () => LapidaryError,
): Promise<PageImage> {
  const image: PageImage = { pageAddrs: [], pages: [], stats: { regions: 0, bytesScanned: 0, zeroPages: 0, absentPages: 0, unreservedAbsentPages: 0 } };
  const watched = await watchProcess(proc, pid, lost);
  const mem = await proc.openReader(`/proc/${pid}/mem`);
  const pagemap = await proc.openReader(`/proc/${pid}/pagemap`);
  try {
    for (const region of regions) {
      if (!region.prot.read) continue;
      image.stats.regions++;
      const { runs, skipped } = await selectRuns(proc, pid, pagemap, region, await selectionFor(proc, pid, region, notes), watched);
      image.stats.absentPages += skipped;
      if (region.noReserve) image.stats.unreservedAbsentPages += skipped;
      for (const [first, count] of runs) {
        await readRun(mem, region.start + BigInt(first) * PAGE, count, image, notes, watched);
      }
    }
    // A process that died after its last short read leaves no trace in the bytes: ask once more.
    await watched.checkAlive();
  } finally {
    await Promise.all([mem.close(), pagemap.close()]);
  }
  return image;
}

async function readRun(mem: RandomReader, start: bigint, count: number, image: PageImage, notes: Diagnostic[], watched: WatchedProcess): Promise<void> {
  const buffer = Buffer.allocUnsafe(count * PAGE_SIZE);
  let filled = 0;
  try {
    filled = await mem.read(buffer, 0, buffer.length, Number(start));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EIO') throw error;
  }
  if (filled < buffer.length) await watched.checkAlive();
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
  for (let i = good; i < count; i++) await readRun(mem, start + BigInt(i) * PAGE, 1, image, notes, watched);
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
