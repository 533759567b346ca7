/**
 * SPECspeed 2017 Integer (10 benchmarks) and its 998.specrand_is companion.
 *
 * Generated from SPEC CPU2017 v1.1.0's own files (github chfeng-cs/CPU2017 @42dac4b7):
 * each benchmark's `benchspec/CPU/<bench>/Spec/object.pm` (`invoke()`, `generate_inputs()`,
 * `pre_run()`, `%workloads`) evaluated against the `control`, `*.in` and `*.lst` files of the data
 * directories the harness (`bin/harness/benchmark.pm` `workload_dirs()`) selects for the size.
 * `checkedBy` names the independent sources (see ../sources.ts) whose command lines match; a speed
 * size with `sameAs` reads the same data directory as that rate benchmark and runs an identical
 * `invoke()`, so it inherits that benchmark's checks. Do not edit by hand without re-checking.
 */
import type { SpecBenchmarkSpec } from '../types.js';
import { SHA512_CLD_TAR, SHA512_CPU2006DOCS_TAR, SHA512_IMG_2560_CR2, SHA512_INPUT_COMBINED, gcc, perlMail, run, xz } from './helpers.js';

/** The intspeed benchmarks, in SPEC's numeric order. */
export const INTSPEED: readonly SpecBenchmarkSpec[] = [
  {
    name: '600.perlbench_s',
    number: 600,
    benchName: 'perlbench_s',
    shortName: 'perlbench',
    suite: 'intspeed',
    language: ['C'],
    exes: ['perlbench_s'],
    workloads: { test: [{ benchmark: '500.perlbench_r' }], train: [{ benchmark: '500.perlbench_r' }], refspeed: [{ benchmark: '500.perlbench_r' }], refrate: [{ benchmark: '500.perlbench_r' }] },
    sizes: {
      test: {
        invocations: [
          run('perlbench_s', ['-I.', '-I./lib', 'makerand.pl'], 'makerand.out', 'makerand.err'),
          run('perlbench_s', ['-I.', '-I./lib', 'test.pl'], 'test.out', 'test.err'),
        ],
        checkedBy: [],
        sameAs: '500.perlbench_r',
      },
      train: {
        invocations: [
          perlMail('perlbench_s', ['diffmail.pl', '2', '550', '15', '24', '23', '100']),
          perlMail('perlbench_s', ['perfect.pl', 'b', '3']),
          run('perlbench_s', ['-I.', '-I./lib', 'scrabbl.pl'], 'scrabbl.out', 'scrabbl.err', 'scrabbl.in'),
          perlMail('perlbench_s', ['splitmail.pl', '535', '13', '25', '24', '1091', '1']),
          run('perlbench_s', ['-I.', '-I./lib', 'suns.pl'], 'suns.out', 'suns.err'),
        ],
        checkedBy: [],
        sameAs: '500.perlbench_r',
      },
      refspeed: {
        invocations: [
          perlMail('perlbench_s', ['checkspam.pl', '2500', '5', '25', '11', '150', '1', '1', '1', '1']),
          perlMail('perlbench_s', ['diffmail.pl', '4', '800', '10', '17', '19', '300']),
          perlMail('perlbench_s', ['splitmail.pl', '6400', '12', '26', '16', '100', '0']),
        ],
        checkedBy: ['binu', 'camp', 'fyp'],
      },
    },
  },
  {
    name: '602.gcc_s',
    number: 602,
    benchName: 'gcc_s',
    shortName: 'gcc',
    suite: 'intspeed',
    language: ['C'],
    exes: ['sgcc'],
    workloads: { test: [{ benchmark: '502.gcc_r' }], train: [{ benchmark: '502.gcc_r' }], refspeed: [{ benchmark: '502.gcc_r' }], refrate: [{ benchmark: '502.gcc_r' }] },
    sizes: {
      test: {
        invocations: [
          gcc('sgcc', ['t1.c', '-O3', '-finline-limit=50000']),
        ],
        checkedBy: [],
        sameAs: '502.gcc_r',
      },
      train: {
        invocations: [
          gcc('sgcc', ['200.c', '-O3', '-finline-limit=50000']),
          gcc('sgcc', ['scilab.c', '-O3', '-finline-limit=50000']),
          gcc('sgcc', ['train01.c', '-O3', '-finline-limit=50000']),
        ],
        checkedBy: [],
        sameAs: '502.gcc_r',
      },
      refspeed: {
        invocations: [
          gcc('sgcc', ['gcc-pp.c', '-O5', '-fipa-pta']),
          gcc('sgcc', ['gcc-pp.c', '-O5', '-finline-limit=1000', '-fselective-scheduling', '-fselective-scheduling2']),
          gcc('sgcc', ['gcc-pp.c', '-O5', '-finline-limit=24000', '-fgcse', '-fgcse-las', '-fgcse-lm', '-fgcse-sm']),
        ],
        checkedBy: ['binu', 'camp'],
        note: 'fyp lists only the option sets, without source file and -o (all three match)',
      },
    },
  },
  {
    name: '605.mcf_s',
    number: 605,
    benchName: 'mcf_s',
    shortName: 'mcf',
    suite: 'intspeed',
    language: ['C'],
    exes: ['mcf_s'],
    workloads: { test: [{ benchmark: '505.mcf_r' }], train: [{ benchmark: '505.mcf_r' }], refspeed: [{ benchmark: '505.mcf_r' }], refrate: [{ benchmark: '505.mcf_r' }] },
    sizes: {
      test: {
        invocations: [
          run('mcf_s', ['inp.in'], 'inp.out', 'inp.err'),
        ],
        checkedBy: [],
        sameAs: '505.mcf_r',
      },
      train: {
        invocations: [
          run('mcf_s', ['inp.in'], 'inp.out', 'inp.err'),
        ],
        checkedBy: [],
        sameAs: '505.mcf_r',
      },
      refspeed: {
        invocations: [
          run('mcf_s', ['inp.in'], 'inp.out', 'inp.err'),
        ],
        checkedBy: ['binu', 'camp', 'fyp'],
      },
    },
  },
  {
    name: '620.omnetpp_s',
    number: 620,
    benchName: 'omnetpp_s',
    shortName: 'omnetpp',
    suite: 'intspeed',
    language: ['C++'],
    exes: ['omnetpp_s'],
    workloads: { test: [{ benchmark: '520.omnetpp_r' }], train: [{ benchmark: '520.omnetpp_r' }], refspeed: [{ benchmark: '520.omnetpp_r' }], refrate: [{ benchmark: '520.omnetpp_r' }] },
    sizes: {
      test: {
        invocations: [
          run('omnetpp_s', ['-c', 'General', '-r', '0'], 'omnetpp.General-0.out', 'omnetpp.General-0.err'),
        ],
        checkedBy: [],
        sameAs: '520.omnetpp_r',
      },
      train: {
        invocations: [
          run('omnetpp_s', ['-c', 'General', '-r', '0'], 'omnetpp.General-0.out', 'omnetpp.General-0.err'),
        ],
        checkedBy: [],
        sameAs: '520.omnetpp_r',
      },
      refspeed: {
        invocations: [
          run('omnetpp_s', ['-c', 'General', '-r', '0'], 'omnetpp.General-0.out', 'omnetpp.General-0.err'),
        ],
        checkedBy: ['binu', 'camp', 'fyp'],
      },
    },
  },
  {
    name: '623.xalancbmk_s',
    number: 623,
    benchName: 'xalancbmk_s',
    shortName: 'xalancbmk',
    suite: 'intspeed',
    language: ['C++'],
    exes: ['xalancbmk_s'],
    workloads: { test: [{ benchmark: '523.xalancbmk_r' }], train: [{ benchmark: '523.xalancbmk_r' }], refspeed: [{ benchmark: '523.xalancbmk_r' }], refrate: [{ benchmark: '523.xalancbmk_r' }] },
    sizes: {
      test: {
        invocations: [
          run('xalancbmk_s', ['-v', 'test.xml', 'xalanc.xsl'], 'test-test.out', 'test-test.err'),
        ],
        checkedBy: [],
        sameAs: '523.xalancbmk_r',
      },
      train: {
        invocations: [
          run('xalancbmk_s', ['-v', 'allbooks.xml', 'xalanc.xsl'], 'train-allbooks.out', 'train-allbooks.err'),
        ],
        checkedBy: [],
        sameAs: '523.xalancbmk_r',
      },
      refspeed: {
        invocations: [
          run('xalancbmk_s', ['-v', 't5.xml', 'xalanc.xsl'], 'ref-t5.out', 'ref-t5.err'),
        ],
        checkedBy: ['binu', 'camp', 'fyp'],
      },
    },
  },
  {
    name: '625.x264_s',
    number: 625,
    benchName: 'x264_s',
    shortName: 'x264',
    suite: 'intspeed',
    language: ['C'],
    exes: ['x264_s', 'ldecod_s', 'imagevalidate_625'],
    workloads: { test: [{ benchmark: '525.x264_r' }], train: [{ benchmark: '525.x264_r' }], refspeed: [{ benchmark: '525.x264_r' }], refrate: [{ benchmark: '525.x264_r' }] },
    sizes: {
      test: {
        invocations: [
          run('x264_s', ['--dumpyuv', '50', '--frames', '156', '-o', 'BuckBunny_New.264', 'BuckBunny.yuv', '1280x720'], 'run_000-156_{exe}_x264.out', 'run_000-156_{exe}_x264.err'),
        ],
        generate: [{ exe: 'ldecod_s', args: ['-i', 'BuckBunny.264', '-o', 'BuckBunny.yuv'], stdout: 'inputgen_{exe}_x264.out', stderr: 'inputgen_{exe}_x264.err', generates: 'BuckBunny.yuv' }],
        checkedBy: [],
        sameAs: '525.x264_r',
      },
      train: {
        invocations: [
          run('x264_s', ['--dumpyuv', '50', '--frames', '142', '-o', 'BuckBunny_New.264', 'BuckBunny.yuv', '1280x720'], 'run_000-142_{exe}_x264.out', 'run_000-142_{exe}_x264.err'),
        ],
        generate: [{ exe: 'ldecod_s', args: ['-i', 'BuckBunny.264', '-o', 'BuckBunny.yuv'], stdout: 'inputgen_{exe}_x264.out', stderr: 'inputgen_{exe}_x264.err', generates: 'BuckBunny.yuv' }],
        checkedBy: [],
        sameAs: '525.x264_r',
      },
      refspeed: {
        invocations: [
          run('x264_s', ['--pass', '1', '--stats', 'x264_stats.log', '--bitrate', '1000', '--frames', '1000', '-o', 'BuckBunny_New.264', 'BuckBunny.yuv', '1280x720'], 'run_000-1000_{exe}_x264_pass1.out', 'run_000-1000_{exe}_x264_pass1.err'),
          run('x264_s', ['--pass', '2', '--stats', 'x264_stats.log', '--bitrate', '1000', '--dumpyuv', '200', '--frames', '1000', '-o', 'BuckBunny_New.264', 'BuckBunny.yuv', '1280x720'], 'run_000-1000_{exe}_x264_pass2.out', 'run_000-1000_{exe}_x264_pass2.err'),
          run('x264_s', ['--seek', '500', '--dumpyuv', '200', '--frames', '1250', '-o', 'BuckBunny_New.264', 'BuckBunny.yuv', '1280x720'], 'run_0500-1250_{exe}_x264.out', 'run_0500-1250_{exe}_x264.err'),
        ],
        generate: [{ exe: 'ldecod_s', args: ['-i', 'BuckBunny.264', '-o', 'BuckBunny.yuv'], stdout: 'inputgen_{exe}_x264.out', stderr: 'inputgen_{exe}_x264.err', generates: 'BuckBunny.yuv' }],
        checkedBy: ['binu', 'camp'],
        note: 'invocation 2 (pass 2) reads x264_stats.log written by invocation 1: run 1 first in the same run directory; fyp spells that file `x264_stat2.log` (its typo)',
      },
    },
  },
  {
    name: '631.deepsjeng_s',
    number: 631,
    benchName: 'deepsjeng_s',
    shortName: 'deepsjeng',
    suite: 'intspeed',
    language: ['C++'],
    exes: ['deepsjeng_s'],
    workloads: {},
    sizes: {
      test: {
        invocations: [
          run('deepsjeng_s', ['test.txt'], 'test.out', 'test.err'),
        ],
        checkedBy: [],
      },
      train: {
        invocations: [
          run('deepsjeng_s', ['train.txt'], 'train.out', 'train.err'),
        ],
        checkedBy: [],
      },
      refspeed: {
        invocations: [
          run('deepsjeng_s', ['ref.txt'], 'ref.out', 'ref.err'),
        ],
        checkedBy: ['binu', 'camp', 'fyp'],
      },
    },
  },
  {
    name: '641.leela_s',
    number: 641,
    benchName: 'leela_s',
    shortName: 'leela',
    suite: 'intspeed',
    language: ['C++'],
    exes: ['leela_s'],
    workloads: { test: [{ benchmark: '541.leela_r' }], train: [{ benchmark: '541.leela_r' }], refspeed: [{ benchmark: '541.leela_r' }], refrate: [{ benchmark: '541.leela_r' }] },
    sizes: {
      test: {
        invocations: [
          run('leela_s', ['test.sgf'], 'test.out', 'test.err'),
        ],
        checkedBy: [],
        sameAs: '541.leela_r',
      },
      train: {
        invocations: [
          run('leela_s', ['train.sgf'], 'train.out', 'train.err'),
        ],
        checkedBy: [],
        sameAs: '541.leela_r',
      },
      refspeed: {
        invocations: [
          run('leela_s', ['ref.sgf'], 'ref.out', 'ref.err'),
        ],
        checkedBy: ['binu', 'camp', 'fyp'],
      },
    },
  },
  {
    name: '648.exchange2_s',
    number: 648,
    benchName: 'exchange2_s',
    shortName: 'exchange2',
    suite: 'intspeed',
    language: ['Fortran'],
    exes: ['exchange2_s'],
    workloads: { test: [{ benchmark: '548.exchange2_r' }], train: [{ benchmark: '548.exchange2_r' }], refspeed: [{ benchmark: '548.exchange2_r' }], refrate: [{ benchmark: '548.exchange2_r' }] },
    sizes: {
      test: {
        invocations: [
          run('exchange2_s', ['0'], 'exchange2.txt', 'exchange2.err'),
        ],
        checkedBy: [],
        sameAs: '548.exchange2_r',
      },
      train: {
        invocations: [
          run('exchange2_s', ['1'], 'exchange2.txt', 'exchange2.err'),
        ],
        checkedBy: [],
        sameAs: '548.exchange2_r',
      },
      refspeed: {
        invocations: [
          run('exchange2_s', ['6'], 'exchange2.txt', 'exchange2.err'),
        ],
        checkedBy: ['binu', 'fyp'],
      },
    },
  },
  {
    name: '657.xz_s',
    number: 657,
    benchName: 'xz_s',
    shortName: 'xz',
    suite: 'intspeed',
    language: ['C'],
    exes: ['xz_s'],
    workloads: { test: [{ benchmark: '557.xz_r' }], train: [{ benchmark: '557.xz_r' }], refspeed: [{ benchmark: '557.xz_r' }], refrate: [{ benchmark: '557.xz_r' }] },
    sizes: {
      test: {
        invocations: [
          xz('xz_s', ['cpu2006docs.tar.xz', '4', SHA512_CPU2006DOCS_TAR, '1548636', '1555348', '0']),
          xz('xz_s', ['cpu2006docs.tar.xz', '4', SHA512_CPU2006DOCS_TAR, '1462248', '-1', '1']),
          xz('xz_s', ['cpu2006docs.tar.xz', '4', SHA512_CPU2006DOCS_TAR, '1428548', '-1', '2']),
          xz('xz_s', ['cpu2006docs.tar.xz', '4', SHA512_CPU2006DOCS_TAR, '1034828', '-1', '3e']),
          xz('xz_s', ['cpu2006docs.tar.xz', '4', SHA512_CPU2006DOCS_TAR, '1061968', '-1', '4']),
          xz('xz_s', ['cpu2006docs.tar.xz', '4', SHA512_CPU2006DOCS_TAR, '1034588', '-1', '4e']),
          xz('xz_s', ['cpu2006docs.tar.xz', '1', SHA512_CPU2006DOCS_TAR, '650156', '-1', '0']),
          xz('xz_s', ['cpu2006docs.tar.xz', '1', SHA512_CPU2006DOCS_TAR, '639996', '-1', '1']),
          xz('xz_s', ['cpu2006docs.tar.xz', '1', SHA512_CPU2006DOCS_TAR, '637616', '-1', '2']),
          xz('xz_s', ['cpu2006docs.tar.xz', '1', SHA512_CPU2006DOCS_TAR, '628996', '-1', '3e']),
          xz('xz_s', ['cpu2006docs.tar.xz', '1', SHA512_CPU2006DOCS_TAR, '631912', '-1', '4']),
          xz('xz_s', ['cpu2006docs.tar.xz', '1', SHA512_CPU2006DOCS_TAR, '629064', '-1', '4e']),
        ],
        checkedBy: [],
        sameAs: '557.xz_r',
      },
      train: {
        invocations: [
          xz('xz_s', ['input.combined.xz', '40', SHA512_INPUT_COMBINED, '6356684', '-1', '8']),
          xz('xz_s', ['IMG_2560.cr2.xz', '40', SHA512_IMG_2560_CR2, '40822692', '40824404', '4']),
        ],
        checkedBy: [],
        sameAs: '557.xz_r',
      },
      refspeed: {
        invocations: [
          xz('xz_s', ['cpu2006docs.tar.xz', '6643', SHA512_CPU2006DOCS_TAR, '1036078272', '1111795472', '4']),
          xz('xz_s', ['cld.tar.xz', '1400', SHA512_CLD_TAR, '536995164', '539938872', '8']),
        ],
        checkedBy: ['binu', 'camp', 'fyp'],
      },
    },
  },
  {
    name: '998.specrand_is',
    number: 998,
    benchName: 'specrand_is',
    shortName: 'specrand',
    suite: 'intspeed',
    language: ['C'],
    exes: ['specrand_is'],
    workloads: { test: [{ benchmark: '999.specrand_ir' }], train: [{ benchmark: '999.specrand_ir' }], refspeed: [{ benchmark: '999.specrand_ir' }], refrate: [{ benchmark: '999.specrand_ir' }] },
    sizes: {
      test: {
        invocations: [
          run('specrand_is', ['324342', '24239'], 'rand.24239.out', 'rand.24239.err'),
        ],
        checkedBy: ['binu'],
      },
      train: {
        invocations: [
          run('specrand_is', ['1', '11'], 'rand.11.out', 'rand.11.err'),
        ],
        checkedBy: [],
      },
      refspeed: {
        invocations: [
          run('specrand_is', ['1255432124', '234923'], 'rand.234923.out', 'rand.234923.err'),
        ],
        checkedBy: [],
        note: 'inherits 999.specrand_ir refrate data (lingda checks 999/997 refrate with the same arguments)',
      },
    },
  },
];
