import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCpt, cptValue } from '../../src/gem5/checkpoint/ini.js';
import { parseStats } from '../../src/gem5/run/stats.js';
import { lapidary } from '../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { checkpointNames } from '../helpers/checkpoints.js';
import { fixture } from '../helpers/paths.js';
import { nativeRemainder } from '../helpers/restore.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-simulate-options-');
// 12 steps 60 ms apart, run to the end (so its stdout is complete): several checkpoints 0.1 s apart even on a loaded machine.
const env = { ...process.env, GEM5: GEM5 ?? '', STEPS: '12', STEP_MS: '60' };
/** int-loop checkpoints and the native run's stdout, made by beforeAll. */
let cpts: string;
let nativeOut: string;

/** A directory holding `lapidary.yaml` with `text`. */
function configDir(name: string, text: string): string {
  const dir = join(work(), name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'lapidary.yaml'), text);
  return dir;
}

/** gem5's own record of the system it built (m5out/config.ini), read as sections. */
function gem5Config(outdir: string): (section: string, key: string) => string | undefined {
  const sections = parseCpt(readFileSync(join(outdir, 'config.ini'), 'utf8'));
  return (section, key) => cptValue(sections, section, key);
}

describe.skipIf(GEM5 === undefined)(`simulate: defaults from lapidary.yaml, gem5's --checkpoint-dir -r${GEM5_SKIP_REASON}`, () => {
  beforeAll(async () => {
    cpts = join(work(), 'cpts');
    nativeOut = join(work(), 'native.out');
    const made = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.1', '--directory', cpts, '--stdout', nativeOut], { env });
    expect(made.exitCode, made.stderr).toBe(0);
  }, 600_000);

  it('uses simulation.cpu and simulation.caches of the lapidary.yaml found upward, and an option still wins', async () => {
    const dir = configDir('found', 'simulation:\n  cpu: timing\n  caches: l1i=16KiB:4,l1d=16KiB:2,l2=256KiB:8\n');
    const outdir = join(dir, 'm5out');
    const run = await lapidary(['simulate', '--start-checkpoint', join(cpts, 'cpt.1'), '--outdir', outdir], { cwd: dir, env, timeoutMs: 900_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('with the timing CPU');
    const ini = gem5Config(outdir);
    expect(ini('system.switch_cpus', 'type')).toBe('BaseTimingSimpleCPU');
    expect(ini('system.cpu.dcache', 'size')).toBe(String(16 * 1024));
    expect(ini('system.cpu.dcache', 'assoc')).toBe('2');
    expect(ini('system.cpu.l2cache', 'size')).toBe(String(256 * 1024));

    const atomic = await lapidary(['simulate', '--start-checkpoint', join(cpts, 'cpt.1'), '--outdir', join(dir, 'atomic'), '--cpu', 'atomic', '--caches', ''], { cwd: dir, env, timeoutMs: 900_000 });
    expect(atomic.exitCode, atomic.stderr).toBe(0);
    expect(atomic.stderr).toContain('with the atomic CPU');
    const atomicIni = gem5Config(join(dir, 'atomic'));
    expect(atomicIni('system.cpu', 'type')).toBe('BaseAtomicSimpleCPU');
    expect(atomicIni('system.cpu.dcache', 'size')).toBeUndefined();
  }, 900_000);

  it('kills gem5 after simulation.timeout seconds and says so', async () => {
    const dir = configDir('timeout', 'simulation:\n  cpu: o3\n  timeout: 1\n');
    const run = await lapidary(['simulate', '--start-checkpoint', join(cpts, 'cpt.1'), '--outdir', join(dir, 'm5out')], { cwd: dir, env, timeoutMs: 900_000 });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('with the o3 CPU');
    expect(run.stderr).toMatch(/error\[LAPIDARY_GEM5_FAILED\]: gem5 ran past the 1 s timeout and was killed/);
  }, 900_000);

  it('restores the k-th checkpoint with --checkpoint-dir DIR -r k, counted in order as se.py does', async () => {
    const outdir = join(work(), 'r2');
    const run = await lapidary(['simulate', '--checkpoint-dir', cpts, '-r', '2', '--cpu', 'atomic', '--outdir', outdir], { env, timeoutMs: 900_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain(`restoring ${join(cpts, 'cpt.2')} (`);
    expect(readFileSync(join(outdir, 'program.stdout')).equals(nativeRemainder(readFileSync(nativeOut), join(cpts, 'cpt.2')))).toBe(true);

    // Without cpt.1, -r 1 is the first checkpoint left: cpt.2 (configs/common/Simulation.py findCptDir).
    const gap = join(work(), 'gap');
    mkdirSync(gap);
    for (const name of checkpointNames(cpts).slice(1)) symlinkSync(join(cpts, name), join(gap, name));
    const first = await lapidary(['simulate', '--checkpoint-dir', gap, '--checkpoint-restore', '1', '--cpu', 'atomic', '--outdir', join(work(), 'gap-r1')], { env, timeoutMs: 900_000 });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stderr).toContain(`restoring ${join(gap, 'cpt.2')} (`);
    expect(readFileSync(join(work(), 'gap-r1', 'program.stdout')).equals(nativeRemainder(readFileSync(nativeOut), join(cpts, 'cpt.2')))).toBe(true);
  }, 900_000);

  it('parallel-simulate leaves the warm-up window and the measured window as two dumps in stats.txt', async () => {
    const one = join(work(), 'one');
    mkdirSync(one);
    symlinkSync(join(cpts, 'cpt.1'), join(one, 'cpt.1'));
    const run = await lapidary(['parallel-simulate', '-d', one, '--cpu', 'timing', '--name', 'windows', '--warmup-insts', '20000', '--detail-insts', '10000', '-j', '1'], { env, timeoutMs: 900_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    {
      const dumps = parseStats(readFileSync(join(one, 'runs', 'windows', 'cpt.1', 'stats.txt'), 'utf8'));
      expect(dumps.map((d) => d.complete)).toEqual([true, true]);
      // TimingSimpleCPU may count the instruction during which the stop event fires: one more than
      // asked, depending on where the checkpoint lies (100 001 in test/fixtures/stats, 20 000 here at times).
      expect(dumps[0]!.values['system.switch_cpus.commitStats0.numInsts']).toBeGreaterThanOrEqual(20_000);
      expect(dumps[0]!.values['system.switch_cpus.commitStats0.numInsts']).toBeLessThanOrEqual(20_001);
      expect(dumps[1]!.values['system.switch_cpus.commitStats0.numInsts']).toBe(10_000);
    }
  }, 900_000);
});
