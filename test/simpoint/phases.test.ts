import { describe, expect, it } from 'vitest';
import { symbolFileOffset } from '../../src/insts/elf.js';
import { valgrindRecount, methodsAvailable } from '../../src/insts/index.js';
import { analyseSimPoints } from '../../src/simpoint/cluster.js';
import { profileBasicBlocks } from '../../src/simpoint/profile.js';
import { fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';
import { program } from '../insts/helpers.js';

/**
 * SimPoint on a program whose phases are known: fixtures/c/phases.c runs ITEMS work items, each
 * one of four kernels picked by a fixed LCG, and calls item_done after each. The item boundaries
 * are counted independently (the position of each arrival at item_done), the kernels replayed
 * from the LCG; an interval inside one item (not the first: main's set-up precedes it) is a
 * "pure" interval of that item's kernel.
 */
const available = (await methodsAvailable()).some((m) => m.method === 'valgrind-gdb' && m.available);
const work = testWorkDir('lapidary-simpoint-phases-');
const ITEMS = 24;
const INTERVAL = 100_000n;

/** phases.c's kernel per item: pick = pick·1103515245 + 12345 (mod 2^32), kernel (pick >> 16) % 4. */
function kernels(items: number): number[] {
  let pick = 99;
  return Array.from({ length: items }, () => {
    pick = (Math.imul(pick, 1103515245) + 12345) >>> 0;
    return (pick >>> 16) % 4;
  });
}

describe.skipIf(!available)('SimPoint on the phases fixture', () => {
  it('clusters the intervals by kernel, and the weights give each kernel its share', async () => {
    const dir = work();
    const exe = fixture('phases');
    const base = program(exe, [], dir, dir, 'phases');
    const spec = { ...base, env: [...base.env, `ITEMS=${ITEMS}`, 'WORK=8'] };
    const profile = await profileBasicBlocks(spec, { interval: INTERVAL });
    const itemDone = await symbolFileOffset(exe, 'item_done');
    const ends = await valgrindRecount(spec, Array.from({ length: ITEMS }, (_, i) => ({ object: exe, offset: itemDone!, hits: BigInt(i + 1) })));
    const kernel = kernels(ITEMS);
    // Per interval: the kernel if it lies inside one item (after the first), else -1.
    const pure = profile.vectors.map((_, k) => {
      const start = BigInt(k) * INTERVAL, end = start + INTERVAL;
      for (let i = 1; i < ITEMS; i++) if (start >= ends[i - 1]! && end <= ends[i]!) return kernel[i]!;
      return -1;
    });
    expect(new Set(pure.filter((p) => p >= 0)).size).toBe(4);
    expect(pure.filter((p) => p >= 0).length).toBeGreaterThan(0.85 * pure.length);

    const analysis = analyseSimPoints(profile.vectors, { seed: 1 });
    const { labels, k } = analysis.chosen;
    expect(k).toBeGreaterThanOrEqual(4);
    // No cluster holds pure intervals of two kernels.
    const kernelOfCluster = new Map<number, number>();
    labels.forEach((label, i) => {
      if (pure[i]! < 0) return;
      expect(kernelOfCluster.get(label) ?? pure[i]).toBe(pure[i]);
      kernelOfCluster.set(label, pure[i]!);
    });
    // Each kernel's pure intervals sit mostly in one cluster.
    for (let kern = 0; kern < 4; kern++) {
      const theirs = labels.filter((_, i) => pure[i] === kern);
      const counts = new Map<number, number>();
      for (const l of theirs) counts.set(l, (counts.get(l) ?? 0) + 1);
      expect(Math.max(...counts.values())).toBeGreaterThanOrEqual(0.9 * theirs.length);
    }
    // The simulation points' weights, summed per kernel of their interval (the kernel of the item
    // covering most of it; item 0 from position 0, main's set-up included), estimate each kernel's
    // share of the run. (A point may be a boundary interval: the one nearest its cluster's centroid,
    // which the cluster's mixed intervals pull off the pure ones.)
    const majority = profile.vectors.map((_, k) => {
      const start = BigInt(k) * INTERVAL, end = start + INTERVAL;
      let best = -1, most = 0n;
      for (let i = 0; i < ITEMS; i++) {
        const from = i === 0 ? 0n : ends[i - 1]!;
        const lo = start > from ? start : from, hi = end < ends[i]! ? end : ends[i]!;
        if (hi - lo > most) { most = hi - lo; best = kernel[i]!; }
      }
      return best;
    });
    for (let kern = 0; kern < 4; kern++) {
      const share = majority.filter((p) => p === kern).length / majority.length;
      const estimate = analysis.points.filter((p) => majority[p.interval] === kern).reduce((s, p) => s + p.weight, 0);
      expect(Math.abs(estimate - share), `kernel ${kern}`).toBeLessThan(0.03);
    }
    expect(analysis.points.reduce((s, p) => s + p.weight, 0)).toBeCloseTo(1, 12);
  });
});
