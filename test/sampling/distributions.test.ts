import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  lnGamma,
  normalQuantile,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  tCritical,
  THREE_SIGMA_CONFIDENCE,
  zCritical,
} from '../../src/sampling/index.js';

const table = JSON.parse(
  readFileSync(new URL('./fixtures/t-quantiles.json', import.meta.url), 'utf8'),
) as { quantiles: Record<string, number[]> };

describe('normalQuantile (Wichura AS 241)', () => {
  // Reference: mpmath √2·erfinv(2p − 1) at 60 digits (p as an exact decimal), 17 digits shown.
  const known: Array<[number, number]> = [
    [0.5, 0],
    [0.975, 1.9599639845400542],
    [0.995, 2.5758293035489008],
    [0.9985, 2.9677379253417833],
    [0.95, 1.6448536269514727],
    [0.9, 1.2815515655446005],
    [0.7, 0.52440051270804078],
    [0.025, -1.9599639845400542],
    [1e-3, -3.0902323061678135],
    [1e-20, -9.2623400897984076],
  ];
  it.each(known)('Φ⁻¹(%s) = %s', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 13);
  });

  it('stays finite and monotone deep in the tail', () => {
    expect(normalQuantile(1e-300)).toBeCloseTo(-37.0470962993612, 10); // scipy.stats.norm.ppf
    expect(normalQuantile(1e-300)).toBeLessThan(normalQuantile(1e-299));
  });

  it('gives the textbook two-sided critical values', () => {
    expect(zCritical(0.95)).toBeCloseTo(1.959964, 6);
    expect(zCritical(0.99)).toBeCloseTo(2.575829, 6);
    expect(zCritical(0.997)).toBeCloseTo(2.967738, 6);
    expect(zCritical(THREE_SIGMA_CONFIDENCE)).toBeCloseTo(3, 12);
  });

  it('rejects probabilities outside (0, 1)', () => {
    for (const p of [0, 1, -0.1, 1.5, NaN]) expect(() => normalQuantile(p)).toThrow(RangeError);
    expect(() => zCritical(1)).toThrow(RangeError);
  });
});

describe('special functions', () => {
  it('lnGamma matches factorials and Γ(1/2) = √π', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(lnGamma(101)).toBeCloseTo(363.73937555556347, 10); // ln(100!)
    expect(() => lnGamma(0)).toThrow(RangeError);
  });

  it('regularized incomplete beta matches closed forms', () => {
    // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b.
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedIncompleteBeta(0.3, 3, 1)).toBeCloseTo(0.027, 14);
    expect(regularizedIncompleteBeta(0.3, 1, 4)).toBeCloseTo(1 - 0.7 ** 4, 14);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });
});

describe('Student t', () => {
  it('matches a printed t table (3 decimals)', () => {
    // Two-sided critical values as printed in any statistics textbook's t table.
    const printed: Array<[number, number, number]> = [
      [0.9, 1, 6.314], [0.95, 1, 12.706], [0.99, 1, 63.657],
      [0.9, 5, 2.015], [0.95, 5, 2.571], [0.99, 5, 4.032],
      [0.9, 10, 1.812], [0.95, 10, 2.228], [0.99, 10, 3.169],
      [0.9, 30, 1.697], [0.95, 30, 2.042], [0.99, 30, 2.75],
      [0.9, 120, 1.658], [0.95, 120, 1.98], [0.99, 120, 2.617],
    ];
    for (const [c, df, t] of printed) expect(tCritical(c, df)).toBeCloseTo(t, 3);
  });

  it.each(['0.9', '0.95', '0.975', '0.99', '0.995'])(
    'quantile p=%s is within 1e-6 of the mpmath table for df = 1..1000',
    (p) => {
      const values = table.quantiles[p]!;
      expect(values).toHaveLength(1000);
      let worst = 0;
      values.forEach((expected, i) => {
        const got = studentTQuantile(Number(p), i + 1);
        worst = Math.max(worst, Math.abs(got - expected) / expected);
      });
      expect(worst).toBeLessThan(1e-9); // 12-digit reference; the brief asks for 1e-6
    },
  );

  it('is symmetric, inverts its CDF, and tends to the normal', () => {
    expect(studentTQuantile(0.5, 7)).toBe(0);
    expect(studentTQuantile(0.025, 7)).toBeCloseTo(-studentTQuantile(0.975, 7), 13);
    for (const df of [0.5, 1, 2, 3, 4.5, 17, 250, 1e6]) {
      for (const p of [1e-9, 0.01, 0.3, 0.8, 0.999999]) {
        expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 11);
      }
    }
    expect(studentTQuantile(0.975, Infinity)).toBeCloseTo(1.959963984540054, 13);
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
  });

  it('has exact forms for df = 1 and 2', () => {
    expect(studentTQuantile(0.75, 1)).toBeCloseTo(1, 14); // Cauchy quartile
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 14);
    expect(studentTCdf(-Infinity, 3)).toBe(0);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(0.95 / Math.sqrt(2 * 0.025 * 0.975), 13); // 4.30265273
  });

  it('rejects invalid arguments', () => {
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
    expect(() => studentTQuantile(1, 5)).toThrow(RangeError);
    expect(() => tCritical(0, 5)).toThrow(RangeError);
  });
});
