import { describe, expect, it } from 'vitest';
import { compareCpi, tCritical, type Sample } from '../../src/sampling/index.js';
import { normalSample, seededRandom } from './random.js';

const samples = (cpis: number[], prefix = 'cpt.'): Sample[] =>
  cpis.map((cpi, i) => ({ checkpoint: `${prefix}${i}`, weight: 1, cpi }));

describe('compareCpi', () => {
  it('an exactly proportional candidate has zero-width interval at the true speed-up', () => {
    const base = samples([1.0, 1.5, 2.0, 1.2]);
    const cand = samples([0.8, 1.2, 1.6, 0.96]);
    const c = compareCpi(base, cand, { confidence: 0.95 });
    expect(c.speedup).toBeCloseTo(1.25, 14);
    expect(c.halfWidth).toBeCloseTo(0, 12);
    expect(c.correlation).toBeCloseTo(1, 12);
    expect(c.verdict).toBe('faster');
  });

  it('matches the delta-method formula with the paired covariance', () => {
    const b = [1.1, 1.4, 0.9, 1.6, 1.3, 1.0];
    const k = [0.9, 1.25, 0.8, 1.3, 1.2, 0.85];
    const c = compareCpi(samples(b), samples(k), { confidence: 0.9 });
    const n = b.length;
    const mb = b.reduce((s, x) => s + x, 0) / n;
    const mk = k.reduce((s, x) => s + x, 0) / n;
    const r = mb / mk;
    let sbb = 0, skk = 0, sbk = 0;
    for (let i = 0; i < n; i++) {
      sbb += (b[i]! - mb) ** 2; skk += (k[i]! - mk) ** 2; sbk += (b[i]! - mb) * (k[i]! - mk);
    }
    // Var(R) ≈ (s_b² − 2R·s_bk + R²·s_k²) / (n·k̄²), sample (co)variances over n − 1.
    const se = Math.sqrt((sbb - 2 * r * sbk + r * r * skk) / (n - 1) / n) / mk;
    expect(c.speedup).toBeCloseTo(r, 14);
    expect(c.standardError).toBeCloseTo(se, 12);
    expect(c.halfWidth).toBeCloseTo(tCritical(0.9, n - 1) * se, 12);
    expect(c.correlation).toBeCloseTo(sbk / Math.sqrt(sbb * skk), 12);
  });

  it('pairs by checkpoint name and reports the unshared ones', () => {
    const base: Sample[] = [
      { checkpoint: 'a', weight: 1, cpi: 2 },
      { checkpoint: 'b', weight: 1, cpi: 3 },
      { checkpoint: 'c', weight: 1, cpi: 4 },
    ];
    const cand: Sample[] = [
      { checkpoint: 'c', weight: 1, cpi: 2 },
      { checkpoint: 'x', weight: 1, cpi: 9 },
      { checkpoint: 'a', weight: 1, cpi: 1 },
    ];
    const c = compareCpi(base, cand);
    expect(c.checkpoints).toEqual(['a', 'c']);
    expect(c.speedup).toBeCloseTo(6 / 3, 14);
    expect(c.onlyInBase).toEqual(['b']);
    expect(c.onlyInCandidate).toEqual(['x']);
  });

  it('is inconclusive with one shared checkpoint, and rejects inconsistent input', () => {
    const c = compareCpi(samples([2]), samples([1]));
    expect(c.speedup).toBe(2);
    expect(c.ciLow).toBeNaN();
    expect(c.verdict).toBe('inconclusive');
    expect(() => compareCpi(samples([1, 1], 'x'), [{ checkpoint: 'x0', weight: 2, cpi: 1 }])).toThrow(/weight/);
    expect(() => compareCpi([...samples([1]), ...samples([1])], samples([1]))).toThrow(/twice/);
  });

  it('covers the true speed-up at the nominal rate (seeded simulation)', () => {
    const rand = seededRandom(7);
    const trueSpeedup = 1.1;
    let covered = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      // Checkpoint CPIs vary a lot (phase behaviour); the candidate is 10 % faster plus noise.
      const phase = Array.from({ length: 30 }, () => 1.5 * Math.exp(0.4 * normalSample(rand)));
      const base = samples(phase.map((p) => p * (1 + 0.03 * normalSample(rand))));
      const cand = samples(phase.map((p) => (p / trueSpeedup) * (1 + 0.03 * normalSample(rand))));
      const c = compareCpi(base, cand, { confidence: 0.95 });
      if (c.ciLow <= trueSpeedup && trueSpeedup <= c.ciHigh) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.92);
    expect(covered / trials).toBeLessThan(0.975);
  });
});
