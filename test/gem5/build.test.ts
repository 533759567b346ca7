import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { GEM5_DEFCONFIG, planGem5Build } from '../../src/gem5/build/plan.js';
import { recordGem5Path } from '../../src/gem5/build/record.js';
import { runGem5Build } from '../../src/gem5/build/run.js';
import { lapidary } from '../helpers/cli.js';
import { GEM5 } from '../helpers/gem5.js';
import { skipMarker } from '../helpers/skip.js';
import { testWorkDir } from '../helpers/work-dir.js';

const workDir = testWorkDir('lapidary-gem5-build-');

/** The gem5 source tree GEM5 was built in (SRC/build/X86/gem5.opt), when it is one. No test here builds gem5. */
const SOURCE = GEM5 !== undefined && existsSync(join(dirname(GEM5), '..', '..', 'SConstruct')) ? join(dirname(GEM5), '..', '..') : undefined;
const SOURCE_SKIP = SOURCE === undefined
  ? skipMarker({ tier: 'gem5 source tree', reason: 'GEM5 is not SRC/build/X86/gem5.opt of a gem5 v24 source tree', enable: 'GEM5=<gem5 v24 source tree>/build/X86/gem5.opt npm test' })
  : '';

describe('lapidary gem5 build', () => {
  it.skipIf(SOURCE === undefined)(`--dry-run prints the wrappers, the defconfig and the scons command lines, and writes nothing${SOURCE_SKIP}`, async () => {
    const source = SOURCE!;
    const own = join(source, 'build', 'lapidary');
    const result = await lapidary(['gem5', 'build', '--source', source, '-j', '3', '--m5', '--dry-run'], { cwd: workDir() });
    expect(result.exitCode, result.stderr).toBe(0);
    const env = `CC=${own}/gcc-g0 CXX=${own}/g++-g0 PYTHONUNBUFFERED=1`;
    expect(result.stdout.split('\n')).toEqual(expect.arrayContaining([
      `write ${own}/gcc-g0 (mode 755):`,
      '    exec gcc "$@" -g0',
      `write ${own}/g++-g0 (mode 755):`,
      '    exec g++ "$@" -g0',
      `write ${own}/X86-lapidary.defconfig (mode 644):`,
      '    RUBY=n', '    BUILD_ISA=y', '    USE_X86_ISA=y', '    USE_SYSTEMC=n',
      `run (cd ${source} && ${env} scons defconfig build/X86 ${own}/X86-lapidary.defconfig)`,
      `run (cd ${source} && ${env} scons build/X86/gem5.opt -j3 --no-compress-debug)`,
      `run (cd ${source}/util/m5 && ${env} scons build/x86/out/m5 -j3)`,
      `then set gem5_path: ${source}/build/X86/gem5.opt in lapidary.yaml`,
    ]));
    expect(existsSync(own)).toBe(false);
    expect(existsSync(join(workDir(), 'lapidary.yaml'))).toBe(false);
  });

  it.skipIf(SOURCE === undefined)(`the defconfig sets symbols this gem5 tree's Kconfig defines${SOURCE_SKIP}`, () => {
    const kconfig = ['src/Kconfig', 'src/arch/Kconfig', 'src/arch/x86/Kconfig', 'src/mem/ruby/Kconfig', 'src/systemc/Kconfig']
      .map((file) => readFileSync(join(SOURCE!, file), 'utf8')).join('\n');
    for (const symbol of GEM5_DEFCONFIG.trim().split('\n').map((line) => line.split('=')[0]!)) {
      expect(kconfig, symbol).toMatch(new RegExp(`^\\s*(menu)?config ${symbol}$`, 'm'));
    }
  });

  it('refuses a directory that is not a gem5 source tree', async () => {
    const result = await lapidary(['gem5', 'build', '--source', workDir(), '--dry-run'], { cwd: workDir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`error[LAPIDARY_USAGE]: ${workDir()} is not a gem5 source tree (no SConstruct and src/base/version.cc)`);
  });

  it.skipIf(SOURCE === undefined)(`names the Debian packages of missing build tools before writing or running anything${SOURCE_SKIP}`, async () => {
    // A tree with gem5's real SConstruct and version.cc only, so nothing could build here anyway.
    const tree = join(workDir(), 'tree');
    mkdirSync(join(tree, 'src', 'base'), { recursive: true });
    copyFileSync(join(SOURCE!, 'SConstruct'), join(tree, 'SConstruct'));
    copyFileSync(join(SOURCE!, 'src', 'base', 'version.cc'), join(tree, 'src', 'base', 'version.cc'));
    const bin = join(workDir(), 'node-only-bin');
    mkdirSync(bin, { recursive: true });
    if (!existsSync(join(bin, 'node'))) symlinkSync(process.execPath, join(bin, 'node'));
    const result = await lapidary(['gem5', 'build', '--source', tree], { cwd: workDir(), env: { PATH: bin } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error\[LAPIDARY_TOOL_MISSING\]: building gem5 needs scons, g\+\+, gcc, python3-config \(Python\.h\)(, \/usr\/include\/zlib\.h)?, which are not installed/m);
    expect(result.stderr).toMatch(/hint: install the Debian packages: apt-get install scons g\+\+ gcc python3-dev/);
    expect(existsSync(join(tree, 'build'))).toBe(false);
  });

  it('the compiler wrappers it writes compile without debug information although -g is given', async () => {
    const plan = planGem5Build({ source: join(workDir(), 'wrappers'), jobs: 1, m5: false });
    await runGem5Build({ ...plan, steps: [] }, { line: () => {}, progress: () => {} });
    const source = join(workDir(), 'unit.cc');
    writeFileSync(source, 'int square(int x) { return x * x; }\n');
    const sections = async (compiler: string) => {
      const object = join(workDir(), `${compiler.replace(/\W/g, '_')}.o`);
      await execa(compiler, ['-O2', '-g', '-c', source, '-o', object]);
      return (await execa('readelf', ['-S', '-W', object])).stdout;
    };
    expect(await sections('g++')).toContain('.debug_info');
    const cxx = plan.files.find((f) => f.path.endsWith('g++-g0'))!.path;
    expect(plan.steps.every((step) => step.env.CXX === cxx)).toBe(true);
    expect(await sections(cxx)).not.toContain('.debug_info');
  });

  it('writes gem5_path into the lapidary.yaml found upward, keeping its comments and keys, or into a new one', async () => {
    const project = join(workDir(), 'project');
    mkdirSync(join(project, 'sub'), { recursive: true });
    expect((await lapidary(['config', 'init'], { cwd: project })).exitCode).toBe(0);
    const written = await recordGem5Path('/gem5/build/X86/gem5.opt', undefined, join(project, 'sub'));
    expect(written).toBe(join(project, 'lapidary.yaml'));
    const config = await loadConfig(undefined, join(project, 'sub'));
    expect(config.gem5_path).toBe('/gem5/build/X86/gem5.opt');
    expect(config.simulation?.cpu).toBe('o3');
    expect(readFileSync(written, 'utf8')).toContain('# Defaults for simulate and parallel-simulate.');

    const fresh = join(workDir(), 'fresh');
    mkdirSync(fresh);
    expect(await recordGem5Path('/g/gem5.opt', undefined, fresh)).toBe(join(fresh, 'lapidary.yaml'));
    expect((await loadConfig(undefined, fresh)).gem5_path).toBe('/g/gem5.opt');
  });
});
