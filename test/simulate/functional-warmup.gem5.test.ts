import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseStats } from '../../src/gem5/run/stats.js';
import { lapidary } from '../helpers/cli.js';
import { createAtBreakpoints } from '../helpers/breakpoint-checkpoints.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-fwarm-');
const env = { ...process.env, ITEMS: '4', GEM5: GEM5 ?? '' };
/** One checkpoint of fixtures/c/phases at item_done(1): item 2, next, chases pointers over 128 KiB. */
let cpts: string;

interface Run { status: string; outdir: string; params: Record<string, unknown>; measurement?: { cpi: number; instructions: number } }
async function run(name: string, window: string[]): Promise<{ record: Run; l2Misses: number; phases: Array<{ name: string; requested: number; simulated: number }> }> {
  const batch = await lapidary(['parallel-simulate', '-d', cpts, '--cpu', 'o3', '--name', name, ...window], { env, timeoutMs: 1_800_000 });
  expect(batch.exitCode, batch.stderr).toBe(0);
  const [record] = JSON.parse((await lapidary(['runs', cpts, '--name', name, '--json'], { env })).stdout) as Run[];
  const dumps = parseStats(readFileSync(join(record!.outdir, 'stats.txt'), 'utf8'));
  const info = JSON.parse(readFileSync(join(record!.outdir, 'lapidary-result.json'), 'utf8')) as { phases: Array<{ name: string; requested: number; simulated: number }> };
  // a counter that stayed 0 is not printed (gem5 prereqs)
  return { record: record!, l2Misses: dumps[dumps.length - 1]!.values['system.cpu.l2cache.overallMisses::total'] ?? 0, phases: info.phases };
}

describe.skipIf(GEM5 === undefined)(`functional warming: the atomic CPU warms the detailed system's caches${GEM5_SKIP_REASON}`, () => {
  beforeAll(async () => {
    cpts = join(work(), 'phases');
    const made = await createAtBreakpoints(fixture('phases'), 'item_done', ['continue', 'checkpoint', 'exit'], cpts, { stdout: '/dev/null', env });
    expect(made.exitCode, made.stderr).toBe(0);
  }, 300_000);

  it('runs N atomic instructions with the caches attached before the switch, and the measured region then misses far less in the L2', async () => {
    const cold = await run('cold', ['--warmup-insts', '0', '--detail-insts', '50000']);
    const warm = await run('functional', ['--functional-warmup', '200000', '--warmup-insts', '0', '--detail-insts', '50000']);
    expect(warm.phases.map((p) => [p.name, p.requested])).toEqual([['lapidary functional warm-up done', 200000], ['lapidary detailed region done', 50000]]);
    // the phase's own count (lapidary_gem5.py adds the atomic CPU's last instruction, see its run())
    expect(Math.abs(warm.phases[0]!.simulated - 200000)).toBeLessThanOrEqual(1);
    expect(warm.record.params).toMatchObject({ functionalWarmupInsts: '200000', warmupInsts: '0' });
    expect(cold.record.params.functionalWarmupInsts).toBeUndefined();
    console.log(`L2 misses in 50k measured instructions: cold ${cold.l2Misses}, after 200k functional ${warm.l2Misses}; CPI ${cold.record.measurement!.cpi.toFixed(4)} vs ${warm.record.measurement!.cpi.toFixed(4)}`);
    // 2048 lines of next_node[] fit in the 1 MiB L2: once warm, the chase hits there
    expect(cold.l2Misses).toBeGreaterThan(100);
    expect(warm.l2Misses).toBeLessThan(cold.l2Misses / 4);
    expect(warm.record.measurement!.cpi).toBeLessThan(cold.record.measurement!.cpi);
  }, 3_600_000);

  it('refuses a functional warm-up with a user run script, and a non-integral count', async () => {
    const script = await lapidary(['parallel-simulate', '-d', cpts, '--functional-warmup', '1000', '--gem5-script', '/dev/null', '--', 'x'], { env });
    expect(script.exitCode).toBe(2);
    expect(script.stderr).toMatch(/--functional-warmup describe lapidary's own/);
    const fraction = await lapidary(['parallel-simulate', '-d', cpts, '--functional-warmup', '1.5'], { env });
    expect(fraction.stderr).toMatch(/--functional-warmup must be a whole number of instructions, got 1\.5/);
  });
});
