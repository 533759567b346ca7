/**
 * SPECrate 2017 Integer (10 benchmarks) and its 999.specrand_ir companion.
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

/** The intrate benchmarks, in SPEC's numeric order. */
export const INTRATE: readonly SpecBenchmarkSpec[] = [
  {
    name: '500.perlbench_r',
    number: 500,
    benchName: 'perlbench_r',
    shortName: 'perlbench',
    suite: 'intrate',
    language: ['C'],
    exes: ['perlbench_r'],
    workloads: { refspeed: [{ size: 'refrate' }] },
    sizes: {
      test: {
        invocations: [
          run('perlbench_r', ['-I.', '-I./lib', 'makerand.pl'], 'makerand.out', 'makerand.err'),
          run('perlbench_r', ['-I.', '-I./lib', 'test.pl'], 'test.out', 'test.err'),
        ],
        checkedBy: ['lingda'],
        note: 'xiangshan runs `-I./lib` without `-I.`; object.pm passes both',
      },
      train: {
        invocations: [
          perlMail('perlbench_r', ['diffmail.pl', '2', '550', '15', '24', '23', '100']),
          perlMail('perlbench_r', ['perfect.pl', 'b', '3']),
          run('perlbench_r', ['-I.', '-I./lib', 'scrabbl.pl'], 'scrabbl.out', 'scrabbl.err', 'scrabbl.in'),
          perlMail('perlbench_r', ['splitmail.pl', '535', '13', '25', '24', '1091', '1']),
          run('perlbench_r', ['-I.', '-I./lib', 'suns.pl'], 'suns.out', 'suns.err'),
        ],
        checkedBy: [],
        note: 'only xiangshan lists train, and it drops `-I.` from scrabbl.pl/suns.pl; object.pm passes `-I. -I./lib` to every non-mail script',
      },
      refrate: {
        invocations: [
          perlMail('perlbench_r', ['checkspam.pl', '2500', '5', '25', '11', '150', '1', '1', '1', '1']),
          perlMail('perlbench_r', ['diffmail.pl', '4', '800', '10', '17', '19', '300']),
          perlMail('perlbench_r', ['splitmail.pl', '6400', '12', '26', '16', '100', '0']),
        ],
        checkedBy: ['binu', 'fyp', 'lingda'],
        note: 'xiangshan adds a stray trailing `1` to the checkspam arguments (its typo; checkspam.in has nine numbers)',
      },
    },
  },
  {
    name: '502.gcc_r',
    number: 502,
    benchName: 'gcc_r',
    shortName: 'gcc',
    suite: 'intrate',
    language: ['C'],
    exes: ['cpugcc_r'],
    workloads: {},
    sizes: {
      test: {
        invocations: [
          gcc('cpugcc_r', ['t1.c', '-O3', '-finline-limit=50000']),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          gcc('cpugcc_r', ['200.c', '-O3', '-finline-limit=50000']),
          gcc('cpugcc_r', ['scilab.c', '-O3', '-finline-limit=50000']),
          gcc('cpugcc_r', ['train01.c', '-O3', '-finline-limit=50000']),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          gcc('cpugcc_r', ['gcc-pp.c', '-O3', '-finline-limit=0', '-fif-conversion', '-fif-conversion2']),
          gcc('cpugcc_r', ['gcc-pp.c', '-O2', '-finline-limit=36000', '-fpic']),
          gcc('cpugcc_r', ['gcc-smaller.c', '-O3', '-fipa-pta']),
          gcc('cpugcc_r', ['ref32.c', '-O5']),
          gcc('cpugcc_r', ['ref32.c', '-O3', '-fselective-scheduling', '-fselective-scheduling2']),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '505.mcf_r',
    number: 505,
    benchName: 'mcf_r',
    shortName: 'mcf',
    suite: 'intrate',
    language: ['C'],
    exes: ['mcf_r'],
    workloads: { refspeed: [{ size: 'refrate' }] },
    sizes: {
      test: {
        invocations: [
          run('mcf_r', ['inp.in'], 'inp.out', 'inp.err'),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('mcf_r', ['inp.in'], 'inp.out', 'inp.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('mcf_r', ['inp.in'], 'inp.out', 'inp.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '520.omnetpp_r',
    number: 520,
    benchName: 'omnetpp_r',
    shortName: 'omnetpp',
    suite: 'intrate',
    language: ['C++'],
    exes: ['omnetpp_r'],
    workloads: { refspeed: [{ size: 'refrate' }] },
    sizes: {
      test: {
        invocations: [
          run('omnetpp_r', ['-c', 'General', '-r', '0'], 'omnetpp.General-0.out', 'omnetpp.General-0.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      train: {
        invocations: [
          run('omnetpp_r', ['-c', 'General', '-r', '0'], 'omnetpp.General-0.out', 'omnetpp.General-0.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('omnetpp_r', ['-c', 'General', '-r', '0'], 'omnetpp.General-0.out', 'omnetpp.General-0.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '523.xalancbmk_r',
    number: 523,
    benchName: 'xalancbmk_r',
    shortName: 'xalancbmk',
    suite: 'intrate',
    language: ['C++'],
    exes: ['cpuxalan_r'],
    workloads: { refspeed: [{ size: 'refrate' }] },
    sizes: {
      test: {
        invocations: [
          run('cpuxalan_r', ['-v', 'test.xml', 'xalanc.xsl'], 'test-test.out', 'test-test.err'),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('cpuxalan_r', ['-v', 'allbooks.xml', 'xalanc.xsl'], 'train-allbooks.out', 'train-allbooks.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('cpuxalan_r', ['-v', 't5.xml', 'xalanc.xsl'], 'ref-t5.out', 'ref-t5.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '525.x264_r',
    number: 525,
    benchName: 'x264_r',
    shortName: 'x264',
    suite: 'intrate',
    language: ['C'],
    exes: ['x264_r', 'ldecod_r', 'imagevalidate_525'],
    workloads: { refspeed: [{ size: 'refrate' }] },
    sizes: {
      test: {
        invocations: [
          run('x264_r', ['--dumpyuv', '50', '--frames', '156', '-o', 'BuckBunny_New.264', 'BuckBunny.yuv', '1280x720'], 'run_000-156_{exe}_x264.out', 'run_000-156_{exe}_x264.err'),
        ],
        generate: [{ exe: 'ldecod_r', args: ['-i', 'BuckBunny.264', '-o', 'BuckBunny.yuv'], stdout: 'inputgen_{exe}_x264.out', stderr: 'inputgen_{exe}_x264.err', generates: 'BuckBunny.yuv' }],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('x264_r', ['--dumpyuv', '50', '--frames', '142', '-o', 'BuckBunny_New.264', 'BuckBunny.yuv', '1280x720'], 'run_000-142_{exe}_x264.out', 'run_000-142_{exe}_x264.err'),
        ],
        generate: [{ exe: 'ldecod_r', args: ['-i', 'BuckBunny.264', '-o', 'BuckBunny.yuv'], stdout: 'inputgen_{exe}_x264.out', stderr: 'inputgen_{exe}_x264.err', generates: 'BuckBunny.yuv' }],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('x264_r', ['--pass', '1', '--stats', 'x264_stats.log', '--bitrate', '1000', '--frames', '1000', '-o', 'BuckBunny_New.264', 'BuckBunny.yuv', '1280x720'], 'run_000-1000_{exe}_x264_pass1.out', 'run_000-1000_{exe}_x264_pass1.err'),
          run('x264_r', ['--pass', '2', '--stats', 'x264_stats.log', '--bitrate', '1000', '--dumpyuv', '200', '--frames', '1000', '-o', 'BuckBunny_New.264', 'BuckBunny.yuv', '1280x720'], 'run_000-1000_{exe}_x264_pass2.out', 'run_000-1000_{exe}_x264_pass2.err'),
          run('x264_r', ['--seek', '500', '--dumpyuv', '200', '--frames', '1250', '-o', 'BuckBunny_New.264', 'BuckBunny.yuv', '1280x720'], 'run_0500-1250_{exe}_x264.out', 'run_0500-1250_{exe}_x264.err'),
        ],
        generate: [{ exe: 'ldecod_r', args: ['-i', 'BuckBunny.264', '-o', 'BuckBunny.yuv'], stdout: 'inputgen_{exe}_x264.out', stderr: 'inputgen_{exe}_x264.err', generates: 'BuckBunny.yuv' }],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
        note: 'invocation 2 (pass 2) reads x264_stats.log written by invocation 1: run 1 first in the same run directory',
      },
    },
  },
  {
    name: '531.deepsjeng_r',
    number: 531,
    benchName: 'deepsjeng_r',
    shortName: 'deepsjeng',
    suite: 'intrate',
    language: ['C++'],
    exes: ['deepsjeng_r'],
    workloads: {},
    sizes: {
      test: {
        invocations: [
          run('deepsjeng_r', ['test.txt'], 'test.out', 'test.err'),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('deepsjeng_r', ['train.txt'], 'train.out', 'train.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('deepsjeng_r', ['ref.txt'], 'ref.out', 'ref.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '541.leela_r',
    number: 541,
    benchName: 'leela_r',
    shortName: 'leela',
    suite: 'intrate',
    language: ['C++'],
    exes: ['leela_r'],
    workloads: { refspeed: [{ size: 'refrate' }] },
    sizes: {
      test: {
        invocations: [
          run('leela_r', ['test.sgf'], 'test.out', 'test.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      train: {
        invocations: [
          run('leela_r', ['train.sgf'], 'train.out', 'train.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('leela_r', ['ref.sgf'], 'ref.out', 'ref.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '548.exchange2_r',
    number: 548,
    benchName: 'exchange2_r',
    shortName: 'exchange2',
    suite: 'intrate',
    language: ['Fortran'],
    exes: ['exchange2_r'],
    workloads: { refspeed: [{ size: 'refrate' }] },
    sizes: {
      test: {
        invocations: [
          run('exchange2_r', ['0'], 'exchange2.txt', 'exchange2.err'),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('exchange2_r', ['1'], 'exchange2.txt', 'exchange2.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('exchange2_r', ['6'], 'exchange2.txt', 'exchange2.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '557.xz_r',
    number: 557,
    benchName: 'xz_r',
    shortName: 'xz',
    suite: 'intrate',
    language: ['C'],
    exes: ['xz_r'],
    workloads: {},
    sizes: {
      test: {
        invocations: [
          xz('xz_r', ['cpu2006docs.tar.xz', '4', SHA512_CPU2006DOCS_TAR, '1548636', '1555348', '0']),
          xz('xz_r', ['cpu2006docs.tar.xz', '4', SHA512_CPU2006DOCS_TAR, '1462248', '-1', '1']),
          xz('xz_r', ['cpu2006docs.tar.xz', '4', SHA512_CPU2006DOCS_TAR, '1428548', '-1', '2']),
          xz('xz_r', ['cpu2006docs.tar.xz', '4', SHA512_CPU2006DOCS_TAR, '1034828', '-1', '3e']),
          xz('xz_r', ['cpu2006docs.tar.xz', '4', SHA512_CPU2006DOCS_TAR, '1061968', '-1', '4']),
          xz('xz_r', ['cpu2006docs.tar.xz', '4', SHA512_CPU2006DOCS_TAR, '1034588', '-1', '4e']),
          xz('xz_r', ['cpu2006docs.tar.xz', '1', SHA512_CPU2006DOCS_TAR, '650156', '-1', '0']),
          xz('xz_r', ['cpu2006docs.tar.xz', '1', SHA512_CPU2006DOCS_TAR, '639996', '-1', '1']),
          xz('xz_r', ['cpu2006docs.tar.xz', '1', SHA512_CPU2006DOCS_TAR, '637616', '-1', '2']),
          xz('xz_r', ['cpu2006docs.tar.xz', '1', SHA512_CPU2006DOCS_TAR, '628996', '-1', '3e']),
          xz('xz_r', ['cpu2006docs.tar.xz', '1', SHA512_CPU2006DOCS_TAR, '631912', '-1', '4']),
          xz('xz_r', ['cpu2006docs.tar.xz', '1', SHA512_CPU2006DOCS_TAR, '629064', '-1', '4e']),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          xz('xz_r', ['input.combined.xz', '40', SHA512_INPUT_COMBINED, '6356684', '-1', '8']),
          xz('xz_r', ['IMG_2560.cr2.xz', '40', SHA512_IMG_2560_CR2, '40822692', '40824404', '4']),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          xz('xz_r', ['cld.tar.xz', '160', SHA512_CLD_TAR, '59796407', '61004416', '6']),
          xz('xz_r', ['cpu2006docs.tar.xz', '250', SHA512_CPU2006DOCS_TAR, '23047774', '23513385', '6e']),
          xz('xz_r', ['input.combined.xz', '250', SHA512_INPUT_COMBINED, '40401484', '41217675', '7']),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '999.specrand_ir',
    number: 999,
    benchName: 'specrand_ir',
    shortName: 'specrand',
    suite: 'intrate',
    language: ['C'],
    exes: ['specrand_ir'],
    workloads: { refspeed: [{ size: 'refrate' }] },
    sizes: {
      test: {
        invocations: [
          run('specrand_ir', ['324342', '24239'], 'rand.24239.out', 'rand.24239.err'),
        ],
        checkedBy: ['binu', 'lingda'],
      },
      train: {
        invocations: [
          run('specrand_ir', ['1', '11'], 'rand.11.out', 'rand.11.err'),
        ],
        checkedBy: [],
      },
      refrate: {
        invocations: [
          run('specrand_ir', ['1255432124', '234923'], 'rand.234923.out', 'rand.234923.err'),
        ],
        checkedBy: ['lingda'],
      },
    },
  },
];
