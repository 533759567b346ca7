import { describe, expect, it } from 'vitest';
import { SPEC_BENCHMARKS, SPEC_CHECK_SOURCES, findBenchmark, listBenchmarks, sizesOf, sourcesOf } from '../../../src/bench/spec/index.js';
import { gcc, perlMail, xz } from '../../../src/bench/spec/table/helpers.js';
import type { SpecSuite } from '../../../src/bench/spec/index.js';

const bySuite = (s: SpecSuite) => SPEC_BENCHMARKS.filter((b) => b.suite === s);
const argsOf = (name: string, size: string) =>
  findBenchmark(name).sizes[size as 'test']!.invocations.map((i) => [...i.args, ...(i.stdin ? ['<', i.stdin] : [])].join(' '));

describe('SPEC CPU 2017 table', () => {
  it('has the 43 benchmarks plus the 4 specrand companions = 47, 10/10/13/10 per suite', () => {
    expect(SPEC_BENCHMARKS).toHaveLength(47);
    const scored = SPEC_BENCHMARKS.filter((b) => b.shortName !== 'specrand');
    expect(scored).toHaveLength(43);
    const counts = Object.fromEntries((['intrate', 'intspeed', 'fprate', 'fpspeed'] as const).map((s) => [s, bySuite(s).filter((b) => b.shortName !== 'specrand').length]));
    expect(counts).toEqual({ intrate: 10, intspeed: 10, fprate: 13, fpspeed: 10 });
    expect(SPEC_BENCHMARKS.filter((b) => b.shortName === 'specrand').map((b) => `${b.name}:${b.suite}`)).toEqual([
      '996.specrand_fs:fpspeed',
      '997.specrand_fr:fprate',
      '998.specrand_is:intspeed',
      '999.specrand_ir:intrate',
    ]);
  });

  it('has unique names and numbers, sorted, with names that match their parts', () => {
    expect(new Set(SPEC_BENCHMARKS.map((b) => b.name)).size).toBe(47);
    expect(SPEC_BENCHMARKS.map((b) => b.number)).toEqual([...SPEC_BENCHMARKS.map((b) => b.number)].sort((a, b) => a - b));
    for (const b of SPEC_BENCHMARKS) {
      expect(b.name).toBe(`${b.number}.${b.benchName}`);
      expect(b.benchName.startsWith(b.shortName)).toBe(true);
      expect(b.suite.endsWith('rate')).toBe(/_(r|ir|fr)$/.test(b.benchName));
    }
  });

  it('gives every benchmark exactly its suite’s three sizes, each with invocations of its own executables', () => {
    let total = 0;
    for (const b of SPEC_BENCHMARKS) {
      expect(Object.keys(b.sizes).sort()).toEqual([...sizesOf(b)].sort());
      for (const size of sizesOf(b)) {
        const s = b.sizes[size]!;
        expect(s.invocations.length, `${b.name} ${size}`).toBeGreaterThan(0);
        total += s.invocations.length;
        for (const inv of s.invocations) {
          expect(b.exes).toContain(inv.exe);
          expect(inv.stdout).not.toBe('');
          expect(inv.stderr).not.toBe('');
          expect(inv.args.every((a) => a !== '' && !/\s/.test(a))).toBe(true);
        }
        for (const id of s.checkedBy) expect(SPEC_CHECK_SOURCES).toHaveProperty(id);
      }
    }
    expect(total).toBe(206);
  });

  it('marks a speed size sameAs a rate benchmark only when the commands really are the same', () => {
    let n = 0;
    for (const b of SPEC_BENCHMARKS) {
      for (const size of sizesOf(b)) {
        const twin = b.sizes[size]!.sameAs;
        if (twin === undefined) continue;
        n++;
        expect(argsOf(b.name, size)).toEqual(argsOf(twin, size));
        const t = findBenchmark(twin).sizes[size]!;
        expect(t.checkedBy.length > 0 || t.note !== undefined, `${twin} ${size} is checked or explains why not`).toBe(true);
      }
    }
    expect(n).toBe(32);
  });

  it('records the well-known command lines', () => {
    expect(argsOf('505.mcf_r', 'refrate')).toEqual(['inp.in']);
    expect(argsOf('605.mcf_s', 'refspeed')).toEqual(['inp.in']);
    expect(argsOf('502.gcc_r', 'refrate')).toHaveLength(5);
    expect(argsOf('602.gcc_s', 'refspeed')[0]).toBe('gcc-pp.c -O5 -fipa-pta -o gcc-pp.opts-O5_-fipa-pta.s');
    expect(argsOf('503.bwaves_r', 'refrate')).toEqual(['bwaves_1 < bwaves_1.in', 'bwaves_2 < bwaves_2.in', 'bwaves_3 < bwaves_3.in', 'bwaves_4 < bwaves_4.in']);
    expect(argsOf('554.roms_r', 'refrate')).toEqual(['< ocean_benchmark2.in.x']);
    expect(argsOf('654.roms_s', 'refspeed')).toEqual(['< ocean_benchmark3.in']);
    expect(argsOf('557.xz_r', 'test')).toHaveLength(12);
    expect(argsOf('657.xz_s', 'refspeed').map((a) => a.split(' ').slice(0, 2).join(' '))).toEqual(['cpu2006docs.tar.xz 6643', 'cld.tar.xz 1400']);
    expect(argsOf('500.perlbench_r', 'train')[2]).toBe('-I. -I./lib scrabbl.pl < scrabbl.in');
    expect(argsOf('548.exchange2_r', 'refrate')).toEqual(['6']);
    expect(argsOf('999.specrand_ir', 'refrate')).toEqual(['1255432124 234923']);
    const x264 = findBenchmark('525.x264_r').sizes.refrate!;
    expect(x264.invocations.map((i) => i.stdout)).toEqual(['run_000-1000_{exe}_x264_pass1.out', 'run_000-1000_{exe}_x264_pass2.out', 'run_0500-1250_{exe}_x264.out']);
    expect(x264.generate?.[0]).toMatchObject({ exe: 'ldecod_r', args: ['-i', 'BuckBunny.264', '-o', 'BuckBunny.yuv'], generates: 'BuckBunny.yuv' });
    expect(findBenchmark('649.fotonik3d_s').sizes.refspeed!.generate?.[0]).toMatchObject({ exe: { tool: 'specxz' }, stdout: 'OBJ.dat' });
    expect(findBenchmark('628.pop2_s').sizes.test!.preRun?.stripSuffix).toBe('.in');
  });

  it('names outputs the way object.pm does', () => {
    expect(gcc('sgcc', ['t1.c', '-O3', '-finline-limit=50000'])).toEqual({
      exe: 'sgcc',
      args: ['t1.c', '-O3', '-finline-limit=50000', '-o', 't1.opts-O3_-finline-limit_50000.s'],
      stdout: 't1.opts-O3_-finline-limit_50000.out',
      stderr: 't1.opts-O3_-finline-limit_50000.err',
    });
    expect(xz('xz_r', ['cld.tar.xz', '160', 'abc', '1', '2', '6']).stdout).toBe('cld.tar-160-6.out');
    expect(perlMail('perlbench_r', ['diffmail.pl', '4', '800']).stdout).toBe('diffmail.4.800.out');
  });

  it('lists every benchmark with its invocation counts per size', () => {
    const rows = listBenchmarks();
    expect(rows).toHaveLength(47);
    expect(rows.find((r) => r.name === '502.gcc_r')).toEqual({
      name: '502.gcc_r',
      shortName: 'gcc',
      suite: 'intrate',
      language: ['C'],
      invocations: { test: 1, train: 3, refrate: 5 },
      companion: false,
    });
    expect(rows.find((r) => r.name === '607.cactuBSSN_s')?.language).toEqual(['C++', 'C', 'Fortran']);
    expect(rows.find((r) => r.name === '996.specrand_fs')).toMatchObject({ companion: true, invocations: { test: 1, train: 1, refspeed: 1 } });
    expect(listBenchmarks('fprate')).toHaveLength(14);
  });
});

describe('sourcesOf', () => {
  const lookup = (n: string) => SPEC_BENCHMARKS.find((b) => b.name === n);
  it('names the object.pm, the data trees and each agreeing source, following sameAs', () => {
    expect(sourcesOf(findBenchmark('605.mcf_s'), 'test', lookup)).toEqual([
      { repo: 'chfeng-cs/CPU2017', path: 'benchspec/CPU/605.mcf_s/Spec/object.pm', role: 'origin' },
      { repo: 'chfeng-cs/CPU2017', path: 'benchspec/CPU/605.mcf_s/data/', role: 'origin' },
      { repo: 'chfeng-cs/CPU2017', path: 'benchspec/CPU/505.mcf_r/data/', role: 'origin' },
      { repo: 'lingda-li/gem5_env', path: 'scripts/benchlist_spectest.py', role: 'lingda', via: '505.mcf_r' },
      { repo: 'OpenXiangShan/CPU2017LiteWrapper', path: '505.mcf_r/run-test.sh', role: 'xiangshan', via: '505.mcf_r' },
    ]);
    expect(sourcesOf(findBenchmark('505.mcf_r'), 'refrate', lookup).map((s) => s.repo)).toContain('jw38176/FYP_scripts');
  });
});
