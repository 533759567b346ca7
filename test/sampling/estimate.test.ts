import { describe, expect, it } from 'vitest';
import {
  coefficientOfVariation,
  estimateCpi,
  estimateMean,
  mean,
  meetsTarget,
  sampleStdDev,
  smartsRelativeError,
  smartsSampleSize,
  THREE_SIGMA_CONFIDENCE,
  weightedMoments,
  type Sample,
} from '../../src/sampling/index.js';
import { normalSample, seededRandom } from './random.js';

describe('descriptive statistics', () => {
  it('computes mean, n − 1 standard deviation and cv', () => {
    const xs = [1.0, 1.2, 1.4, 1.1, 1.3];
    expect(mean(xs)).toBeCloseTo(1.2, 15);
    // Σ(x − 1.2)² = 0.04 + 0 + 0.04 + 0.01 + 0.01 = 0.10; s² = 0.10 / 4.
    expect(sampleStdDev(xs)).toBeCloseTo(Math.sqrt(0.025), 15);
    expect(coefficientOfVariation(xs)).toBeCloseTo(Math.sqrt(0.025) / 1.2, 15);
  });

  it('returns NaN where a sample is too small', () => {
    expect(mean([])).toBeNaN();
    expect(sampleStdDev([3])).toBeNaN();
    expect(coefficientOfVariation([3])).toBeNaN();
  });

  it('does not lose precision on a large mean (two-pass)', () => {
    expect(sampleStdDev([1e9 + 1, 1e9 + 2, 1e9 + 3])).toBeCloseTo(1, 9);
  });

  it('weights: equal weights reduce to the unweighted formulas, scale does not matter', () => {
    const xs = [1.0, 1.2, 1.4, 1.1, 1.3];
    const plain = weightedMoments(xs);
    for (const w of [[2, 2, 2, 2, 2], [0.2, 0.2, 0.2, 0.2, 0.2]]) {
      const m = weightedMoments(xs, w);
      expect(m.mean).toBeCloseTo(plain.mean, 14);
      expect(m.stddev).toBeCloseTo(plain.stddev, 12);
      expect(m.effectiveN).toBeCloseTo(5, 12);
    }
  });

  it('weights: reliability-weighted variance and Kish n_eff by hand', () => {
    // x = [1, 2, 3], w = [1, 1, 2]: V1 = 4, V2 = 6, mean = 9/4 = 2.25,
    // Σw(x − m)² = 1.5625 + 0.0625 + 2·0.5625 = 2.75, s² = 2.75 / (4 − 6/4) = 1.1,
    // n_eff = 16/6, SE = √(1.1 / (16/6)) = √0.4125.
    const m = weightedMoments([1, 2, 3], [1, 1, 2]);
    expect(m.mean).toBeCloseTo(2.25, 15);
    expect(m.stddev).toBeCloseTo(Math.sqrt(1.1), 14);
    expect(m.effectiveN).toBeCloseTo(16 / 6, 14);
    expect(m.standardError).toBeCloseTo(Math.sqrt(0.4125), 14);
  });

  it('rejects unusable input', () => {
    expect(() => weightedMoments([1, NaN])).toThrow(RangeError);
    expect(() => weightedMoments([1, 2], [1])).toThrow(RangeError);
    expect(() => weightedMoments([1, 2], [1, -1])).toThrow(RangeError);
    expect(() => weightedMoments([1, 2], [0, 0])).toThrow(RangeError);
  });
});

describe('estimateMean', () => {
  it('reproduces a hand-computed 95 % interval', () => {
    // mean 1.2, s = √0.025, SE = s/√5 = √0.005 = 0.0707107, t(0.975, 4) = 2.7764451,
    // half-width = 0.1963243, interval [1.0036757, 1.3963243].
    const e = estimateMean([1.0, 1.2, 1.4, 1.1, 1.3], { confidence: 0.95, relativeError: 0.05 });
    expect(e.n).toBe(5);
    expect(e.degreesOfFreedom).toBeCloseTo(4, 12);
    expect(e.standardError).toBeCloseTo(Math.sqrt(0.005), 14);
    expect(e.halfWidth).toBeCloseTo(0.1963243161477557, 10);
    expect(e.ciLow).toBeCloseTo(1.0036756838522443, 10);
    expect(e.ciHigh).toBeCloseTo(1.3963243161477557, 10);
    expect(e.relativeError).toBeCloseTo(0.1963243161477557 / 1.2, 10);
    expect(e.meetsTarget).toBe(false);
    expect(meetsTarget(e, 0.2)).toBe(true);
    // SMARTS: ⌈(1.959964 · 0.1317616 / 0.05)²⌉ = ⌈26.68⌉ = 27.
    expect(e.requiredN).toBe(27);
  });

  it('defaults to SMARTS 99.7 % / ±3 %', () => {
    const e = estimateMean([1, 2, 3]);
    expect(e.confidence).toBe(0.997);
    expect(e.targetRelativeError).toBe(0.03);
  });

  it('fills NaN for a single value and for none', () => {
    const one = estimateMean([2]);
    expect(one.mean).toBe(2);
    for (const k of ['stddev', 'cv', 'ciLow', 'ciHigh', 'halfWidth', 'relativeError', 'requiredN'] as const) {
      expect(one[k]).toBeNaN();
    }
    expect(one.meetsTarget).toBe(false);
    expect(estimateMean([]).mean).toBeNaN();
  });

  it('covers the true mean at the nominal rate (seeded simulation)', () => {
    const rand = seededRandom(12345);
    let covered = 0;
    const trials = 2000;
    for (let i = 0; i < trials; i++) {
      const xs = Array.from({ length: 8 }, () => 1.5 + 0.3 * normalSample(rand));
      const e = estimateMean(xs, { confidence: 0.95 });
      if (e.ciLow <= 1.5 && 1.5 <= e.ciHigh) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.97);
  });
});

describe('SMARTS sample size (Wunderlich et al., ISCA 2003, §3)', () => {
  it('n = (z·V/ε)² with z = 3, ε = 3 %: V = 1 needs 10 000 units', () => {
    expect(smartsSampleSize(1, 0.03, THREE_SIGMA_CONFIDENCE)).toBe(10_000);
    expect(smartsSampleSize(0.5, 0.03, THREE_SIGMA_CONFIDENCE)).toBe(2_500);
    // With the exact 99.7 % quantile z = 2.967738 instead of the rounded 3:
    expect(smartsSampleSize(1, 0.03, 0.997)).toBe(Math.ceil((2.967737925342347 / 0.03) ** 2));
  });

  it('round-trips with the achieved relative error and never asks for fewer than 2', () => {
    const eps = smartsRelativeError(0.8, smartsSampleSize(0.8, 0.02, 0.95), 0.95);
    expect(eps).toBeLessThanOrEqual(0.02);
    expect(smartsSampleSize(0, 0.03, 0.95)).toBe(2);
    expect(smartsSampleSize(NaN, 0.03, 0.95)).toBeNaN();
    expect(() => smartsSampleSize(1, 0, 0.95)).toThrow(RangeError);
    expect(() => smartsSampleSize(-1, 0.03, 0.95)).toThrow(RangeError);
  });
});

describe('estimateCpi', () => {
  const samples: Sample[] = [
    { checkpoint: 'cpt.0', weight: 1, cpi: 1.0 },
    { checkpoint: 'cpt.1', weight: 1, cpi: 1.2 },
    { checkpoint: 'cpt.2', weight: 1, cpi: 1.4 },
    { checkpoint: 'cpt.3', weight: 1, cpi: 1.1 },
    { checkpoint: 'cpt.4', weight: 1, cpi: 1.3 },
  ];

  it('equals estimateMean of the CPIs', () => {
    expect(estimateCpi(samples, { confidence: 0.95 })).toEqual(
      estimateMean([1.0, 1.2, 1.4, 1.1, 1.3], { confidence: 0.95 }),
    );
  });

  it('names the checkpoint of an unusable CPI', () => {
    const bad = [...samples, { checkpoint: 'cpt.9', weight: 1, cpi: Infinity }];
    expect(() => estimateCpi(bad)).toThrow(/cpt\.9/);
    expect(() => estimateCpi([{ checkpoint: 'z', weight: 1, cpi: 0 }])).toThrow(RangeError);
  });
});
