import { describe, expect, it } from 'vitest';
import { SPEC_BENCHMARKS, findBenchmark, inputDirsInMergeOrder, rewriteTargets, rewriteText, sizesOf } from '../../../src/bench/spec/index.js';
import { DATA_LAYOUT } from './fake-install.js';

const CPU = '/spec/benchspec/CPU';
const lookup = (n: string) => SPEC_BENCHMARKS.find((b) => b.name === n);
/** Directory existence of the real installation, from the fixture's file list. */
const realIsDir = (path: string): boolean => {
  const m = /^\/spec\/benchspec\/CPU\/([^/]+)\/data\/([^/]+)\/input$/.exec(path);
  return m !== null && DATA_LAYOUT.benchmarks[m[1]!]?.[m[2]!] !== undefined;
};
const merged = (name: string, size: string) =>
  inputDirsInMergeOrder(CPU, findBenchmark(name), size as 'test', lookup, realIsDir).map((d) => `${d.benchmark}/${d.dataSet}`);

describe('SPEC data directories (harness workload_dirs)', () => {
  it('uses the benchmark’s own size and all directories, size last so it wins', () => {
    expect(merged('500.perlbench_r', 'test')).toEqual(['500.perlbench_r/all', '500.perlbench_r/test']);
    expect(merged('505.mcf_r', 'refrate')).toEqual(['505.mcf_r/refrate']);
  });

  it('follows %workloads to the rate benchmark for speed sizes', () => {
    expect(merged('605.mcf_s', 'test')).toEqual(['505.mcf_r/test']);
    expect(merged('605.mcf_s', 'refspeed')).toEqual(['505.mcf_r/refspeed']);
    expect(merged('621.wrf_s', 'refspeed')).toEqual(['521.wrf_r/all', '521.wrf_r/refspeed']);
    // 500.perlbench_r has no refspeed directory: its own %workloads maps refspeed to refrate.
    expect(merged('600.perlbench_s', 'refspeed')).toEqual(['500.perlbench_r/all', '500.perlbench_r/refrate']);
    expect(merged('641.leela_s', 'refspeed')).toEqual(['541.leela_r/refrate']);
    expect(merged('996.specrand_fs', 'refspeed')).toEqual(['999.specrand_ir/refrate']);
    // 619.lbm_s and 631.deepsjeng_s ship their own data.
    expect(merged('619.lbm_s', 'test')).toEqual(['619.lbm_s/test']);
  });

  it('finds a size-specific directory for every benchmark and size of the real layout', () => {
    for (const b of SPEC_BENCHMARKS) {
      for (const size of sizesOf(b)) {
        const dirs = inputDirsInMergeOrder(CPU, b, size, lookup, realIsDir);
        expect(dirs.some((d) => d.dataSet !== 'all'), `${b.name} ${size}`).toBe(true);
      }
    }
  });
});

describe('pre_run rewrites', () => {
  it('sets one thread in 628.pop2_s inputs, first match per line', () => {
    const rw = findBenchmark('628.pop2_s').sizes.refspeed!.preRun!;
    expect(rewriteTargets(rw, ['drv_in.in', 'pop2_in', 'a/b.in', '.in'])).toEqual([
      { from: 'drv_in.in', to: 'drv_in' },
      { from: 'a/b.in', to: 'a/b' },
    ]);
    expect(rewriteText(rw, ' ocn_nthreads = 4, ocn_nthreads = 7\nx = 1\n\nocn_nthreads = 12')).toBe(' ocn_nthreads = 1, ocn_nthreads = 7\nx = 1\n\nocn_nthreads = 1');
  });

  it('tiles 654.roms_s for one thread (NtileI 4, NtileJ 1) without eating blank lines', () => {
    const rw = findBenchmark('654.roms_s').sizes.test!.preRun!;
    expect(rewriteTargets(rw, ['ocean_benchmark0.in.x', 'varinfo.dat'])).toEqual([{ from: 'ocean_benchmark0.in.x', to: 'ocean_benchmark0.in' }]);
    const text = '! tiles\n\n      NtileI == 2\n      NtileJ == 16\nNtileI == 9\n';
    expect(rewriteText(rw, text)).toBe('! tiles\n\n      NtileI == 4\n      NtileJ == 1\nNtileI == 9\n');
  });
});
