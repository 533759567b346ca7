/**
 * SPECrate 2017 Floating Point (13 benchmarks) and its 997.specrand_fr companion.
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
import { run } from './helpers.js';

/** The fprate benchmarks, in SPEC's numeric order. */
export const FPRATE: readonly SpecBenchmarkSpec[] = [
  {
    name: '503.bwaves_r',
    number: 503,
    benchName: 'bwaves_r',
    shortName: 'bwaves',
    suite: 'fprate',
    language: ['Fortran'],
    exes: ['bwaves_r'],
    workloads: {},
    sizes: {
      test: {
        invocations: [
          run('bwaves_r', ['bwaves_1'], 'bwaves_1.out', 'bwaves_1.err', 'bwaves_1.in'),
          run('bwaves_r', ['bwaves_2'], 'bwaves_2.out', 'bwaves_2.err', 'bwaves_2.in'),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('bwaves_r', ['bwaves_1'], 'bwaves_1.out', 'bwaves_1.err', 'bwaves_1.in'),
          run('bwaves_r', ['bwaves_2'], 'bwaves_2.out', 'bwaves_2.err', 'bwaves_2.in'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('bwaves_r', ['bwaves_1'], 'bwaves_1.out', 'bwaves_1.err', 'bwaves_1.in'),
          run('bwaves_r', ['bwaves_2'], 'bwaves_2.out', 'bwaves_2.err', 'bwaves_2.in'),
          run('bwaves_r', ['bwaves_3'], 'bwaves_3.out', 'bwaves_3.err', 'bwaves_3.in'),
          run('bwaves_r', ['bwaves_4'], 'bwaves_4.out', 'bwaves_4.err', 'bwaves_4.in'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '507.cactuBSSN_r',
    number: 507,
    benchName: 'cactuBSSN_r',
    shortName: 'cactuBSSN',
    suite: 'fprate',
    language: ['C++', 'C', 'Fortran'],
    exes: ['cactusBSSN_r'],
    workloads: {},
    sizes: {
      test: {
        invocations: [
          run('cactusBSSN_r', ['spec_test.par'], 'spec_test.out', 'spec_test.err'),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('cactusBSSN_r', ['spec_train.par'], 'spec_train.out', 'spec_train.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('cactusBSSN_r', ['spec_ref.par'], 'spec_ref.out', 'spec_ref.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '508.namd_r',
    number: 508,
    benchName: 'namd_r',
    shortName: 'namd',
    suite: 'fprate',
    language: ['C++'],
    exes: ['namd_r'],
    workloads: { refspeed: [{ size: 'refrate' }] },
    sizes: {
      test: {
        invocations: [
          run('namd_r', ['--input', 'apoa1.input', '--iterations', '1', '--output', 'apoa1.test.output'], 'namd.out', 'namd.err'),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('namd_r', ['--input', 'apoa1.input', '--iterations', '7', '--output', 'apoa1.train.output'], 'namd.out', 'namd.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('namd_r', ['--input', 'apoa1.input', '--output', 'apoa1.ref.output', '--iterations', '65'], 'namd.out', 'namd.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '510.parest_r',
    number: 510,
    benchName: 'parest_r',
    shortName: 'parest',
    suite: 'fprate',
    language: ['C++'],
    exes: ['parest_r'],
    workloads: { refspeed: [{ size: 'refrate' }] },
    sizes: {
      test: {
        invocations: [
          run('parest_r', ['test.prm'], 'test.out', 'test.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      train: {
        invocations: [
          run('parest_r', ['train.prm'], 'train.out', 'train.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('parest_r', ['ref.prm'], 'ref.out', 'ref.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '511.povray_r',
    number: 511,
    benchName: 'povray_r',
    shortName: 'povray',
    suite: 'fprate',
    language: ['C++', 'C'],
    exes: ['povray_r', 'imagevalidate_511'],
    workloads: { refspeed: [{ size: 'refrate' }] },
    sizes: {
      test: {
        invocations: [
          run('povray_r', ['SPEC-benchmark-test.ini'], 'SPEC-benchmark-test.stdout', 'SPEC-benchmark-test.stderr'),
        ],
        checkedBy: ['xiangshan'],
      },
      train: {
        invocations: [
          run('povray_r', ['SPEC-benchmark-train.ini'], 'SPEC-benchmark-train.stdout', 'SPEC-benchmark-train.stderr'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('povray_r', ['SPEC-benchmark-ref.ini'], 'SPEC-benchmark-ref.stdout', 'SPEC-benchmark-ref.stderr'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '519.lbm_r',
    number: 519,
    benchName: 'lbm_r',
    shortName: 'lbm',
    suite: 'fprate',
    language: ['C'],
    exes: ['lbm_r'],
    workloads: {},
    sizes: {
      test: {
        invocations: [
          run('lbm_r', ['20', 'reference.dat', '0', '1', '100_100_130_cf_a.of'], 'lbm.out', 'lbm.err'),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('lbm_r', ['300', 'reference.dat', '0', '1', '100_100_130_cf_b.of'], 'lbm.out', 'lbm.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('lbm_r', ['3000', 'reference.dat', '0', '0', '100_100_130_ldc.of'], 'lbm.out', 'lbm.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '521.wrf_r',
    number: 521,
    benchName: 'wrf_r',
    shortName: 'wrf',
    suite: 'fprate',
    language: ['Fortran', 'C'],
    exes: ['wrf_r', 'diffwrf_521'],
    workloads: {},
    sizes: {
      test: {
        invocations: [
          run('wrf_r', [], 'rsl.out.0000', 'wrf.err'),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('wrf_r', [], 'rsl.out.0000', 'wrf.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('wrf_r', [], 'rsl.out.0000', 'wrf.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '526.blender_r',
    number: 526,
    benchName: 'blender_r',
    shortName: 'blender',
    suite: 'fprate',
    language: ['C++', 'C'],
    exes: ['blender_r', 'imagevalidate_526'],
    workloads: { refspeed: [{ size: 'refrate' }] },
    sizes: {
      test: {
        invocations: [
          run('blender_r', ['cube.blend', '--render-output', 'cube_', '--threads', '1', '-b', '-F', 'RAWTGA', '-s', '1', '-e', '1', '-a'], 'cube.1.spec.out', 'cube.1.spec.err'),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('blender_r', ['sh5_reduced.blend', '--render-output', 'sh5_reduced_', '--threads', '1', '-b', '-F', 'RAWTGA', '-s', '234', '-e', '234', '-a'], 'sh5_reduced.234.spec.out', 'sh5_reduced.234.spec.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('blender_r', ['sh3_no_char.blend', '--render-output', 'sh3_no_char_', '--threads', '1', '-b', '-F', 'RAWTGA', '-s', '849', '-e', '849', '-a'], 'sh3_no_char.849.spec.out', 'sh3_no_char.849.spec.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '527.cam4_r',
    number: 527,
    benchName: 'cam4_r',
    shortName: 'cam4',
    suite: 'fprate',
    language: ['Fortran', 'C'],
    exes: ['cam4_r', 'cam4_validate_527'],
    workloads: {},
    sizes: {
      test: {
        invocations: [
          run('cam4_r', [], '{exe}.txt', '{exe}.err'),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('cam4_r', [], '{exe}.txt', '{exe}.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('cam4_r', [], '{exe}.txt', '{exe}.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '538.imagick_r',
    number: 538,
    benchName: 'imagick_r',
    shortName: 'imagick',
    suite: 'fprate',
    language: ['C'],
    exes: ['imagick_r', 'imagevalidate_538'],
    workloads: {},
    sizes: {
      test: {
        invocations: [
          run('imagick_r', ['-limit', 'disk', '0', 'test_input.tga', '-shear', '25', '-resize', '640x480', '-negate', '-alpha', 'Off', 'test_output.tga'], 'test_convert.out', 'test_convert.err'),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('imagick_r', ['-limit', 'disk', '0', 'train_input.tga', '-resize', '320x240', '-shear', '31', '-edge', '140', '-negate', '-flop', '-resize', '900x900', '-edge', '10', 'train_output.tga'], 'train_convert.out', 'train_convert.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('imagick_r', ['-limit', 'disk', '0', 'refrate_input.tga', '-edge', '41', '-resample', '181%', '-emboss', '31', '-colorspace', 'YUV', '-mean-shift', '19x19+15%', '-resize', '30%', 'refrate_output.tga'], 'refrate_convert.out', 'refrate_convert.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '544.nab_r',
    number: 544,
    benchName: 'nab_r',
    shortName: 'nab',
    suite: 'fprate',
    language: ['C'],
    exes: ['nab_r'],
    workloads: {},
    sizes: {
      test: {
        invocations: [
          run('nab_r', ['hkrdenq', '1930344093', '1000'], 'hkrdenq.out', 'hkrdenq.err'),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('nab_r', ['aminos', '391519156', '1000'], 'aminos.out', 'aminos.err'),
          run('nab_r', ['gcn4dna', '1850041461', '300'], 'gcn4dna.out', 'gcn4dna.err'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('nab_r', ['1am0', '1122214447', '122'], '1am0.out', '1am0.err'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '549.fotonik3d_r',
    number: 549,
    benchName: 'fotonik3d_r',
    shortName: 'fotonik3d',
    suite: 'fprate',
    language: ['Fortran'],
    exes: ['fotonik3d_r'],
    workloads: {},
    sizes: {
      test: {
        invocations: [
          run('fotonik3d_r', [], 'fotonik3d_r.log', 'fotonik3d_r.err'),
        ],
        generate: [{ exe: { tool: 'specxz' }, args: ['-dc', 'OBJ.dat.xz'], stdout: 'OBJ.dat', stderr: 'OBJ.dat.gen.err', generates: 'OBJ.dat' }],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('fotonik3d_r', [], 'fotonik3d_r.log', 'fotonik3d_r.err'),
        ],
        generate: [{ exe: { tool: 'specxz' }, args: ['-dc', 'OBJ.dat.xz'], stdout: 'OBJ.dat', stderr: 'OBJ.dat.gen.err', generates: 'OBJ.dat' }],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('fotonik3d_r', [], 'fotonik3d_r.log', 'fotonik3d_r.err'),
        ],
        generate: [{ exe: { tool: 'specxz' }, args: ['-dc', 'OBJ.dat.xz'], stdout: 'OBJ.dat', stderr: 'OBJ.dat.gen.err', generates: 'OBJ.dat' }],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '554.roms_r',
    number: 554,
    benchName: 'roms_r',
    shortName: 'roms',
    suite: 'fprate',
    language: ['Fortran'],
    exes: ['roms_r'],
    workloads: {},
    sizes: {
      test: {
        invocations: [
          run('roms_r', [], 'ocean_benchmark0.log', 'ocean_benchmark0.err', 'ocean_benchmark0.in.x'),
        ],
        checkedBy: ['lingda', 'xiangshan'],
      },
      train: {
        invocations: [
          run('roms_r', [], 'ocean_benchmark1.log', 'ocean_benchmark1.err', 'ocean_benchmark1.in.x'),
        ],
        checkedBy: ['xiangshan'],
      },
      refrate: {
        invocations: [
          run('roms_r', [], 'ocean_benchmark2.log', 'ocean_benchmark2.err', 'ocean_benchmark2.in.x'),
        ],
        checkedBy: ['binu', 'fyp', 'lingda', 'xiangshan'],
      },
    },
  },
  {
    name: '997.specrand_fr',
    number: 997,
    benchName: 'specrand_fr',
    shortName: 'specrand',
    suite: 'fprate',
    language: ['C'],
    exes: ['specrand_fr'],
    workloads: { test: [{ benchmark: '999.specrand_ir' }], train: [{ benchmark: '999.specrand_ir' }], refspeed: [{ benchmark: '999.specrand_ir' }], refrate: [{ benchmark: '999.specrand_ir' }] },
    sizes: {
      test: {
        invocations: [
          run('specrand_fr', ['324342', '24239'], 'rand.24239.out', 'rand.24239.err'),
        ],
        checkedBy: ['binu', 'lingda'],
      },
      train: {
        invocations: [
          run('specrand_fr', ['1', '11'], 'rand.11.out', 'rand.11.err'),
        ],
        checkedBy: [],
      },
      refrate: {
        invocations: [
          run('specrand_fr', ['1255432124', '234923'], 'rand.234923.out', 'rand.234923.err'),
        ],
        checkedBy: ['lingda'],
      },
    },
  },
];
