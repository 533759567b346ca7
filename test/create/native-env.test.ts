import { describe, expect, it } from 'vitest';
import { GEM5_GLIBC_TUNABLES, mergeTunables, targetEnvironment } from '../../src/create/native-env.js';
import { findSysinfoEntry } from '../../src/create/vdso.js';

describe('native environment', () => {
  const native = { aslr: false, bindNow: true, glibcTunables: GEM5_GLIBC_TUNABLES, opensslIa32cap: '', removeVdso: true };

  it('adds LD_BIND_NOW and the tunables to the user environment', () => {
    const env = targetEnvironment({ HOME: '/root', UNSET: undefined, PWD: '/elsewhere' }, native, '/work');
    expect(env).toContain('PWD=/work');
    expect(env).toContain('HOME=/root');
    expect(env).toContain('LD_BIND_NOW=1');
    expect(env).toContain(`GLIBC_TUNABLES=${GEM5_GLIBC_TUNABLES}`);
    expect(env.some((e) => e.startsWith('UNSET'))).toBe(false);
  });

  it('leaves the environment alone but for PWD when every measure is off', () => {
    expect(targetEnvironment({ A: '1' }, { ...native, bindNow: false, glibcTunables: '' }, '/w')).toEqual(['A=1', 'PWD=/w']);
  });

  it('merges with tunables the user set: hwcaps masks are joined, other settings kept', () => {
    expect(mergeTunables('glibc.malloc.arena_max=1:glibc.cpu.hwcaps=-AVX512F', 'glibc.cpu.hwcaps=-AVX2:glibc.pthread.rseq=0'))
      .toBe('glibc.malloc.arena_max=1:glibc.cpu.hwcaps=-AVX512F,-AVX2:glibc.pthread.rseq=0');
  });

  it('masks every feature gem5 v24 cannot run that glibc 2.36 dispatches on', () => {
    for (const feature of ['XSAVEC', 'XSAVE', 'AVX2', 'AVX512F', 'FMA', 'SSE4_2', 'BMI2', 'AVX_Fast_Unaligned_Load']) {
      expect(GEM5_GLIBC_TUNABLES).toMatch(new RegExp(`[=,]-${feature}(,|:)`));
    }
    expect(GEM5_GLIBC_TUNABLES).toMatch(/:glibc\.pthread\.rseq=0$/);
  });
});

describe('auxiliary vector on the initial stack', () => {
  function initialStack(argv: number, envp: number, auxv: Array<[bigint, bigint]>): Buffer {
    const words = [BigInt(argv), ...Array(argv).fill(0x1000n), 0n, ...Array(envp).fill(0x2000n), 0n, ...auxv.flat(), 0n, 0n];
    const buffer = Buffer.alloc(words.length * 8);
    words.forEach((w, i) => buffer.writeBigUInt64LE(w, i * 8));
    return buffer;
  }

  it('finds AT_SYSINFO_EHDR after argv and envp', () => {
    const stack = initialStack(2, 3, [[6n, 4096n], [33n, 0x7ffff7fc1000n], [25n, 0x7fffffffe000n]]);
    // argc + 2 argv + NULL + 3 envp + NULL = 8 words; then one auxv pair
    expect(findSysinfoEntry(stack, 0x7ffffffde000n)).toBe(0x7ffffffde000n + 8n * 8n + 16n);
  });

  it('reports none when the vector has no vDSO', () => {
    expect(findSysinfoEntry(initialStack(1, 0, [[6n, 4096n]]), 0n)).toBeUndefined();
  });
});
