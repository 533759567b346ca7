import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cptValue, parseCpt, serializeCpt, type CptSection } from '../../../src/gem5/checkpoint/ini.js';
import { freshMiscRegs, MiscReg, NUM_MISC_REGS } from '../../../src/gem5/checkpoint/misc-regs.js';
import { renderCheckpoint } from '../../../src/gem5/checkpoint/render.js';
import { GEM5_V24_VERSION_TAGS } from '../../../src/gem5/checkpoint/version-tags.js';
import { sampleProcess } from './sample-process.js';

/** A checkpoint gem5 v24.0.0.1 itself wrote (se.py, X86, atomic CPU); see test/fixtures/cpt/README.md. */
const GOLDEN_PATH = new URL('../../fixtures/cpt/gem5-made-static-se.m5.cpt', import.meta.url);
const golden = parseCpt(readFileSync(GOLDEN_PATH, 'utf8'));
const ours = renderCheckpoint(sampleProcess(), { pageAddrs: [0x400000n, 0x401000n, 0x7ffffffde000n], memSize: 536870912n });

const keys = (sections: readonly CptSection[], name: string): string[] =>
  (sections.find((s) => s.name === name)?.entries ?? []).map(([k]) => k);

describe('the writer against a checkpoint gem5 v24 wrote', () => {
  it.each([
    'root', 'root.globals', 'system.physmem', 'system.physmem.store0', 'system.workload.mempools',
    'system.workload.mempools.pool0', 'system.cpu', 'system.cpu.xc.0', 'system.cpu.isa', 'system.cpu.workload',
    'system.cpu.workload.vmalist', 'system.cpu.workload.vmalist.Vma0', 'system.cpu.workload.ptable',
    'system.cpu.workload.ptable.Entry0', 'system.cpu.workload.fdarray',
  ])('writes the keys gem5 writes in [%s]', (section) => {
    expect(keys(ours, section)).toEqual(keys(golden, section));
  });

  it('writes fd entries with the keys of gem5\'s file and null entries', () => {
    // sampleProcess: fd 3 is a regular file (reopened), fd 4 a pipe (closed); in the golden
    // checkpoint fd 1 is a file and fd 3 is unused.
    const fd = (n: number) => `system.cpu.workload.fdarray.Entry${n}`;
    expect(keys(ours, fd(3))).toEqual(keys(golden, fd(1)));
    expect(keys(ours, fd(4))).toEqual(keys(golden, fd(3)));
    expect(cptValue(ours, fd(3), '_fileOffset')).toBe('4096');
    expect(ours.filter((s) => s.name.startsWith(`${fd(0).slice(0, -1)}`))).toHaveLength(1024);
  });

  it('writes all 29 version tags, sorted, exactly as gem5 v24 does', () => {
    expect(cptValue(ours, 'root.globals', 'version_tags')).toBe(cptValue(golden, 'root.globals', 'version_tags'));
    expect(GEM5_V24_VERSION_TAGS).toHaveLength(29);
    expect([...GEM5_V24_VERSION_TAGS].sort()).toEqual(GEM5_V24_VERSION_TAGS);
  });

  it('writes the local APIC state of a fresh gem5 CPU', () => {
    const apic = keys(golden, 'system.cpu.interrupts');
    for (const key of apic) {
      expect(cptValue(ours, 'system.cpu.xc.0', key), key).toBe(cptValue(golden, 'system.cpu.xc.0', key));
    }
  });

  it('starts from the misc registers gem5 gives a fresh process', () => {
    const goldenRegs = cptValue(golden, 'system.cpu.isa', 'regVal')!.split(' ').map(BigInt);
    const fresh = freshMiscRegs();
    expect(goldenRegs).toHaveLength(NUM_MISC_REGS);
    const perProcess = new Set<number>([MiscReg.Rflags, MiscReg.FsBase, MiscReg.FsEffBase, MiscReg.GsBase, MiscReg.GsEffBase,
      MiscReg.Fsw, MiscReg.Ftw, MiscReg.Fcw, MiscReg.Mxcsr, MiscReg.X87Top, MiscReg.Fioff, MiscReg.Fooff, MiscReg.Fop]);
    fresh.forEach((value, i) => {
      if (!perProcess.has(i)) expect(value, `regVal[${i}]`).toBe(goldenRegs[i]);
    });
  });

  it('writes register files of the sizes gem5 checks', () => {
    for (const [key, bytes] of [['regs.integer', 312], ['regs.floating_point', 384], ['regs.condition_code', 40],
      ['regs.vector', 8], ['regs.vector_element', 16], ['regs.vector_predicate', 8]] as const) {
      expect(cptValue(ours, 'system.cpu.xc.0', key)!.split(' ')).toHaveLength(bytes);
      expect(cptValue(golden, 'system.cpu.xc.0', key)!.split(' ')).toHaveLength(bytes);
    }
    expect(cptValue(ours, 'system.cpu.xc.0', 'regs.matrix')).toBe('');
    expect(cptValue(ours, 'system.cpu.isa', 'regVal')!.split(' ')).toHaveLength(NUM_MISC_REGS);
  });

  it('round-trips through the ini parser unchanged', () => {
    const text = serializeCpt(ours, 'header');
    expect(serializeCpt(parseCpt(text), 'header')).toBe(text);
    const goldenAgain = parseCpt(serializeCpt(golden));
    expect(goldenAgain).toEqual(golden);
  });

  it('writes only plain decimal numbers (gem5 parses 010 as octal and rejects hex with an e)', () => {
    const numeric = /^(-?\d+|true|false|)$/;
    for (const section of ours) {
      for (const [key, value] of section.entries) {
        if (['name', '_fileName', 'filename', 'version_tags', 'isaName'].includes(key)) continue;
        for (const token of value.split(' ')) {
          expect(token, `${section.name}:${key}`).toMatch(numeric);
          expect(token === '0' || !token.startsWith('0'), `${section.name}:${key} leading zero`).toBe(true);
        }
      }
    }
  });
});
