import { describe, expect, it } from 'vitest';
import type { BasicBlockVector } from '../../src/simpoint/bb-file.js';
import { analyseSimPoints, bicScore } from '../../src/simpoint/cluster.js';

/** A small LCG for the test data (independent of the generator under test). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

/**
 * Synthetic BBVs of 10,000-instruction intervals: each phase runs its own 30 blocks (ids
 * 100·phase + 1..30) with its own mix, plus 10 blocks all phases share; counts vary by ±15 %.
 */
function synthetic(schedule: Array<[phase: number, intervals: number]>, seed: number): { vectors: BasicBlockVector[]; phases: number[] } {
  const random = lcg(seed);
  const vectors: BasicBlockVector[] = [];
  const phases: number[] = [];
  for (const [phase, n] of schedule) {
    for (let i = 0; i < n; i++) {
      const v: BasicBlockVector = new Map();
      for (let b = 1; b <= 30; b++) v.set(100 * (phase + 1) + b, Math.round((200 + 40 * ((b * (phase + 3)) % 7)) * (0.85 + 0.3 * random())));
      for (let b = 1; b <= 10; b++) v.set(b, Math.round(150 * (0.85 + 0.3 * random())));
      vectors.push(v);
      phases.push(phase);
    }
  }
  return { vectors, phases };
}

/** Whether two labelings are the same partition (a one-to-one map between their labels). */
function samePartition(a: number[], b: number[]): boolean {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  return a.every((x, i) => {
    const y = b[i]!;
    if ((ab.get(x) ?? y) !== y || (ba.get(y) ?? x) !== x) return false;
    ab.set(x, y);
    ba.set(y, x);
    return true;
  });
}

describe('SimPoint clustering', () => {
  const schedule: Array<[number, number]> = [[0, 20], [1, 15], [2, 25], [0, 10], [1, 10], [2, 5], [3, 15]];
  const { vectors, phases } = synthetic(schedule, 7);

  it('finds the four phases of well-separated synthetic BBVs, with their sizes as weights', () => {
    const analysis = analyseSimPoints(vectors, { seed: 42, maxK: 12 });
    expect(analysis.chosen.k).toBe(4);
    expect(samePartition(analysis.chosen.labels, phases)).toBe(true);
    expect(analysis.points).toHaveLength(4);
    // Each point lies in its cluster's phase; weights are the phases' fractions of the 100 intervals.
    const weightOfPhase = new Map(analysis.points.map((p) => [phases[p.interval]!, p.weight]));
    expect([...weightOfPhase.keys()].sort()).toEqual([0, 1, 2, 3]);
    expect(weightOfPhase.get(0)).toBeCloseTo(30 / 100, 12);
    expect(weightOfPhase.get(1)).toBeCloseTo(25 / 100, 12);
    expect(weightOfPhase.get(2)).toBeCloseTo(30 / 100, 12);
    expect(weightOfPhase.get(3)).toBeCloseTo(15 / 100, 12);
    for (const p of analysis.points) expect(analysis.chosen.labels[p.interval]).toBe(p.cluster);
    // BIC rises steeply up to the true k; the chosen k is the smallest within 90 % of the range.
    const bic = analysis.byK.map((c) => c.bic);
    expect(bic[3]! - bic[2]!).toBeGreaterThan(0);
    const min = Math.min(...bic), max = Math.max(...bic);
    expect(bic[2]!).toBeLessThan(min + 0.9 * (max - min));
    expect(bic[3]!).toBeGreaterThanOrEqual(min + 0.9 * (max - min));
  });

  it('is deterministic for a seed, and another seed finds the same phases', () => {
    const a = analyseSimPoints(vectors, { seed: 5, maxK: 10 });
    const b = analyseSimPoints(vectors, { seed: 5, maxK: 10 });
    expect(b).toEqual(a);
    const c = analyseSimPoints(vectors, { seed: 6, maxK: 10 });
    expect(c.chosen.k).toBe(4);
    expect(samePartition(c.chosen.labels, a.chosen.labels)).toBe(true);
  });

  it('picks k = 1 for a single phase, and scores a true split above a single cluster', () => {
    const one = synthetic([[2, 40]], 3);
    expect(analyseSimPoints(one.vectors, { seed: 1, maxK: 8 }).chosen.k).toBe(1);
    // Two tight groups far apart (1-D): the split's BIC beats one cluster's.
    const points = [0, 0.01, 0.02, 10, 10.01, 10.02].map((x) => Float64Array.of(x));
    expect(bicScore(points, [0, 0, 0, 1, 1, 1], 2).bic).toBeGreaterThan(bicScore(points, [0, 0, 0, 0, 0, 0], 1).bic);
  });

  it('refuses no vectors and out-of-range options', () => {
    expect(() => analyseSimPoints([])).toThrow(RangeError);
    expect(() => analyseSimPoints(vectors, { bicThreshold: 1.5 })).toThrow(RangeError);
    expect(() => analyseSimPoints(vectors, { maxK: 0 })).toThrow(RangeError);
  });
});
