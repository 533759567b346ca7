import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { valgrindRecount, methodsAvailable } from '../../src/insts/index.js';
import type { CheckpointManifest } from '../../src/gem5/checkpoint/manifest.js';
import { lapidary } from '../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

/**
 * create --simpoints on the phases fixture: one checkpoint per simulation point, warm-up
 * instructions before its interval, at a position an independent Valgrind count confirms; with
 * gem5, parallel-simulate measures exactly each interval and report gives the weighted CPI.
 */
const available = (await methodsAvailable()).some((m) => m.method === 'valgrind-gdb' && m.available);
const work = testWorkDir('lapidary-create-simpoints-');
const INTERVAL = 100_000;
const WARMUP = 30_000;

describe.skipIf(!available)('lapidary create --simpoints', () => {
  let dir: string;

  it('checkpoints warm-up instructions before each chosen interval, each manifest naming its interval, cluster and weight', async () => {
    dir = join(work(), 'cpts');
    const env = { ...process.env, ITEMS: '3', WORK: '1' };
    const run = await lapidary(['create', '--simpoints', '--cmd', fixture('phases'), '-d', dir, '--simpoint-interval', String(INTERVAL),
      '--warmup-insts', String(WARMUP), '--max-k', '3', '--seed', '4'], { env, timeoutMs: 900_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/SimPoint k = \d+/);
    const simpoints = readFileSync(join(dir, 'simpoints'), 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number));
    const weights = readFileSync(join(dir, 'weights'), 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number));
    const cpts = readdirSync(dir).filter((n) => /^cpt\.\d+$/.test(n));
    expect(cpts).toHaveLength(simpoints.length);
    const manifests = cpts.map((c) => JSON.parse(readFileSync(join(dir, c, 'lapidary.json'), 'utf8')) as CheckpointManifest);
    const positions: bigint[] = [];
    for (const m of manifests) {
      const sp = m.simpoint!;
      const line = simpoints.findIndex(([interval, cluster]) => interval === sp.interval && cluster === sp.cluster);
      expect(line).toBeGreaterThanOrEqual(0);
      expect(sp.weight).toBe(weights[line]![0]);
      expect(BigInt(sp.start)).toBe(BigInt(sp.interval) * BigInt(INTERVAL));
      const warm = BigInt(sp.start) < BigInt(WARMUP) ? BigInt(sp.start) : BigInt(WARMUP);
      expect(BigInt(sp.warmupInsts)).toBe(warm);
      expect(BigInt(m.instructions!)).toBe(BigInt(sp.start) - warm);
      positions.push(BigInt(m.instructions!));
    }
    // Positions ascend with the checkpoint index, and the markers are where an independent count puts them.
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    const withMarker = manifests.filter((m) => m.marker !== undefined);
    // The program exactly as the native run ran it (its environment decides getenv's instruction count).
    const { exe, argv, env: targetEnv, cwd } = manifests[0]!.target;
    const spec = { exe, argv, env: targetEnv, cwd };
    const counted = await valgrindRecount(spec, withMarker.map((m) => ({ object: m.marker!.object!, offset: BigInt(m.marker!.offset!), hits: BigInt(m.marker!.hits!) })));
    expect(counted).toEqual(withMarker.map((m) => BigInt(m.instructions!)));
  }, 900_000);

  it.skipIf(GEM5 === undefined)(`parallel-simulate warms each point up and measures its interval; report gives the SimPoint estimate${GEM5_SKIP_REASON}`, async () => {
    const env = { ...process.env, GEM5: GEM5! };
    const sim = await lapidary(['parallel-simulate', '--checkpoint-dir', dir, '--cpu', 'timing', '-j', '2', '--name', 'sp'], { env, timeoutMs: 1_800_000 });
    expect(sim.exitCode, sim.stderr).toBe(0);
    const report = await lapidary(['report', dir, '--name', 'sp', '--format', 'json', '--no-plot'], { env });
    expect(report.exitCode, report.stderr).toBe(0);
    const rows = (JSON.parse(report.stdout) as { rows: Array<{ checkpoint: string; weight: number; cpi?: number; instructions?: number }> }).rows;
    for (const row of rows) {
      const m = JSON.parse(readFileSync(join(dir, row.checkpoint, 'lapidary.json'), 'utf8')) as CheckpointManifest;
      expect(row.weight).toBe(m.simpoint!.weight);
      expect(row.instructions).toBe(Number(m.simpoint!.intervalInsts));
    }
    const text = await lapidary(['report', dir, '--name', 'sp', '--no-plot'], { env });
    const cpi = rows.reduce((s, r) => s + r.weight * r.cpi!, 0) / rows.reduce((s, r) => s + r.weight, 0);
    expect(text.stdout).toContain(`SimPoint estimate: CPI ${cpi.toFixed(4)}`);
    expect(text.stdout).toContain('no confidence interval');
  }, 1_800_000);
});
