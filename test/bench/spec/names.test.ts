import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { SPEC_BENCHMARKS, findBenchmark, parseSize } from '../../../src/bench/spec/index.js';

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('findBenchmark', () => {
  it.each(SPEC_BENCHMARKS.map((b) => [b.name, b] as const))('finds %s by full name, number and suffixed name, in any case', (name, bench) => {
    expect(findBenchmark(name)).toBe(bench);
    expect(findBenchmark(name.toUpperCase())).toBe(bench);
    expect(findBenchmark(String(bench.number))).toBe(bench);
    expect(findBenchmark(bench.benchName)).toBe(bench);
    expect(findBenchmark(` ${bench.benchName} `)).toBe(bench);
  });

  it.each(SPEC_BENCHMARKS.map((b) => [b.shortName, b] as const))('resolves the short name %s, or rejects it listing every candidate', (short, bench) => {
    const sharing = SPEC_BENCHMARKS.filter((b) => b.shortName === short);
    if (sharing.length === 1) {
      expect(findBenchmark(short)).toBe(bench);
      return;
    }
    const err = usageError(() => findBenchmark(short));
    for (const b of sharing) {
      expect(err.message).toContain(b.name);
      expect(err.hint).toContain(b.benchName);
    }
  });

  it('knows which short names are unique and which are shared', () => {
    const unique = [...new Set(SPEC_BENCHMARKS.map((b) => b.shortName))].filter((s) => SPEC_BENCHMARKS.filter((b) => b.shortName === s).length === 1);
    expect(unique.sort()).toEqual(['blender', 'namd', 'parest', 'pop2', 'povray']);
    const err = usageError(() => findBenchmark('mcf'));
    expect(err.message).toMatch(/ambiguous.*505\.mcf_r \(intrate\), 605\.mcf_s \(intspeed\)/);
    expect(err.hint).toContain('505.mcf_r or mcf_r; 605.mcf_s or mcf_s');
    expect(usageError(() => findBenchmark('specrand')).message).toMatch(/matches 4 /);
    expect(findBenchmark('mcf_s').name).toBe('605.mcf_s');
    expect(findBenchmark('cactubssn_r').name).toBe('507.cactuBSSN_r');
  });

  it('does not match substrings (the original lapidary selected half the suite for "c")', () => {
    expect(usageError(() => findBenchmark('c')).message).toContain("unknown SPEC CPU 2017 benchmark 'c'");
    const err = usageError(() => findBenchmark('xalan'));
    expect(err.hint).toContain('523.xalancbmk_r');
    expect(err.hint).toContain('623.xalancbmk_s');
    expect(usageError(() => findBenchmark('quake')).hint).toContain('lapidary bench list');
    expect(() => findBenchmark('429.mcf')).toThrow(UsageError);
  });
});

describe('parseSize', () => {
  const mcfR = findBenchmark('505.mcf_r');
  const mcfS = findBenchmark('605.mcf_s');

  it('accepts the suite’s sizes and ref', () => {
    expect(parseSize(mcfR, 'test')).toBe('test');
    expect(parseSize(mcfR, 'TRAIN')).toBe('train');
    expect(parseSize(mcfR, 'refrate')).toBe('refrate');
    expect(parseSize(mcfR, 'ref')).toBe('refrate');
    expect(parseSize(mcfS, 'ref')).toBe('refspeed');
    expect(parseSize(findBenchmark('999.specrand_ir'), 'ref')).toBe('refrate');
    expect(parseSize(findBenchmark('998.specrand_is'), 'ref')).toBe('refspeed');
  });

  it('rejects the other suite’s reference size and unknown sizes', () => {
    expect(usageError(() => parseSize(mcfR, 'refspeed')).message).toContain("SPECrate benchmark and has no 'refspeed' size");
    expect(usageError(() => parseSize(mcfS, 'refrate')).hint).toContain('refspeed');
    expect(usageError(() => parseSize(mcfR, 'huge')).message).toContain("unknown SPEC workload size 'huge'");
  });
});
