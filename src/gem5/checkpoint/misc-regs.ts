/**
 * gem5 v24.0.0.1 X86 misc registers: `[system.cpu.isa] regVal` holds exactly
 * misc_reg::NumRegs = 205 values (src/arch/x86/regs/misc.hh:111-412; checked on restore,
 * src/arch/x86/isa.cc:497-514). Indices of the ones lapidary sets per checkpoint.
 */
export const MiscReg = {
  Cr0: 0, Cr3: 3, Cr4: 4, Dr6: 22, Dr7: 23, Rflags: 24, M5Reg: 25, Tsc: 26,
  Efer: 100,
  /** Segment selectors, in segment order Es, Cs, Ss, Ds, Fs, Gs (regs/segment.hh:48-68). */
  EsSel: 126, CsSel: 127, SsSel: 128, DsSel: 129, FsSel: 130, GsSel: 131,
  FsBase: 143, GsBase: 144,
  FsEffBase: 156, GsEffBase: 157,
  X87Top: 191, Mxcsr: 192, Fcw: 193, Fsw: 194, Ftw: 195, Ftag: 196,
  Fiseg: 197, Fioff: 198, Foseg: 199, Fooff: 200, Fop: 201,
  Xcr0: 204,
} as const;

export const NUM_MISC_REGS = 205;

/**
 * The values gem5 itself holds for a fresh 64-bit SE process: ISA::clear()
 * (src/arch/x86/isa.cc:111-140) followed by X86_64Process::initState() for non-KVM SE
 * (src/arch/x86/process.cc:552-634). Identical to `regVal` in a checkpoint gem5 v24 wrote
 * (shared/reference/golden). Per-checkpoint registers are patched on top.
 */
const FRESH_PROCESS: ReadonlyArray<[index: number, value: bigint]> = [
  [0, 2147483699n], // Cr0 = PG|NE|ET|MP|PE
  [3, 100n], // Cr3 = pid, used only as a PCID tag in SE
  [4, 131072n], // Cr4 = PCIDE
  [22, 4294905840n], // Dr6
  [23, 1024n], // Dr7
  [25, 243440n], // M5Reg, recomputed on restore
  [27, 1288n], // Mtrrcap
  [31, 260n], // McgCap
  [66, 1974748653749254n], // Pat
  [100, 19713n], // Efer = SCE|LME|LMA|NXE|FFXSR
  [115, 132609n], // Syscfg
  [120, 67108864n], // TopMem
  ...Array.from({ length: 13 }, (_, i): [number, bigint] => [178 + i, i === 1 ? 43731n : 46043n]), // segment attrs
  [192, 8064n], // Mxcsr
  [193, 895n], // Fcw
  [195, 65535n], // Ftw
  [202, 4276094976n], // ApicBase
];

/** A fresh 205-entry misc register file with gem5's SE defaults. */
export function freshMiscRegs(): bigint[] {
  const regs = new Array<bigint>(NUM_MISC_REGS).fill(0n);
  for (const [index, value] of FRESH_PROCESS) regs[index] = value;
  return regs;
}
