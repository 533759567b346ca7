import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { createAtBreakpoints } from '../helpers/breakpoint-checkpoints.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';
import { skipMarker } from '../helpers/skip.js';

const work = testWorkDir('lapidary-script-');
const env = { ...process.env, GEM5: GEM5 ?? '' };
/** gem5's own se.py, in the source tree the gem5 binary was built in (…/build/X86/gem5.opt). */
const SE_PY = GEM5 === undefined ? undefined : join(dirname(dirname(dirname(GEM5))), 'configs', 'deprecated', 'example', 'se.py');
const skip = SE_PY === undefined || !existsSync(SE_PY);
/** se.py -r k restoring checkpoint k of the directory, as its users write it. */
const restore = ['--cmd={binary}', '--checkpoint-dir={checkpoint_dir}', '-r', '{index}', '--mem-size={mem_size}B'];
/** Two checkpoints of fixtures/c/int-loop at its first two step_done calls; made by beforeAll. */
let cpts: string;

interface Run { id: string; status: string; exitCause?: string; failureKind?: string; failureDetail?: string; params: Record<string, unknown>; measurement?: { cpu: string; cpi: number; instructions: number } }
async function runs(name: string): Promise<Run[]> {
  const listed = await lapidary(['runs', cpts, '--name', name, '--json'], { env });
  expect(listed.exitCode, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as Run[];
}

describe.skipIf(skip)(`parallel-simulate --gem5-script runs gem5's se.py unchanged over lapidary checkpoints${skip ? GEM5_SKIP_REASON || skipMarker({ tier: 'gem5 se.py', reason: `no configs/deprecated/example/se.py in the source tree of ${GEM5}`, enable: 'GEM5=<gem5 v24 source tree>/build/X86/gem5.opt npm test' }) : ''}`, () => {
  beforeAll(async () => {
    cpts = join(work(), 'int-loop');
    const made = await createAtBreakpoints(fixture('int-loop'), 'step_done', ['checkpoint', 'continue', 'checkpoint', 'exit'], cpts, { stdout: '/dev/null', env });
    expect(made.exitCode, made.stderr).toBe(0);
  }, 300_000);

  it('records, measures and reports se.py -r k with a switch to O3, and runs nothing twice', async () => {
    const args = ['parallel-simulate', '-d', cpts, '-j', '2', '--gem5-script', SE_PY!, '--stats-cpu', 'system.switch_cpus', '--name', 'se-o3',
      '--', ...restore, '--cpu-type=X86O3CPU', '--caches', '--l2cache', '--maxinsts=20000'];
    const run = await lapidary(args, { env, timeoutMs: 1_800_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    const recorded = await runs('se-o3');
    expect(recorded.map((r) => [r.status, r.exitCause])).toEqual([['Finished', 'a thread reached the max instruction count'], ['Finished', 'a thread reached the max instruction count']]);
    expect(recorded[0]!.measurement!.cpu).toBe('system.switch_cpus');
    // se.py's --maxinsts ends the run within a commit group of the count
    expect(Math.abs(recorded[0]!.measurement!.instructions - 20000)).toBeLessThanOrEqual(8);
    expect(recorded[1]!.params).toMatchObject({ gem5Script: SE_PY, args: args.slice(args.indexOf('--') + 1), statsCpu: 'system.switch_cpus' });
    const report = await lapidary(['report', cpts, '--name', 'se-o3', '--no-plot'], { env });
    expect(report.exitCode, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/se-o3-cpt\.2\s+cpt\.2\s+ok\s+1\s+\d+\.\d{4}\s+[\d,]+\s+20,00\d/);
    expect(report.stdout).toMatch(/mean CPI \d+\.\d{4} ± \d+\.\d{4} \(95% CI/);
    const again = await lapidary(args, { env, timeoutMs: 600_000 });
    expect(again.stderr).toContain('lapidary: se-o3: 0 finished, 0 failed, 0 timed out, 0 killed, 2 skipped');
  }, 3_600_000);

  it('sweeps a value into the script arguments and finds the measured CPU by itself when only one committed instructions', async () => {
    const run = await lapidary(['parallel-simulate', '-d', cpts, '-j', '2', '--gem5-script', SE_PY!, '--sweep', 'n=10000,30000', '--', ...restore, '--maxinsts={n}'], { env, timeoutMs: 1_800_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    for (const n of [10000, 30000]) {
      const recorded = await runs(`n=${n}`);
      expect(recorded.map((r) => r.status)).toEqual(['Finished', 'Finished']);
      expect(recorded[0]!.measurement!.cpu).toBe('system.cpu');
      // se.py's --maxinsts ends the run within a few instructions of the count
      expect(Math.abs(recorded[0]!.measurement!.instructions - n)).toBeLessThanOrEqual(8);
    }
  }, 3_600_000);

  it('refuses unknown placeholders before gem5 runs, and records an ambiguous measurement, a failing script and a timeout per run', async () => {
    const unknown = await lapidary(['parallel-simulate', '-d', cpts, '--gem5-script', SE_PY!, '--name', 'typo', '--', '--cmd={bianry}'], { env });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/\{bianry\}, which is neither a placeholder nor a swept key/);
    expect(existsSync(join(cpts, 'runs', 'typo'))).toBe(false);
    const own = await lapidary(['parallel-simulate', '-d', cpts, '--gem5-script', SE_PY!, '--cpu', 'o3', '--', ...restore], { env });
    expect(own.stderr).toMatch(/--gem5-script runs your script unchanged; --cpu describe/);

    const ambiguous = await lapidary(['parallel-simulate', '-d', cpts, '-j', '2', '--gem5-script', SE_PY!, '--name', 'ambiguous', '--', ...restore, '--cpu-type=X86TimingSimpleCPU', '--maxinsts=20000'], { env, timeoutMs: 900_000 });
    expect(ambiguous.exitCode).toBe(1);
    const two = await runs('ambiguous');
    expect(two.map((r) => r.failureKind)).toEqual(['stats-unreadable', 'stats-unreadable']);
    expect(two[0]!.failureDetail).toBe('several CPUs committed instructions in the last statistics dump: system.cpu, system.switch_cpus; name the one to measure with --stats-cpu');

    const failing = await lapidary(['parallel-simulate', '-d', cpts, '-j', '2', '--gem5-script', SE_PY!, '--name', 'bad-option', '--', ...restore, '--cpu-type=NoSuchCPU'], { env, timeoutMs: 900_000 });
    expect(failing.exitCode).toBe(1);
    expect((await runs('bad-option')).map((r) => [r.status, r.failureKind])).toEqual([['Failed', 'exit-code'], ['Failed', 'exit-code']]);

    const slow = await lapidary(['parallel-simulate', '-d', cpts, '-j', '2', '--gem5-script', SE_PY!, '--name', 'slow', '--timeout', '4', '--', ...restore, '--cpu-type=X86O3CPU', '--caches'], { env, timeoutMs: 900_000 });
    expect(slow.exitCode).toBe(1);
    expect((await runs('slow')).map((r) => [r.status, r.failureKind])).toEqual([['Timeout', 'timeout'], ['Timeout', 'timeout']]);
    expect((await runs('se-o3')).map((r) => r.status)).toEqual(['Finished', 'Finished']);

    const stray = await lapidary(['report', cpts, '--', 'x'], { env });
    expect(stray.exitCode).toBe(2);
    expect(stray.stderr).toMatch(/lapidary report takes no arguments after --/);
  }, 3_600_000);
});
