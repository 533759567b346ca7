import { PAGE_SIZE, type FileDescriptor, type ProcessState } from '../../process/types.js';
import { CheckpointError, UnsupportedTargetError } from '../../errors.js';
import { bool, dec, type CptSection } from './ini.js';
import { fdArraySections } from './fd-array.js';
import { isaSection, threadContextSection } from './thread-context.js';
import { GEM5_V24_VERSION_TAGS } from './version-tags.js';
import { memStateEntries, pageTableSections, regionsForGem5, vmaSections } from './workload.js';

/** File name of the memory image inside a checkpoint directory, as gem5 names it. */
export const PMEM_FILE = 'system.physmem.store0.pmem';

export interface RenderOptions {
  /** Virtual address of each page in the pmem image, in image order (page i at paddr i*4096). */
  pageAddrs: readonly bigint[];
  /** Size of the simulated physical memory, bytes: must equal the restoring config's mem size. */
  memSize: bigint;
  /** Simulated time of the checkpoint, ticks (`[root.globals] curTick`). */
  curTick?: bigint;
  /** Instructions committed so far, written as `[system.cpu] instCnt`. */
  instCount?: bigint;
  /** Path gem5 should reopen for a file descriptor (defaults to the native path). */
  pathFor?: (fd: FileDescriptor) => string;
}

/**
 * Build the gem5 v24.0.0.1 X86 SE checkpoint sections for one stopped single-threaded process,
 * restorable by gem5's se.py (`system.cpu`, one Process) and by lapidary's own config script.
 * Pure: the same input gives byte-identical text. Format reference:
 * shared/reference/gem5-v24-se-checkpoint.md §8, read from gem5 v24.0.0.1.
 * @throws UnsupportedTargetError for a process with more than one thread.
 * @throws CheckpointError when the pages do not fit in `memSize`.
 */
export function renderCheckpoint(state: ProcessState, options: RenderOptions): CptSection[] {
  const [thread, ...others] = state.threads;
  if (thread === undefined || others.length > 0) {
    throw new UnsupportedTargetError(`process ${state.pid} has ${state.threads.length} threads; a gem5 SE checkpoint holds exactly one`);
  }
  const totalPages = options.memSize / BigInt(PAGE_SIZE);
  const usedPages = BigInt(options.pageAddrs.length);
  if (options.memSize % BigInt(PAGE_SIZE) !== 0n || usedPages > totalPages) {
    throw new CheckpointError(`${usedPages} pages do not fit in a ${options.memSize}-byte physical memory`);
  }
  const workload = 'system.cpu.workload';
  return [
    { name: 'root', entries: [['FullSystem', bool(false)]] },
    {
      name: 'root.globals',
      entries: [['curTick', dec(options.curTick ?? 0n)], ['version_tags', GEM5_V24_VERSION_TAGS.join(' ')]],
    },
    { name: 'system', entries: [] },
    { name: 'system.physmem', entries: [['lal_addr', ''], ['lal_cid', ''], ['nbr_of_stores', '1']] },
    {
      name: 'system.physmem.store0',
      entries: [['store_id', '0'], ['filename', PMEM_FILE], ['range_size', dec(options.memSize)]],
    },
    { name: 'system.workload', entries: [] },
    { name: 'system.workload.mempools', entries: [['num_pools', '1']] },
    {
      // The allocator continues after the last page of the image (src/sim/mem_pool.cc:115-124).
      name: 'system.workload.mempools.pool0',
      entries: [['page_shift', '12'], ['start_page', '0'], ['free_page_num', dec(usedPages)], ['total_pages', dec(totalPages)]],
    },
    { name: 'system.cpu', entries: [['instCnt', dec(options.instCount ?? 0n)], ['_pid', '4294967295']] },
    threadContextSection('system.cpu.xc.0', thread),
    isaSection('system.cpu.isa', thread),
    { name: workload, entries: memStateEntries(state) },
    ...vmaSections(`${workload}.vmalist`, regionsForGem5(state.regions)),
    ...pageTableSections(`${workload}.ptable`, options.pageAddrs),
    ...fdArraySections(`${workload}.fdarray`, state.fds, options.pathFor),
  ];
}
