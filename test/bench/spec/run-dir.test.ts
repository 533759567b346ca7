import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { prepareRunDir, resolveBenchmark } from '../../../src/bench/spec/index.js';
import { compileFakeBenchmark, dataContent, makeFakeSpec, writeData } from './fake-install.js';

const LABEL = 'lapidary-test';
let scratch: string;
let root: string;
let ws: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'lapidary-spec-rundir-'));
  root = makeFakeSpec(compileFakeBenchmark(scratch));
  ws = join(scratch, 'workspace');
  // Contents the pre_run() rewrites act on, and a file both data/all and data/test provide.
  writeData(root, '628.pop2_s', 'test', 'drv_in.in', " &seq_infodata_inparm\n  ocn_nthreads = 8\n\n  case_name = 'pop2'\n");
  writeData(root, '554.roms_r', 'test', 'ocean_benchmark0.in.x', '! decomposition\n\n      NtileI == 2\n      NtileJ == 3\n');
  writeData(root, '521.wrf_r', 'all', 'namelist.input', 'from all\n');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const read = (path: string) => readFileSync(path, 'utf8');
const runDirOf = (bench: string, size: string) => join(ws, bench, 'run', `run_base_${size}_${LABEL}.0000`);

describe('prepareRunDir', () => {
  it('copies the inputs into <workspace>/<bench>/run/run_base_<size>_<label>.0000 and moves the resolution there', async () => {
    const r = resolveBenchmark('505.mcf_r', { specRoot: root, size: 'test' });
    const p = await prepareRunDir(r, ws);
    const dir = runDirOf('505.mcf_r', 'test');
    expect(p.runDir).toBe(dir);
    expect(p.resolution.runDir).toBe(dir);
    expect(p.resolution.invocations[0]).toMatchObject({ runDir: dir, stdout: join(dir, 'inp.out'), stderr: join(dir, 'inp.err'), argv: ['inp.in'] });
    expect(p.placed).toEqual(['control', 'inp.in']);
    expect(read(join(dir, 'inp.in'))).toBe(dataContent('505.mcf_r', 'test', 'inp.in'));
    expect(lstatSync(join(dir, 'inp.in')).isFile()).toBe(true);
  });

  it('is idempotent, and restores an input the last run changed', async () => {
    const r = resolveBenchmark('505.mcf_r', { specRoot: root, size: 'train' });
    await prepareRunDir(r, ws);
    const again = await prepareRunDir(r, ws);
    expect(again.placed).toEqual([]);
    expect(again.unchanged).toEqual(['control', 'inp.in']);
    const inp = join(runDirOf('505.mcf_r', 'train'), 'inp.in');
    writeFileSync(inp, 'scribbled over by a run\n');
    expect((await prepareRunDir(r, ws)).placed).toEqual(['inp.in']);
    expect(read(inp)).toBe(dataContent('505.mcf_r', 'train', 'inp.in'));
  });

  it('takes data/<size> over data/all on conflicts, and keeps subdirectories', async () => {
    const wrf = await prepareRunDir(resolveBenchmark('wrf_r', { specRoot: root, size: 'test' }), ws);
    expect(read(join(wrf.runDir, 'namelist.input'))).toBe(dataContent('521.wrf_r', 'test', 'namelist.input'));
    expect(read(join(wrf.runDir, 'RRTM_DATA'))).toBe(dataContent('521.wrf_r', 'all', 'RRTM_DATA'));
    const perl = await prepareRunDir(resolveBenchmark('500.perlbench_r', { specRoot: root, size: 'test' }), ws);
    expect(read(join(perl.runDir, 'lib/AutoLoader.pm'))).toBe(dataContent('500.perlbench_r', 'all', 'lib/AutoLoader.pm'));
    expect(read(join(perl.runDir, 't/TEST'))).toBe(dataContent('500.perlbench_r', 'test', 't/TEST'));
    expect(read(join(perl.runDir, 'makerand.pl'))).toBe(dataContent('500.perlbench_r', 'test', 'makerand.pl'));
  });

  it('fills a speed benchmark’s run directory from the rate benchmark’s data', async () => {
    const p = await prepareRunDir(resolveBenchmark('605.mcf_s', { specRoot: root, size: 'test' }), ws);
    expect(p.runDir).toBe(runDirOf('605.mcf_s', 'test'));
    expect(read(join(p.runDir, 'inp.in'))).toBe(dataContent('505.mcf_r', 'test', 'inp.in'));
  });

  it('makes a relative workspace absolute', async () => {
    const rel = relative(process.cwd(), join(scratch, 'relative-ws'));
    const p = await prepareRunDir(resolveBenchmark('541.leela_r', { specRoot: root, size: 'test' }), rel);
    expect(p.runDir).toBe(join(scratch, 'relative-ws', '541.leela_r/run', `run_base_test_${LABEL}.0000`));
    expect(p.resolution.invocations[0]!.stdout).toBe(join(p.runDir, 'test.out'));
  });

  it('can symlink instead of copying', async () => {
    const r = resolveBenchmark('531.deepsjeng_r', { specRoot: root, size: 'test' });
    const p = await prepareRunDir(r, join(scratch, 'links'), { mode: 'symlink' });
    const link = join(p.runDir, 'test.txt');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join(root, 'benchspec/CPU/531.deepsjeng_r/data/test/input/test.txt'));
    expect((await prepareRunDir(r, join(scratch, 'links'), { mode: 'symlink' })).placed).toEqual([]);
  });

  it('applies 628.pop2_s pre_run(): *.in → one-thread copies without .in', async () => {
    const r = resolveBenchmark('pop2', { specRoot: root, size: 'test' });
    const p = await prepareRunDir(r, ws);
    expect(p.rewritten).toContain('drv_in');
    expect(read(join(p.runDir, 'drv_in'))).toBe(" &seq_infodata_inparm\n  ocn_nthreads = 1\n\n  case_name = 'pop2'\n");
    expect(existsSync(join(p.runDir, 'drv_in.in'))).toBe(true);
    expect((await prepareRunDir(r, ws)).rewritten).toEqual([]);
  });

  it('applies 654.roms_s pre_run(): ocean_benchmark0.in.x → ocean_benchmark0.in tiled 4×1, the file fed on stdin', async () => {
    const r = resolveBenchmark('roms_s', { specRoot: root, size: 'test' });
    const p = await prepareRunDir(r, ws);
    expect(p.rewritten).toEqual(['ocean_benchmark0.in']);
    expect(read(join(p.runDir, 'ocean_benchmark0.in'))).toBe('! decomposition\n\n      NtileI == 4\n      NtileJ == 1\n');
    expect(p.resolution.invocations[0]!.stdin).toBe(join(p.runDir, 'ocean_benchmark0.in'));
    // 554.roms_r has no pre_run(): it reads the .in.x file itself.
    const rate = await prepareRunDir(resolveBenchmark('roms_r', { specRoot: root, size: 'test' }), ws);
    expect(rate.rewritten).toEqual([]);
    expect(rate.resolution.invocations[0]!.stdin).toBe(join(rate.runDir, 'ocean_benchmark0.in.x'));
  });

  it('runs x264’s input generation (ldecod) once, with SPEC’s output names', async () => {
    const r = resolveBenchmark('525.x264_r', { specRoot: root, size: 'test' });
    const p = await prepareRunDir(r, ws);
    expect(p.generated).toEqual(['BuckBunny.yuv']);
    expect(read(join(p.runDir, 'BuckBunny.yuv'))).toBe(dataContent('525.x264_r', 'test', 'BuckBunny.264'));
    const log = read(join(p.runDir, `inputgen_ldecod_r_base.${LABEL}_x264.out`));
    expect(log).toContain(`cwd=${p.runDir}\n`);
    expect(log).toContain('argv[1]=-i\nargv[2]=BuckBunny.264\nargv[3]=-o\nargv[4]=BuckBunny.yuv\n');
    expect(p.resolution.invocations[0]!.stdout).toBe(join(p.runDir, `run_000-156_x264_r_base.${LABEL}_x264.out`));
    expect((await prepareRunDir(r, ws)).generated).toEqual([]);
    expect((await prepareRunDir(resolveBenchmark('625.x264_s', { specRoot: root, size: 'test' }), ws)).generated).toEqual(['BuckBunny.yuv']);
  });

  it('unpacks fotonik3d’s OBJ.dat with $SPEC/bin/specxz', async () => {
    const p = await prepareRunDir(resolveBenchmark('649.fotonik3d_s', { specRoot: root, size: 'train' }), ws);
    expect(p.generated).toEqual(['OBJ.dat']);
    expect(read(join(p.runDir, 'OBJ.dat'))).toBe(dataContent('549.fotonik3d_r', 'train', 'OBJ.dat.xz'));
  });

  it('can skip input generation', async () => {
    const p = await prepareRunDir(resolveBenchmark('549.fotonik3d_r', { specRoot: root, size: 'test' }), join(scratch, 'nogen'), { generate: false });
    expect(p.generated).toEqual([]);
    expect(existsSync(join(p.runDir, 'OBJ.dat'))).toBe(false);
  });

  it('reports a failing generator and keeps its stderr', async () => {
    const broken = makeFakeSpec(compileFakeBenchmark(scratch), { only: ['525.x264_r'] });
    try {
      const ldecod = join(broken, `benchspec/CPU/525.x264_r/exe/ldecod_r_base.${LABEL}`);
      writeFileSync(ldecod, '#!/bin/sh\necho "cannot decode" >&2\nexit 3\n');
      chmodSync(ldecod, 0o755);
      const r = resolveBenchmark('525.x264_r', { specRoot: broken, size: 'train' });
      const err = await prepareRunDir(r, join(scratch, 'broken')).then(
        () => undefined,
        (e: unknown) => e as ConfigError,
      );
      expect(err).toBeInstanceOf(ConfigError);
      expect(err!.message).toContain('exited with 3');
      expect(read(err!.keptPath!)).toBe('cannot decode\n');
      expect(existsSync(join(scratch, 'broken/525.x264_r/run', `run_base_train_${LABEL}.0000`, 'BuckBunny.yuv'))).toBe(false);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
