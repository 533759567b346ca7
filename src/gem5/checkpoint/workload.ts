import { PAGE_SIZE, type MemoryRegion, type ProcessState } from '../../process/types.js';
import { dec, type CptSection } from './ini.js';

/** Regions gem5 must not get: the kernel's vvar pages cannot be read and vsyscall is gem5's own. */
export function regionsForGem5(regions: readonly MemoryRegion[]): MemoryRegion[] {
  return regions.filter((r) => r.kind !== 'vvar' && r.kind !== 'vsyscall');
}

/**
 * The lowest start address of the mmap area (shared libraries, anonymous mmaps, ld.so):
 * everything above the program break that is not the stack. gem5's x86 mmap grows down from
 * `mmapEnd` and walks down until the range is free (src/sim/mem_state.cc:456-482).
 * Falls back to gem5's own default below the stack when nothing is mapped there.
 */
export function mmapEnd(state: ProcessState): bigint {
  const floor = state.brk.current > state.brk.start ? state.brk.current : state.brk.start;
  const candidates = regionsForGem5(state.regions)
    .filter((r) => r.kind !== 'stack' && r.kind !== 'heap' && r.start >= floor && r.end <= state.stack.start)
    .map((r) => r.start);
  if (candidates.length === 0) return 0x7ffff7fff000n;
  return candidates.reduce((a, b) => (a < b ? a : b));
}

/**
 * `[system.cpu.workload]` MemState keys (src/sim/mem_state.hh:189-246), all mandatory.
 * The stack may grow down to stackBase - maxStackSize after restore (mem_state.cc:432-451).
 */
export function memStateEntries(state: ProcessState): Array<[string, string]> {
  const { stack } = state;
  return [
    ['brkPoint', dec(state.brk.current)],
    ['stackBase', dec(stack.end)],
    ['stackSize', dec(stack.end - stack.start)],
    ['maxStackSize', dec(stack.maxSize)],
    ['stackMin', dec(stack.start)],
    ['nextThreadStackBase', dec(stack.end - stack.maxSize)],
    ['mmapEnd', dec(mmapEnd(state))],
  ];
}

/**
 * The VMA list: one anonymous VMA per mapping, no `fileOffset`, so restore never opens host
 * files for memory (mem_state.hh:199-246). Every page-table entry lies inside one of them,
 * which MemState::isUnmapped requires (mem_state.cc:81-104).
 */
export function vmaSections(prefix: string, regions: readonly MemoryRegion[]): CptSection[] {
  return [
    { name: prefix, entries: [['size', dec(regions.length)]] },
    ...regions.map((r, i): CptSection => ({
      name: `${prefix}.Vma${i}`,
      entries: [
        ['name', r.path ?? 'anon'],
        ['addrRangeStart', dec(r.start)],
        ['addrRangeEnd', dec(r.end)],
      ],
    })),
  ];
}

/**
 * The EmulationPageTable (src/mem/page_table.cc:185-221): page i of the pmem image holds the
 * page at `pageAddrs[i]`, so its physical address is i * 4096. Flags 0: gem5 never marks x86
 * SE pages read-only and ReadOnly would make stores loop in fixupFault.
 */
export function pageTableSections(prefix: string, pageAddrs: readonly bigint[]): CptSection[] {
  const sections: CptSection[] = [{ name: prefix, entries: [['size', dec(pageAddrs.length)]] }];
  pageAddrs.forEach((vaddr, i) => {
    sections.push({
      name: `${prefix}.Entry${i}`,
      entries: [['vaddr', dec(vaddr)], ['paddr', dec(BigInt(i) * BigInt(PAGE_SIZE))], ['flags', '0']],
    });
  });
  return sections;
}
