import { GPR_ENCODING_ORDER, type ThreadState } from '../../process/types.js';
import { bool, dec, list, type CptSection } from './ini.js';
import { freshMiscRegs, MiscReg } from './misc-regs.js';
import { extendedToDoubleBits } from './x87.js';

/** X86 register classes in ISA::regClasses() order with their sizes (src/arch/x86/isa.cc:142-176). */
const NUM_INT_REGS = 39; // 16 GPRs, T0..T15, a gap at 32, 6 implicit (regs/int.hh:69-101)
const NUM_FLOAT_REGS = 48; // FPR0-7, XMM0-15 low/high, microfp0-7 (regs/float.hh:52-120)
const NUM_CC_REGS = 5; // Zaps, Cfof, Df, Ecf, Ezf (regs/ccr.hh:51-60)
const FLOAT_XMM_BASE = 8;

/** RFLAGS bits gem5 keeps in condition-code registers (regs/misc.hh, utility.cc setRFlags). */
const CC_FLAG_MASK = 0xd4n; // PF|AF|ZF|SF
const CFOF_MASK = 0x801n; // CF|OF
const DF_BIT = 0x400n;

/**
 * Local APIC reset state (src/arch/x86/interrupts.cc:636-662): 70 registers with
 * VERSION = 0x50014, DFR = 0xffffffff, SVR = 0xff and the six LVT entries masked.
 */
function apicRegs(): number[] {
  const regs = new Array<number>(70).fill(0);
  regs[1] = 0x50014;
  regs[7] = 0xffffffff;
  regs[8] = 0xff;
  for (let i = 60; i <= 65; i++) regs[i] = 0x10000;
  return regs;
}

/** The keys X86ISA::Interrupts::serialize writes (src/arch/x86/interrupts.cc:764-819), all mandatory. */
function apicEntries(): Array<[string, string]> {
  return [
    ['regs', list(apicRegs())],
    ['pendingSmi', bool(false)], ['smiVector', '0'],
    ['pendingNmi', bool(false)], ['nmiVector', '0'],
    ['pendingExtInt', bool(false)], ['extIntVector', '0'],
    ['pendingInit', bool(false)], ['initVector', '0'],
    ['pendingStartup', bool(false)], ['startupVector', '0'],
    ['startedUp', bool(false)],
    ['pendingUnmaskableInt', bool(false)],
    ['pendingIPIs', '0'], ['IRRV', '0'], ['ISRV', '0'],
    ['apicTimerEventScheduled', bool(false)], ['apicTimerEventTick', '0'],
  ];
}

/** `count` registers of 8 bytes, little-endian, as the decimal byte list gem5 expects. */
function regBytes(values: ReadonlyArray<bigint>, count: number): string {
  const bytes = new Uint8Array(count * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setBigUint64(i * 8, BigInt.asUintN(64, value), true));
  return list(Array.from(bytes));
}

/** regs.floating_point bytes: physical x87 registers, then XMM0..15 verbatim, then microfp zeros. */
function floatRegBytes(thread: ThreadState): string {
  const bytes = new Uint8Array(NUM_FLOAT_REGS * 8);
  const view = new DataView(bytes.buffer);
  const top = (thread.x87.fsw >> 11) & 7;
  thread.x87.st.forEach((st, i) => {
    // ST(i) is physical register FPR[(TOP + i) % 8] (regs/float.hh:188-192).
    view.setBigUint64(((top + i) % 8) * 8, extendedToDoubleBits(st), true);
  });
  thread.sse.xmm.forEach((xmm, i) => bytes.set(xmm, (FLOAT_XMM_BASE + 2 * i) * 8));
  return list(Array.from(bytes));
}

/** RFLAGS split the way setRFlags does it (src/arch/x86/utility.cc:74-88). */
export function splitRflags(rflags: bigint): { zaps: bigint; cfof: bigint; df: bigint; misc: bigint } {
  return {
    zaps: rflags & CC_FLAG_MASK,
    cfof: rflags & CFOF_MASK,
    df: rflags & DF_BIT,
    misc: rflags & ~(CC_FLAG_MASK | CFOF_MASK | DF_BIT),
  };
}

/**
 * `[system.cpu.xc.0]`: the APIC keys, `_status` (0 = Active, so the restored CPU ticks),
 * the register files as byte arrays (src/cpu/thread_context.cc:193-246) and the PC state
 * with `_size=0` so the decoder recomputes the next PC (src/arch/x86/decoder.hh:340-351).
 */
export function threadContextSection(name: string, thread: ThreadState): CptSection {
  const ints = GPR_ENCODING_ORDER.map((reg) => thread.gpr[reg]);
  const flags = splitRflags(thread.gpr.rflags);
  const rip = thread.gpr.rip;
  return {
    name,
    entries: [
      ...apicEntries(),
      ['_status', '0'],
      ['regs.integer', regBytes(ints, NUM_INT_REGS)],
      ['regs.floating_point', floatRegBytes(thread)],
      ['regs.vector', regBytes([], 1)],
      ['regs.vector_element', regBytes([], 2)],
      ['regs.vector_predicate', regBytes([], 1)],
      ['regs.matrix', ''],
      ['regs.condition_code', regBytes([flags.zaps, flags.cfof, flags.df, 0n, 0n], NUM_CC_REGS)],
      ['_pc', dec(rip)],
      ['_upc', '0'],
      ['_npc', dec(rip + 8n)],
      ['_nupc', '1'],
      ['_size', '0'],
    ],
  };
}

/**
 * `[system.cpu.isa]`: gem5's fresh-process misc registers with this thread's RFLAGS remainder,
 * selectors, FS/GS base and effective base, and x87/SSE control state patched in.
 */
export function isaSection(name: string, thread: ThreadState): CptSection {
  const regs = freshMiscRegs();
  const { x87, sse, segments } = thread;
  regs[MiscReg.Rflags] = splitRflags(thread.gpr.rflags).misc;
  regs[MiscReg.CsSel] = BigInt(segments.cs);
  regs[MiscReg.SsSel] = BigInt(segments.ss);
  regs[MiscReg.DsSel] = BigInt(segments.ds);
  regs[MiscReg.EsSel] = BigInt(segments.es);
  regs[MiscReg.FsSel] = BigInt(segments.fs);
  regs[MiscReg.GsSel] = BigInt(segments.gs);
  regs[MiscReg.FsBase] = segments.fsBase;
  regs[MiscReg.FsEffBase] = segments.fsBase;
  regs[MiscReg.GsBase] = segments.gsBase;
  regs[MiscReg.GsEffBase] = segments.gsBase;
  regs[MiscReg.X87Top] = BigInt((x87.fsw >> 11) & 7);
  regs[MiscReg.Mxcsr] = BigInt(sse.mxcsr);
  regs[MiscReg.Fcw] = BigInt(x87.fcw);
  regs[MiscReg.Fsw] = BigInt(x87.fsw);
  regs[MiscReg.Ftw] = BigInt(x87.ftw);
  regs[MiscReg.Fioff] = x87.fioff;
  regs[MiscReg.Fooff] = x87.fooff;
  regs[MiscReg.Fop] = BigInt(x87.fop);
  return { name, entries: [['isaName', 'x86'], ['regVal', list(regs)]] };
}
