/**
 * SPECspeed 2017 Floating Point (10 benchmarks) and its 996.specrand_fs companion.
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
import { POP2_NTHREADS, ROMS_TILES, run } from './helpers.js';

/** The fpspeed benchmarks, in SPEC's numeric order. */
export const FPSPEED: readonly SpecBenchmarkSpec[] = [
  {
    name: '603.bwaves_s',
    number: 603,
    benchName: 'bwaves_s',
    shortName: 'bwaves',
    suite: 'fpspeed',
    language: ['Fortran'],
    exes: ['speed_bwaves'],
    workloads: { test: [{ benchmark: '503.bwaves_r' }], train: [{ benchmark: '503.bwaves_r' }], refspeed: [{ benchmark: '503.bwaves_r' }], refrate: [{ benchmark: '503.bwaves_r' }] },
    sizes: {
      test: {
        invocations: [
          run('speed_bwaves', ['bwaves_1'], 'bwaves_1.out', 'bwaves_1.err', 'bwaves_1.in'),
          run('speed_bwaves', ['bwaves_2'], 'bwaves_2.out', 'bwaves_2.err', 'bwaves_2.in'),
        ],
        checkedBy: [],
        sameAs: '503.bwaves_r',
      },
      train: {
        invocations: [
          run('speed_bwaves', ['bwaves_1'], 'bwaves_1.out', 'bwaves_1.err', 'bwaves_1.in'),
          run('speed_bwaves', ['bwaves_2'], 'bwaves_2.out', 'bwaves_2.err', 'bwaves_2.in'),
        ],
        checkedBy: [],
        sameAs: '503.bwaves_r',
      },
      refspeed: {
        invocations: [
          run('speed_bwaves', ['bwaves_1'], 'bwaves_1.out', 'bwaves_1.err', 'bwaves_1.in'),
          run('speed_bwaves', ['bwaves_2'], 'bwaves_2.out', 'bwaves_2.err', 'bwaves_2.in'),
        ],
        checkedBy: ['binu', 'fyp'],
      },
    },
  },
  {
    name: '607.cactuBSSN_s',
    number: 607,
    benchName: 'cactuBSSN_s',
    shortName: 'cactuBSSN',
    suite: 'fpspeed',
    language: ['C++', 'C', 'Fortran'],
    exes: ['cactuBSSN_s'],
    workloads: { test: [{ benchmark: '507.cactuBSSN_r' }], train: [{ benchmark: '507.cactuBSSN_r' }], refspeed: [{ benchmark: '507.cactuBSSN_r' }], refrate: [{ benchmark: '507.cactuBSSN_r' }] },
    sizes: {
      test: {
        invocations: [
          run('cactuBSSN_s', ['spec_test.par'], 'spec_test.out', 'spec_test.err'),
        ],
        checkedBy: [],
        sameAs: '507.cactuBSSN_r',
      },
      train: {
        invocations: [
          run('cactuBSSN_s', ['spec_train.par'], 'spec_train.out', 'spec_train.err'),
        ],
        checkedBy: [],
        sameAs: '507.cactuBSSN_r',
      },
      refspeed: {
        invocations: [
          run('cactuBSSN_s', ['spec_ref.par'], 'spec_ref.out', 'spec_ref.err'),
        ],
        checkedBy: ['binu', 'fyp'],
      },
    },
  },
  {
    name: '619.lbm_s',
    number: 619,
    benchName: 'lbm_s',
    shortName: 'lbm',
    suite: 'fpspeed',
    language: ['C'],
    exes: ['lbm_s'],
    workloads: { refrate: [{ benchmark: '519.lbm_r' }] },
    sizes: {
      test: {
        invocations: [
          run('lbm_s', ['20', 'reference.dat', '0', '1', '200_200_260_ldc.of'], 'lbm.out', 'lbm.err'),
        ],
        checkedBy: [],
      },
      train: {
        invocations: [
          run('lbm_s', ['300', 'reference.dat', '0', '1', '200_200_260_ldc.of'], 'lbm.out', 'lbm.err'),
        ],
        checkedBy: [],
      },
      refspeed: {
        invocations: [
          run('lbm_s', ['2000', 'reference.dat', '0', '0', '200_200_260_ldc.of'], 'lbm.out', 'lbm.err'),
        ],
        checkedBy: ['binu', 'camp', 'fyp'],
      },
    },
  },
  {
    name: '621.wrf_s',
    number: 621,
    benchName: 'wrf_s',
    shortName: 'wrf',
    suite: 'fpspeed',
    language: ['Fortran', 'C'],
    exes: ['wrf_s', 'diffwrf_621'],
    workloads: { test: [{ benchmark: '521.wrf_r' }], train: [{ benchmark: '521.wrf_r' }], refspeed: [{ benchmark: '521.wrf_r' }], refrate: [{ benchmark: '521.wrf_r' }] },
    sizes: {
      test: {
        invocations: [
          run('wrf_s', [], 'rsl.out.0000', 'wrf.err'),
        ],
        checkedBy: [],
        sameAs: '521.wrf_r',
      },
      train: {
        invocations: [
          run('wrf_s', [], 'rsl.out.0000', 'wrf.err'),
        ],
        checkedBy: [],
        sameAs: '521.wrf_r',
      },
      refspeed: {
        invocations: [
          run('wrf_s', [], 'rsl.out.0000', 'wrf.err'),
        ],
        checkedBy: ['binu', 'fyp'],
      },
    },
  },
  {
    name: '627.cam4_s',
    number: 627,
    benchName: 'cam4_s',
    shortName: 'cam4',
    suite: 'fpspeed',
    language: ['Fortran', 'C'],
    exes: ['cam4_s', 'cam4_validate_627'],
    workloads: { test: [{ benchmark: '527.cam4_r' }], train: [{ benchmark: '527.cam4_r' }], refspeed: [{ benchmark: '527.cam4_r' }], refrate: [{ benchmark: '527.cam4_r' }] },
    sizes: {
      test: {
        invocations: [
          run('cam4_s', [], '{exe}.txt', '{exe}.err'),
        ],
        checkedBy: [],
        sameAs: '527.cam4_r',
      },
      train: {
        invocations: [
          run('cam4_s', [], '{exe}.txt', '{exe}.err'),
        ],
        checkedBy: [],
        sameAs: '527.cam4_r',
      },
      refspeed: {
        invocations: [
          run('cam4_s', [], '{exe}.txt', '{exe}.err'),
        ],
        checkedBy: ['binu', 'fyp'],
      },
    },
  },
  {
    name: '628.pop2_s',
    number: 628,
    benchName: 'pop2_s',
    shortName: 'pop2',
    suite: 'fpspeed',
    language: ['Fortran', 'C'],
    exes: ['speed_pop2'],
    workloads: {},
    sizes: {
      test: {
        invocations: [
          run('speed_pop2', [], 'pop2_s.out', 'pop2_s.err'),
        ],
        preRun: POP2_NTHREADS,
        checkedBy: [],
      },
      train: {
        invocations: [
          run('speed_pop2', [], 'pop2_s.out', 'pop2_s.err'),
        ],
        preRun: POP2_NTHREADS,
        checkedBy: [],
      },
      refspeed: {
        invocations: [
          run('speed_pop2', [], 'pop2_s.out', 'pop2_s.err'),
        ],
        preRun: POP2_NTHREADS,
        checkedBy: ['binu', 'fyp'],
      },
    },
  },
  {
    name: '638.imagick_s',
    number: 638,
    benchName: 'imagick_s',
    shortName: 'imagick',
    suite: 'fpspeed',
    language: ['C'],
    exes: ['imagick_s', 'imagevalidate_638'],
    workloads: { test: [{ benchmark: '538.imagick_r' }], train: [{ benchmark: '538.imagick_r' }], refspeed: [{ benchmark: '538.imagick_r' }], refrate: [{ benchmark: '538.imagick_r' }] },
    sizes: {
      test: {
        invocations: [
          run('imagick_s', ['-limit', 'disk', '0', 'test_input.tga', '-shear', '25', '-resize', '640x480', '-negate', '-alpha', 'Off', 'test_output.tga'], 'test_convert.out', 'test_convert.err'),
        ],
        checkedBy: [],
        sameAs: '538.imagick_r',
      },
      train: {
        invocations: [
          run('imagick_s', ['-limit', 'disk', '0', 'train_input.tga', '-resize', '320x240', '-shear', '31', '-edge', '140', '-negate', '-flop', '-resize', '900x900', '-edge', '10', 'train_output.tga'], 'train_convert.out', 'train_convert.err'),
        ],
        checkedBy: [],
        sameAs: '538.imagick_r',
      },
      refspeed: {
        invocations: [
          run('imagick_s', ['-limit', 'disk', '0', 'refspeed_input.tga', '-resize', '817%', '-rotate', '-2.76', '-shave', '540x375', '-alpha', 'remove', '-auto-level', '-contrast-stretch', '1x1%', '-colorspace', 'Lab', '-channel', 'R', '-equalize', '+channel', '-colorspace', 'sRGB', '-define', 'histogram:unique-colors=false', '-adaptive-blur', '0x5', '-despeckle', '-auto-gamma', '-adaptive-sharpen', '55', '-enhance', '-brightness-contrast', '10x10', '-resize', '30%', 'refspeed_output.tga'], 'refspeed_convert.out', 'refspeed_convert.err'),
        ],
        checkedBy: ['camp', 'fyp'],
        note: 'binu misspells `-adaptive-blur` as `-adaptiveblur`',
      },
    },
  },
  {
    name: '644.nab_s',
    number: 644,
    benchName: 'nab_s',
    shortName: 'nab',
    suite: 'fpspeed',
    language: ['C'],
    exes: ['nab_s'],
    workloads: { test: [{ benchmark: '544.nab_r' }], train: [{ benchmark: '544.nab_r' }], refspeed: [{ benchmark: '544.nab_r' }], refrate: [{ benchmark: '544.nab_r' }] },
    sizes: {
      test: {
        invocations: [
          run('nab_s', ['hkrdenq', '1930344093', '1000'], 'hkrdenq.out', 'hkrdenq.err'),
        ],
        checkedBy: [],
        sameAs: '544.nab_r',
      },
      train: {
        invocations: [
          run('nab_s', ['aminos', '391519156', '1000'], 'aminos.out', 'aminos.err'),
          run('nab_s', ['gcn4dna', '1850041461', '300'], 'gcn4dna.out', 'gcn4dna.err'),
        ],
        checkedBy: [],
        sameAs: '544.nab_r',
      },
      refspeed: {
        invocations: [
          run('nab_s', ['3j1n', '20140317', '220'], '3j1n.out', '3j1n.err'),
        ],
        checkedBy: ['binu', 'camp', 'fyp'],
      },
    },
  },
  {
    name: '649.fotonik3d_s',
    number: 649,
    benchName: 'fotonik3d_s',
    shortName: 'fotonik3d',
    suite: 'fpspeed',
    language: ['Fortran'],
    exes: ['fotonik3d_s'],
    workloads: { test: [{ benchmark: '549.fotonik3d_r' }], train: [{ benchmark: '549.fotonik3d_r' }], refspeed: [{ benchmark: '549.fotonik3d_r' }], refrate: [{ benchmark: '549.fotonik3d_r' }] },
    sizes: {
      test: {
        invocations: [
          run('fotonik3d_s', [], 'fotonik3d_s.log', 'fotonik3d_s.err'),
        ],
        generate: [{ exe: { tool: 'specxz' }, args: ['-dc', 'OBJ.dat.xz'], stdout: 'OBJ.dat', stderr: 'OBJ.dat.gen.err', generates: 'OBJ.dat' }],
        checkedBy: [],
        sameAs: '549.fotonik3d_r',
      },
      train: {
        invocations: [
          run('fotonik3d_s', [], 'fotonik3d_s.log', 'fotonik3d_s.err'),
        ],
        generate: [{ exe: { tool: 'specxz' }, args: ['-dc', 'OBJ.dat.xz'], stdout: 'OBJ.dat', stderr: 'OBJ.dat.gen.err', generates: 'OBJ.dat' }],
        checkedBy: [],
        sameAs: '549.fotonik3d_r',
      },
      refspeed: {
        invocations: [
          run('fotonik3d_s', [], 'fotonik3d_s.log', 'fotonik3d_s.err'),
        ],
        generate: [{ exe: { tool: 'specxz' }, args: ['-dc', 'OBJ.dat.xz'], stdout: 'OBJ.dat', stderr: 'OBJ.dat.gen.err', generates: 'OBJ.dat' }],
        checkedBy: ['binu', 'fyp'],
      },
    },
  },
  {
    name: '654.roms_s',
    number: 654,
    benchName: 'roms_s',
    shortName: 'roms',
    suite: 'fpspeed',
    language: ['Fortran'],
    exes: ['sroms'],
    workloads: { test: [{ benchmark: '554.roms_r' }], train: [{ benchmark: '554.roms_r' }], refspeed: [{ benchmark: '554.roms_r' }], refrate: [{ benchmark: '554.roms_r' }] },
    sizes: {
      test: {
        invocations: [
          run('sroms', [], 'ocean_benchmark0.log', 'ocean_benchmark0.err', 'ocean_benchmark0.in'),
        ],
        preRun: ROMS_TILES,
        checkedBy: [],
      },
      train: {
        invocations: [
          run('sroms', [], 'ocean_benchmark1.log', 'ocean_benchmark1.err', 'ocean_benchmark1.in'),
        ],
        preRun: ROMS_TILES,
        checkedBy: [],
      },
      refspeed: {
        invocations: [
          run('sroms', [], 'ocean_benchmark3.log', 'ocean_benchmark3.err', 'ocean_benchmark3.in'),
        ],
        preRun: ROMS_TILES,
        checkedBy: ['fyp'],
        note: 'binu feeds `ocean_benchmark3.in.x`; object.pm feeds the pre_run() rewrite `ocean_benchmark3.in` (fyp agrees)',
      },
    },
  },
  {
    name: '996.specrand_fs',
    number: 996,
    benchName: 'specrand_fs',
    shortName: 'specrand',
    suite: 'fpspeed',
    language: ['C'],
    exes: ['specrand_fs'],
    workloads: { test: [{ benchmark: '999.specrand_ir' }], train: [{ benchmark: '999.specrand_ir' }], refspeed: [{ benchmark: '999.specrand_ir' }], refrate: [{ benchmark: '999.specrand_ir' }] },
    sizes: {
      test: {
        invocations: [
          run('specrand_fs', ['324342', '24239'], 'rand.24239.out', 'rand.24239.err'),
        ],
        checkedBy: ['binu'],
      },
      train: {
        invocations: [
          run('specrand_fs', ['1', '11'], 'rand.11.out', 'rand.11.err'),
        ],
        checkedBy: [],
      },
      refspeed: {
        invocations: [
          run('specrand_fs', ['1255432124', '234923'], 'rand.234923.out', 'rand.234923.err'),
        ],
        checkedBy: [],
        note: 'inherits 999.specrand_ir refrate data (lingda checks 999/997 refrate with the same arguments)',
      },
    },
  },
];
