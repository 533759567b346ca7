/**
 * All 47 SPEC CPU 2017 benchmarks lapidary can resolve.
 *
 * Why 47: SPEC CPU 2017 has 43 benchmarks in four suites — 10 intrate (5xx_r), 10 intspeed
 * (6xx_s), 13 fprate (5xx_r) and 10 fpspeed (6xx_s). Every suite also ships a specrand
 * companion that runcpu builds and runs with it but does not score: 999.specrand_ir (intrate),
 * 998.specrand_is (intspeed), 997.specrand_fr (fprate) and 996.specrand_fs (fpspeed). SPEC's
 * `benchspec/CPU/` holds exactly these 43 + 4 = 47 benchmark directories, each with its own
 * `Spec/object.pm`, so "all 47" is the full installed set and the table covers every one of them.
 */
import type { SpecBenchmarkSpec } from '../types.js';
import { FPRATE } from './fprate.js';
import { FPSPEED } from './fpspeed.js';
import { INTRATE } from './intrate.js';
import { INTSPEED } from './intspeed.js';

/** Every benchmark, sorted by number (500.perlbench_r … 999.specrand_ir). */
export const SPEC_BENCHMARKS: readonly SpecBenchmarkSpec[] = [...INTRATE, ...INTSPEED, ...FPRATE, ...FPSPEED].sort(
  (a, b) => a.number - b.number,
);
