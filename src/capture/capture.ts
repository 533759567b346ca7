import { MemoryLostError, TargetExitedError, UnsupportedTargetError } from '../errors.js';
import type { GdbSession } from '../gdb/session.js';
import { listRegisterNames, listRegisterValues } from '../mi/commands/index.js';
import type { Diagnostic, MemoryRegion, ProcessState } from '../process/types.js';
import { findElfSymbol } from './elf-symbols.js';
import type { ProcAccess } from './proc-access.js';
import { classifyDescriptors } from './fds.js';
import { capturePages, readPages, type PageImage } from './memory.js';
import { readFileDescriptors } from './procfs/fdinfo.js';
import { readStackLimit } from './procfs/limits.js';
import { readMaps } from './procfs/maps.js';
import { readStat } from './procfs/stat.js';
import { readVmFlags } from './procfs/smaps.js';
import { breakpointPages, findSyscallInstruction, forkSnapshot } from './snapshot.js';
import { CAPTURED_REGISTERS, restartNote, threadStateFromRegisters } from './registers.js';

/** gem5's default Process.maxStackSize (src/sim/Process.py, v24), used when RLIMIT_STACK is unlimited. */
const DEFAULT_MAX_STACK = 64n * 1024n * 1024n;

/** Register numbers for CAPTURED_REGISTERS in one gdb session (they depend on the target description). */
export async function registerNumbers(session: GdbSession): Promise<Map<string, number>> {
  const names = await listRegisterNames(session);
  const numbers = new Map<string, number>();
  for (const name of CAPTURED_REGISTERS) {
    const index = names.indexOf(name);
    if (index < 0) throw new UnsupportedTargetError(`gdb offers no register ${name}; is the target x86-64 Linux?`);
    numbers.set(name, index);
  }
  return numbers;
}

/**
 * The current program break. glibc keeps it in `__curbrk` (exported from libc.so's .dynsym; in
 * .symtab of a static executable), and every later brk(2) call glibc makes starts from that
 * value. It is found by reading the symbol tables of the mapped objects (ld.so has a private
 * `__curbrk` of its own, so gdb's symbol lookup cannot be trusted) and read from /proc/PID/mem.
 * Without it, the end of [heap] (or the heap start when there is no heap yet) is used and noted.
 */
async function currentBrk(proc: ProcAccess, pid: number, regions: readonly MemoryRegion[], startBrk: bigint, notes: Diagnostic[]): Promise<bigint> {
  const objects = [...new Set(regions.filter((r) => r.kind === 'file' && !r.deleted).map((r) => r.path!))]
    .filter((path) => !/\/ld-linux[^/]*\.so/.test(path));
  for (const path of objects) {
    const symbol = await findElfSymbol(path, '__curbrk').catch(() => undefined);
    if (symbol === undefined) continue;
    const first = regions.find((r) => r.path === path)!;
    const address = symbol.value - symbol.lowestLoad + first.start - (first.offset & ~0xfffn);
    const mem = await proc.openReader(`/proc/${pid}/mem`);
    try {
      const bytes = Buffer.alloc(8);
      const bytesRead = await mem.read(bytes, 0, 8, Number(address));
      const value = bytes.readBigUInt64LE(0);
      if (bytesRead === 8 && value >= startBrk) return value;
    } finally {
      await mem.close();
    }
  }
  const heap = regions.find((r) => r.kind === 'heap');
  notes.push({ severity: 'info', message: 'program break taken from [heap] (no readable glibc __curbrk)' });
  return heap?.end ?? startBrk;
}

/**
 * The note every checkpoint with MAP_SHARED mappings carries: gem5 SE restores each VMA as
 * private memory (gem5 v24 src/sim/mem_state.hh:224-246 MemState::unserializeSection: a VMA
 * is a name and a range, with no sharing; lapidary writes no fileOffset), so its pages hold
 * their contents at the stop but are shared with nothing afterwards.
 */
function sharedMappingsNote(shared: readonly MemoryRegion[]): string {
  const names = shared.map((r) => `0x${r.start.toString(16)}-0x${r.end.toString(16)} ${r.path ?? '(anonymous)'}${r.deleted ? ' (deleted)' : ''}`);
  const listed = names.length > 4 ? [...names.slice(0, 4), `and ${names.length - 4} more`] : names;
  return `${shared.length} MAP_SHARED mapping(s) (${listed.join(', ')}) become private anonymous memory in gem5: `
    + 'their contents are those at the stop, but writes by other processes after it are not seen, nor the program\'s writes by them';
}

/** A stopped process's state, and its non-zero pages (being read while the target runs again). */
export interface Capture {
  state: ProcessState;
  /** Resolves once every page is read; the target may be resumed before that. */
  image: Promise<PageImage>;
  /** Whether the pages come from a copy-on-write snapshot child rather than the stopped target. */
  snapshot: boolean;
  /** The `syscall` instruction the snapshot used: a hint for the next capture. */
  syscallAt?: bigint;
}

/** Merge two page images of disjoint regions into one in ascending address order. */
function mergeImages(a: PageImage, b: PageImage): PageImage {
  const merged: PageImage = {
    pageAddrs: [], pages: [],
    stats: {
      regions: a.stats.regions + b.stats.regions, bytesScanned: a.stats.bytesScanned + b.stats.bytesScanned,
      zeroPages: a.stats.zeroPages + b.stats.zeroPages, absentPages: a.stats.absentPages + b.stats.absentPages,
      unreservedAbsentPages: a.stats.unreservedAbsentPages + b.stats.unreservedAbsentPages,
    },
  };
  let i = 0;
  let j = 0;
  while (i < a.pageAddrs.length || j < b.pageAddrs.length) {
    const takeA = j >= b.pageAddrs.length || (i < a.pageAddrs.length && a.pageAddrs[i]! < b.pageAddrs[j]!);
    const [source, index] = takeA ? [a, i++] : [b, j++];
    merged.pageAddrs.push(source.pageAddrs[index]!);
    merged.pages.push(source.pages[index]!);
  }
  return merged;
}

/**
 * Capture a stopped single-threaded process: registers through gdb/MI, everything else from
 * /proc (maps, stat, limits, fd, fdinfo, cwd, exe, cmdline) and /proc/PID/mem.
 * With `snapshot`, memory is read from a copy-on-write
 * snapshot child (snapshot.ts), so the target may run on as soon as this resolves; regions the
 * child does not get intact (MADV_DONTFORK, MADV_WIPEONFORK) are read from the target first.
 * Without it, or if the target cannot clone, every page is read before this resolves.
 * @param numbers from registerNumbers(), looked up once per session.
 * @throws UnsupportedTargetError for a multi-threaded process (gem5 SE restores one thread).
 */
export async function captureProcess(
  session: GdbSession,
  proc: ProcAccess,
  pid: number,
  numbers: ReadonlyMap<string, number>,
  options: { snapshot?: boolean; syscallHint?: bigint } = {},
): Promise<Capture> {
  const tids = await proc.readdir(`/proc/${pid}/task`);
  if (tids.length !== 1) {
    throw new UnsupportedTargetError(`the target (pid ${pid}) has ${tids.length} threads; lapidary checkpoints single-threaded programs only`, {
      hint: 'gem5 SE restores one thread per checkpoint; run the program single-threaded (e.g. OMP_NUM_THREADS=1) or checkpoint before it starts threads',
    });
  }
  const notes: Diagnostic[] = [];
  const byNumber = new Map([...numbers].map(([name, n]) => [n, name]));
  const raw = await listRegisterValues(session, 'r', [...numbers.values()]);
  const values = new Map(raw.map((r) => [byNumber.get(r.number) ?? '', r.value]));
  const thread = threadStateFromRegisters(values, pid);
  if (thread.restartedSyscall) notes.push(restartNote(thread.restartedSyscall));
  const [regions, stat, stackLimit, rawFds, cwd, exe, cmdline] = await Promise.all([
    readMaps(proc, pid),
    readStat(proc, pid),
    readStackLimit(proc, pid),
    readFileDescriptors(proc, pid),
    proc.readlink(`/proc/${pid}/cwd`),
    proc.readlink(`/proc/${pid}/exe`),
    proc.readFile(`/proc/${pid}/cmdline`),
  ]);
  const stackRegion = regions.find((r) => r.kind === 'stack');
  if (stackRegion === undefined) throw new UnsupportedTargetError(`the target (pid ${pid}) has no [stack] mapping`);
  const state: ProcessState = {
    pid,
    exe,
    argv: cmdline.toString('utf8').split('\0').slice(0, -1),
    cwd,
    threads: [thread],
    regions,
    brk: { start: stat.startBrk, current: await currentBrk(proc, pid, regions, stat.startBrk, notes) },
    stack: { start: stackRegion.start, end: stackRegion.end, maxSize: stackLimit ?? DEFAULT_MAX_STACK },
    fds: classifyDescriptors(rawFds),
    notes,
  };
  const vmFlags = await readVmFlags(proc, pid);
  for (const region of regions) region.noReserve = (vmFlags.get(region.start) ?? []).includes('nr');
  const readable = regions.filter((r) => r.kind !== 'vvar' && r.kind !== 'vsyscall');
  const shared = readable.filter((r) => r.shared);
  if (shared.length > 0) notes.push({ severity: 'info', message: sharedMappingsNote(shared) });
  const targetLost = () => new TargetExitedError(`the target (pid ${pid}) ended while its memory was being read for a checkpoint; the checkpoint is not written`);
  const syscallAt = options.snapshot ? await findSyscallInstruction(proc, pid, regions, options.syscallHint) : undefined;
  const snapshot = syscallAt === undefined ? undefined : await forkSnapshot(session, thread, syscallAt);
  if (snapshot === undefined) {
    if (options.snapshot) notes.push({ severity: 'info', message: 'no copy-on-write snapshot (no syscall instruction found, or clone failed); memory was read while the target was stopped' });
    return { state, image: Promise.resolve(await capturePages(proc, pid, readable, notes, targetLost)), snapshot: false };
  }
  // MAP_SHARED pages are the same pages in the child as in the target (not copied on write), so
  // they are read from the stopped target before it runs on, as are regions the child does not inherit.
  const fromStoppedTarget = (r: MemoryRegion) => r.shared || (vmFlags.get(r.start) ?? []).some((f) => f === 'dc' || f === 'wf');
  const fromTarget = await capturePages(proc, pid, readable.filter(fromStoppedTarget), notes, targetLost);
  const cleanPages = await readPages(proc, pid, await breakpointPages(session));
  const image = (async () => {
    try {
      const childLost = () => new MemoryLostError(
        `the snapshot child (pid ${snapshot.pid}) holding the target's memory for a checkpoint ended before every page was read; the checkpoint is not written, since its missing pages would restore as zeros`,
        { hint: 'something killed it (the OOM killer when memory runs short: see dmesg); run again, or use --no-snapshot to read memory while the target is stopped' },
      );
      const fromChild = await capturePages(proc, snapshot.pid, readable.filter((r) => !fromStoppedTarget(r)), notes, childLost);
      fromChild.pageAddrs.forEach((addr, i) => {
        const clean = cleanPages.get(addr);
        if (clean !== undefined) fromChild.pages[i] = clean;
      });
      return mergeImages(fromTarget, fromChild);
    } finally {
      await snapshot.release();
    }
  })();
  image.catch(() => undefined);
  return { state, image, snapshot: true, syscallAt };
}
