import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatBbFile, parseBbFile, type BasicBlockVector } from '../../src/simpoint/bb-file.js';
import { analyseSimPoints } from '../../src/simpoint/cluster.js';
import { simPointFileTexts, writeSimPointFiles, type Gem5SimpointJson } from '../../src/simpoint/output.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-simpoint-out-');

/** Three phases of BBVs (blocks 10p+1..10p+8), 12, 6 and 18 intervals, in the order 0,1,2,0. */
function vectors(): BasicBlockVector[] {
  const out: BasicBlockVector[] = [];
  let x = 11;
  for (const [phase, n] of [[0, 8], [1, 6], [2, 18], [0, 4]] as const) {
    for (let i = 0; i < n; i++) {
      const v: BasicBlockVector = new Map();
      for (let b = 1; b <= 8; b++) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        v.set(10 * phase + b, 1000 + (x % 200));
      }
      out.push(v);
    }
  }
  return out;
}

describe('SimPoint output files', () => {
  const bb = formatBbFile(vectors());
  const analysis = analyseSimPoints(parseBbFile(bb), { seed: 3, maxK: 6 });
  const files = simPointFileTexts(analysis, bb, { id: 'phases-test', interval: 10_000_000n, warmup: 2_000_000n });

  it('writes simpoints and weights as SimPoint does: "<interval> <cluster>" and "<weight> <cluster>" per cluster', () => {
    expect(analysis.chosen.k).toBe(3);
    const simpoints = files.simpoints.trim().split('\n').map((l) => l.split(' ').map(Number));
    const weights = files.weights.trim().split('\n').map((l) => l.split(' ').map(Number));
    expect(simpoints).toHaveLength(3);
    // Same clusters, same order; each point is an interval of its cluster; weights are the sizes 12, 6, 18 of 36.
    expect(simpoints.map((s) => s[1])).toEqual(weights.map((w) => w[1]));
    for (const [interval, cluster] of simpoints) expect(analysis.chosen.labels[interval!]).toBe(cluster);
    expect(weights.map((w) => w[0]! * 36).map(Math.round).sort((a, b) => a - b)).toEqual([6, 12, 18]);
    expect(weights.reduce((s, w) => s + w[0]!, 0)).toBeCloseTo(1, 12);
    const json = JSON.parse(files.json) as Gem5SimpointJson;
    expect(json.simpoint_list).toEqual(simpoints.map((s) => s[0]).sort((a, b) => a! - b!));
    expect(json.weight_list).toEqual(json.simpoint_list.map((i) => weights[simpoints.findIndex((s) => s[0] === i)]![0]));
    expect(json).toMatchObject({ category: 'simpoint', simpoint_interval: 10_000_000, warmup_interval: 2_000_000 });
    expect(parseBbFile(files.bb)).toEqual(vectors());
  });

  it.skipIf(GEM5 === undefined)(`gem5's own SimpointResource and SimpointDirectoryResource read them${GEM5_SKIP_REASON}`, async () => {
    const dir = work();
    await writeSimPointFiles(join(dir, 'sp'), files);
    const script = join(dir, 'read.py');
    writeFileSync(script, [
      'import json',
      'from gem5.resources.resource import SimpointResource, SimpointDirectoryResource',
      `with open(${JSON.stringify(join(dir, 'sp', 'simpoint.json'))}) as f: j = json.load(f)`,
      'a = SimpointResource(**j)',
      `b = SimpointDirectoryResource(local_path=${JSON.stringify(join(dir, 'sp'))}, simpoint_file="simpoints", weight_file="weights", simpoint_interval=j["simpoint_interval"], warmup_interval=j["warmup_interval"])`,
      'for r in (a, b): print("LAPIDARY " + json.dumps({"list": r.get_simpoint_list(), "starts": r.get_simpoint_start_insts(), "weights": r.get_weight_list(), "warmup": r.get_warmup_list()}))',
      '',
    ].join('\n'));
    const { stdout } = await promisify(execFile)(GEM5!, ['-q', `--outdir=${join(dir, 'm5out')}`, script], { maxBuffer: 1 << 24 });
    const [fromJson, fromFiles] = stdout.split('\n').filter((l) => l.startsWith('LAPIDARY ')).map((l) => JSON.parse(l.slice(9)) as { list: number[]; starts: number[]; weights: number[]; warmup: number[] });
    const json = JSON.parse(readFileSync(join(dir, 'sp', 'simpoint.json'), 'utf8')) as Gem5SimpointJson;
    for (const r of [fromJson!, fromFiles!]) {
      expect(r.list).toEqual(json.simpoint_list);
      expect(r.weights).toEqual(json.weight_list);
      // gem5 starts each point warmup_interval early, or at 0 when the point is closer to the start.
      expect(r.warmup).toEqual(json.simpoint_list.map((i) => (i * 10_000_000 >= 2_000_000 ? 2_000_000 : i * 10_000_000)));
      expect(r.starts).toEqual(json.simpoint_list.map((i, n) => i * 10_000_000 - r.warmup[n]!));
    }
  });
});
