import { describe, expect, it } from 'vitest';
import { cptValue } from '../../../src/gem5/checkpoint/ini.js';
import { MiscReg } from '../../../src/gem5/checkpoint/misc-regs.js';
import { isaSection, splitRflags, threadContextSection } from '../../../src/gem5/checkpoint/thread-context.js';
import { sampleProcess } from './sample-process.js';

const bytesOf = (text: string): number[] => text.split(' ').map(Number);
const u64At = (bytes: number[], index: number): bigint =>
  bytes.slice(index * 8, index * 8 + 8).reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n);

describe('thread context', () => {
  const thread = sampleProcess().threads[0]!;
  const xc = threadContextSection('system.cpu.xc.0', thread);

  it('stores RAX..R15 in x86 encoding order, then zeros for the microcode registers', () => {
    const ints = bytesOf(cptValue([xc], 'system.cpu.xc.0', 'regs.integer')!);
    const expected = [1n, 3n, 4n, 2n, 0x7fffffffe000n, 7n, 5n, 6n, 8n, 9n, 10n, 11n, 12n, 13n, 14n, 15n];
    expected.forEach((value, i) => expect(u64At(ints, i), `int reg ${i}`).toBe(value));
    for (let i = 16; i < 39; i++) expect(u64At(ints, i)).toBe(0n);
  });

  it('puts XMM0..15 at float registers 8..39, low half first (not shifted as the 2019 tool did)', () => {
    const floats = bytesOf(cptValue([xc], 'system.cpu.xc.0', 'regs.floating_point')!);
    expect(floats.slice(64, 64 + 16)).toEqual(Array.from(thread.sse.xmm[0]!));
    expect(floats.slice(64 + 15 * 16, 64 + 16 * 16)).toEqual(Array.from(thread.sse.xmm[15]!));
    expect(floats.slice(320)).toEqual(new Array(64).fill(0));
  });

  it('splits RFLAGS between the condition-code registers and the misc register', () => {
    // 0x293 = CF | AF | SF | IF | bit 1
    expect(splitRflags(0x293n)).toEqual({ zaps: 0x90n, cfof: 0x1n, df: 0n, misc: 0x202n });
    const cc = bytesOf(cptValue([xc], 'system.cpu.xc.0', 'regs.condition_code')!);
    expect([0, 1, 2, 3, 4].map((i) => u64At(cc, i))).toEqual([0x90n, 1n, 0n, 0n, 0n]);
    const regVal = cptValue([isaSection('system.cpu.isa', thread)], 'system.cpu.isa', 'regVal')!.split(' ').map(BigInt);
    expect(regVal[MiscReg.Rflags]).toBe(0x202n);
    // gem5's getRFlags: ((misc | zaps | cfof | df) & 0x3F7FD5) | 2 gives back the native value
    const { zaps, cfof, df, misc } = splitRflags(0xcd7n | 0x200n);
    expect(((misc | zaps | cfof | df) & 0x3f7fd5n) | 2n).toBe(0xed7n & 0x3f7fd5n | 2n);
  });

  it('sets the FS/GS base and effective base, and the x87/SSE control registers', () => {
    const regVal = cptValue([isaSection('system.cpu.isa', thread)], 'system.cpu.isa', 'regVal')!.split(' ').map(BigInt);
    expect(regVal[MiscReg.FsBase]).toBe(0x7ffff7d8a740n);
    expect(regVal[MiscReg.FsEffBase]).toBe(0x7ffff7d8a740n);
    expect(regVal[MiscReg.Mxcsr]).toBe(0x1f80n);
    expect(regVal[MiscReg.Fcw]).toBe(0x37fn);
    expect(regVal[MiscReg.Ftw]).toBe(0xffffn);
  });

  it('places ST(i) in physical register (TOP + i) % 8', () => {
    const st = Array.from({ length: 8 }, () => new Uint8Array(10));
    st[0] = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f]); // 1.0
    const top5 = { ...thread, x87: { ...thread.x87, st, fsw: 5 << 11 } };
    const floats = bytesOf(cptValue([threadContextSection('x', top5)], 'x', 'regs.floating_point')!);
    expect(u64At(floats, 5)).toBe(0x3ff0000000000000n);
    const regVal = cptValue([isaSection('i', top5)], 'i', 'regVal')!.split(' ').map(BigInt);
    expect(regVal[MiscReg.X87Top]).toBe(5n);
  });

  it('writes the PC state gem5 PCState::set produces, with _size 0', () => {
    const value = (key: string) => cptValue([xc], 'system.cpu.xc.0', key);
    expect([value('_pc'), value('_upc'), value('_npc'), value('_nupc'), value('_size')]).toEqual(['4198400', '0', '4198408', '1', '0']);
  });
});
