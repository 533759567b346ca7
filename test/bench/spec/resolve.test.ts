import { existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../../src/errors.js';
import { SPEC_BENCHMARKS, findBenchmark, resolveBenchmark, sizesOf, type SpecResolution } from '../../../src/bench/spec/index.js';
import { compileFakeBenchmark, installExes, makeFakeSpec } from './fake-install.js';

const LABEL = 'lapidary-test';
let scratch: string;
let program: string;
let root: string;
const roots: string[] = [];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'lapidary-spec-bin-'));
  program = compileFakeBenchmark(scratch);
  root = makeFakeSpec(program);
  roots.push(root);
});

afterAll(() => {
  for (const r of [...roots, scratch]) rmSync(r, { recursive: true, force: true });
});

function fresh(options: Parameters<typeof makeFakeSpec>[1] = {}): string {
  const r = makeFakeSpec(program, options);
  roots.push(r);
  return r;
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const cases = SPEC_BENCHMARKS.flatMap((b) => sizesOf(b).map((size) => [b.name, size] as const));

/** Check a resolution against the table and the fake installation. */
function checkResolution(r: SpecResolution, name: string, size: string): void {
  const bench = findBenchmark(name);
  const spec = bench.sizes[size as 'test']!;
  const cpu = join(root, 'benchspec', 'CPU');
  const runDir = join(cpu, name, 'run', `run_base_${size}_${LABEL}.0000`);
  expect(r.benchmark).toBe(bench);
  expect(r).toMatchObject({ size, tune: 'base', label: LABEL, specRoot: root, runDir, invocationCount: spec.invocations.length });
  expect(r.invocations).toHaveLength(spec.invocations.length);
  const targets = new Set(r.inputs.map((i) => i.target));
  expect(targets.size).toBe(r.inputs.length);
  for (const input of r.inputs) {
    expect(existsSync(input.source)).toBe(true);
    expect(r.inputDirs.some((d) => input.source === join(d, input.target))).toBe(true);
  }
  r.invocations.forEach((inv, i) => {
    const want = spec.invocations[i]!;
    const exeFile = `${want.exe}_base.${LABEL}`;
    expect(inv.index).toBe(i + 1);
    expect(inv.exe).toBe(join(cpu, name, 'exe', exeFile));
    expect(existsSync(inv.exe)).toBe(true);
    expect(inv.argv).toEqual(want.args);
    expect(inv.runDir).toBe(runDir);
    expect(inv.stdout).toBe(join(runDir, want.stdout.replaceAll('{exe}', exeFile)));
    expect(inv.stderr).toBe(join(runDir, want.stderr.replaceAll('{exe}', exeFile)));
    expect(inv.env).toEqual({ OMP_NUM_THREADS: '1' });
    expect(inv.inputs).toBe(r.inputs);
    if (want.stdin === undefined) expect(inv.stdin).toBeUndefined();
    else {
      expect(inv.stdin).toBe(join(runDir, want.stdin));
      const fromInput = targets.has(want.stdin) || (spec.preRun !== undefined && targets.has(want.stdin + spec.preRun.stripSuffix));
      expect(fromInput).toBe(true);
    }
  });
}

describe('resolveBenchmark on a fake installation', () => {
  it.each(cases)('resolves %s %s by full name, number and suffixed name', (name, size) => {
    const bench = findBenchmark(name);
    const r = resolveBenchmark(name, { specRoot: root, size });
    checkResolution(r, name, size);
    expect(resolveBenchmark(String(bench.number), { specRoot: root, size })).toEqual(r);
    expect(resolveBenchmark(bench.benchName, { specRoot: root, size, label: LABEL })).toEqual(r);
  });

  it.each(SPEC_BENCHMARKS.map((b) => [b.shortName, b.name] as const))('resolves short name %s (for %s) or lists the candidates', (short, name) => {
    const sharing = SPEC_BENCHMARKS.filter((b) => b.shortName === short);
    if (sharing.length === 1) {
      expect(resolveBenchmark(short, { specRoot: root, size: 'ref' }).benchmark.name).toBe(name);
      return;
    }
    const err = thrown(() => resolveBenchmark(short, { specRoot: root, size: 'test' }));
    expect(err).toBeInstanceOf(UsageError);
    for (const b of sharing) expect(err.message).toContain(b.name);
  });

  it('takes its inputs from the donor benchmark’s data for speed sizes', () => {
    const r = resolveBenchmark('mcf_s', { specRoot: root, size: 'ref' });
    expect(r.size).toBe('refspeed');
    expect(r.inputDirs).toEqual([join(root, 'benchspec/CPU/505.mcf_r/data/refspeed/input')]);
    expect(r.inputs.map((i) => i.target).sort()).toEqual(['control', 'inp.in']);
    const perl = resolveBenchmark('600.perlbench_s', { specRoot: root, size: 'refspeed' });
    expect(perl.inputDirs).toEqual([join(root, 'benchspec/CPU/500.perlbench_r/data/all/input'), join(root, 'benchspec/CPU/500.perlbench_r/data/refrate/input')]);
    expect(perl.inputs.map((i) => i.target)).toEqual(expect.arrayContaining(['checkspam.pl', 'diffmail.pl', 'splitmail.in', 'lib/AutoLoader.pm', 'rules/10_misc.cf']));
  });

  it('selects one invocation with --invocation K, 1-based', () => {
    const r = resolveBenchmark('502.gcc_r', { specRoot: root, size: 'refrate', invocation: 3 });
    expect(r.invocationCount).toBe(5);
    expect(r.invocations).toHaveLength(1);
    expect(r.invocations[0]).toMatchObject({ index: 3, argv: ['gcc-smaller.c', '-O3', '-fipa-pta', '-o', 'gcc-smaller.opts-O3_-fipa-pta.s'] });
    expect(resolveBenchmark('525.x264_r', { specRoot: root, size: 'refrate', invocation: 2 }).invocations[0]!.argv.slice(0, 2)).toEqual(['--pass', '2']);
  });

  it.each([0, 6, 1.5, -1])('rejects --invocation %s listing how many there are', (k) => {
    const err = thrown(() => resolveBenchmark('502.gcc_r', { specRoot: root, size: 'refrate', invocation: k }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(`502.gcc_r refrate has 5 invocations; --invocation ${k} is out of range`);
    expect((err as UsageError).hint).toContain('1..5');
  });

  it('rejects a size of the other suite and an unknown tuning', () => {
    expect(thrown(() => resolveBenchmark('505.mcf_r', { specRoot: root, size: 'refspeed' }))).toBeInstanceOf(UsageError);
    expect(thrown(() => resolveBenchmark('505.mcf_r', { specRoot: root, size: 'test', tune: 'fast' as 'base' }))).toBeInstanceOf(UsageError);
  });

  it('places the run directory under a workspace when given one', () => {
    const r = resolveBenchmark('505.mcf_r', { specRoot: root, size: 'test', workspace: '/ws' });
    expect(r.runDir).toBe(`/ws/505.mcf_r/run/run_base_test_${LABEL}.0000`);
    expect(r.invocations[0]!.stdout).toBe(`/ws/505.mcf_r/run/run_base_test_${LABEL}.0000/inp.out`);
  });
});

describe('resolveBenchmark on an incomplete installation', () => {
  it('says a missing SPEC root is not an installation', () => {
    const err = thrown(() => resolveBenchmark('505.mcf_r', { specRoot: join(scratch, 'nowhere'), size: 'test' }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('is not a SPEC CPU 2017 installation');
  });

  it('says an unbuilt benchmark must be built, and how', () => {
    const r = fresh({ unbuilt: ['505.mcf_r'], only: ['505.mcf_r', '605.mcf_s'] });
    const err = thrown(() => resolveBenchmark('505.mcf_r', { specRoot: r, size: 'test' })) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(`505.mcf_r is not built in ${r}: no mcf_r_base.<label> in ${join(r, 'benchspec/CPU/505.mcf_r/exe')}`);
    expect(err.hint).toBe(`build it first: cd ${r} && . ./shrc && runcpu --config=<your config> --action=build --tune=base 505.mcf_r`);
    expect(resolveBenchmark('605.mcf_s', { specRoot: r, size: 'test' }).invocations).toHaveLength(1);
  });

  it('names each missing executable of a partly built benchmark (x264 needs ldecod for its input)', () => {
    const r = fresh({ only: ['525.x264_r'] });
    const ldecod = join(r, `benchspec/CPU/525.x264_r/exe/ldecod_r_base.${LABEL}`);
    unlinkSync(ldecod);
    const err = thrown(() => resolveBenchmark('x264_r', { specRoot: r, size: 'test' })) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(`525.x264_r is only partly built: missing ${ldecod}`);
    expect(err.hint).toContain('--action=build');
  });

  it('asks for a label when several are built, and checks the one given', () => {
    const r = fresh({ only: ['505.mcf_r'] });
    installExes(r, '505.mcf_r', ['mcf_r'], 'other', program);
    const many = thrown(() => resolveBenchmark('505.mcf_r', { specRoot: r, size: 'test' })) as UsageError;
    expect(many).toBeInstanceOf(UsageError);
    expect(many.message).toContain(`built for several labels (${LABEL}, other)`);
    expect(resolveBenchmark('505.mcf_r', { specRoot: r, size: 'test', label: 'other' }).invocations[0]!.exe).toBe(join(r, 'benchspec/CPU/505.mcf_r/exe/mcf_r_base.other'));
    const wrong = thrown(() => resolveBenchmark('505.mcf_r', { specRoot: r, size: 'test', label: 'nope' })) as ConfigError;
    expect(wrong).toBeInstanceOf(ConfigError);
    expect(wrong.hint).toContain(`built labels: ${LABEL}, other`);
  });

  it('says which data directory is missing', () => {
    const r = fresh({ noData: ['505.mcf_r'], only: ['505.mcf_r', '605.mcf_s'] });
    const err = thrown(() => resolveBenchmark('605.mcf_s', { specRoot: r, size: 'train' })) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(
      `input data for 605.mcf_s size train is missing: ${join(r, 'benchspec/CPU/605.mcf_s/data/train/input')} or ${join(r, 'benchspec/CPU/505.mcf_r/data/train/input')} does not exist`,
    );
    expect(err.hint).toContain('install.sh');
  });

  it('says which input file is missing', () => {
    const r = fresh({ only: ['503.bwaves_r'] });
    unlinkSync(join(r, 'benchspec/CPU/503.bwaves_r/data/test/input/bwaves_2.in'));
    const err = thrown(() => resolveBenchmark('bwaves_r', { specRoot: r, size: 'test' }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('input file bwaves_2.in of 503.bwaves_r (test) is in none of');
  });

  it('needs SPEC’s specxz for fotonik3d', () => {
    const r = fresh({ only: ['549.fotonik3d_r', '649.fotonik3d_s'] });
    unlinkSync(join(r, 'bin/specxz'));
    const err = thrown(() => resolveBenchmark('649.fotonik3d_s', { specRoot: r, size: 'test' }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(`${join(r, 'bin/specxz')} does not exist`);
  });
});
