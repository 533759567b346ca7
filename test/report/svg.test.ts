import { describe, expect, it } from 'vitest';
import { niceTicks, renderCpiPlot, type CpiPoint } from '../../src/report/index.js';
import { estimateCpi } from '../../src/sampling/index.js';
import { descendants, parseXml, type XmlElement } from './xml.js';

const points: CpiPoint[] = [1.31, 1.42, 1.18, 1.65, 1.27, 1.39, 1.22, 1.51, 1.35, 1.44].map((cpi, i) => ({
  checkpoint: `bench<&>-${String(i).padStart(4, '0')}`,
  cpi,
}));
const samples = points.map((p) => ({ ...p, weight: 1 }));

const byClass = (root: XmlElement, cls: string): XmlElement[] =>
  descendants(root).filter((e) => e.attrs['class'] === cls);

describe('niceTicks (Heckbert 1990)', () => {
  it('covers the range with 1-2-5 steps', () => {
    expect(niceTicks(1.18, 1.65, 6)).toMatchObject({ min: 1.1, max: 1.7, step: 0.1, decimals: 1 });
    expect(niceTicks(0, 97, 6).values).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.0012, 0.0049, 5)).toMatchObject({ step: 0.001, decimals: 3 });
  });

  it('widens a zero-width range and rejects non-finite ends', () => {
    const t = niceTicks(2, 2);
    expect(t.min).toBeLessThan(2);
    expect(t.max).toBeGreaterThan(2);
    expect(() => niceTicks(0, Infinity)).toThrow(RangeError);
  });
});

describe('renderCpiPlot', () => {
  const estimate = estimateCpi(samples, { confidence: 0.95 });
  const svg = renderCpiPlot(points, { estimate, title: 'sort <O3>' });
  const root = parseXml(svg);

  it('is well-formed SVG with a title, description and escaped text', () => {
    expect(root.name).toBe('svg');
    expect(root.attrs['xmlns']).toBe('http://www.w3.org/2000/svg');
    expect(root.attrs['viewBox']).toBe('0 0 800 440');
    expect(root.children[0]).toMatchObject({ name: 'title', text: 'sort <O3>' });
    expect(root.children[1]!.name).toBe('desc');
    expect(svg).toContain('bench&lt;&amp;&gt;-0000');
  });

  it('draws one marker per checkpoint with its CPI and a tooltip', () => {
    const circles = byClass(root, 'point');
    expect(circles.map((c) => Number(c.attrs['data-cpi']))).toEqual(points.map((p) => p.cpi));
    expect(circles[3]!.attrs['data-checkpoint']).toBe('bench<&>-0003');
    expect(circles[3]!.children[0]).toMatchObject({ name: 'title', text: 'bench<&>-0003: CPI 1.6500' });
    const xs = circles.map((c) => Number(c.attrs['cx']));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs); // program order, left to right
  });

  it('the band spans exactly the confidence interval and covers the points inside it', () => {
    const [band] = byClass(root, 'ci-band');
    expect(Number(band!.attrs['data-ci-low'])).toBe(estimate.ciLow);
    expect(Number(band!.attrs['data-ci-high'])).toBe(estimate.ciHigh);
    const top = Number(band!.attrs['y']);
    const bottom = top + Number(band!.attrs['height']);
    // Invert the y scale from two markers: pixel = a + b·CPI.
    const circles = byClass(root, 'point');
    const [c0, c3] = [circles[0]!, circles[3]!];
    const b = (Number(c3.attrs['cy']) - Number(c0.attrs['cy'])) / (1.65 - 1.31);
    const a = Number(c0.attrs['cy']) - b * 1.31;
    expect(top).toBeCloseTo(a + b * estimate.ciHigh, 1);
    expect(bottom).toBeCloseTo(a + b * estimate.ciLow, 1);
    let inside = 0;
    for (const c of circles) {
      const cpi = Number(c.attrs['data-cpi']);
      const cy = Number(c.attrs['cy']);
      const covered = cy >= top - 0.01 && cy <= bottom + 0.01;
      expect(covered).toBe(cpi >= estimate.ciLow && cpi <= estimate.ciHigh);
      if (covered) inside++;
    }
    expect(inside).toBeGreaterThan(0);
    expect(inside).toBeLessThan(circles.length);
    const [mean] = byClass(root, 'mean-line');
    expect(Number(mean!.attrs['y1'])).toBeCloseTo(a + b * estimate.mean, 1);
    expect(Number(mean!.attrs['y1'])).toBeGreaterThan(top);
    expect(Number(mean!.attrs['y1'])).toBeLessThan(bottom);
  });

  it('labels the axes with ticks that bracket every point', () => {
    const texts = descendants(root).filter((e) => e.name === 'text').map((e) => e.text);
    expect(texts).toContain('CPI (cycles per instruction)');
    expect(texts).toContain('checkpoint (program order)');
    expect(texts).toContain('95% CI of the mean');
    const ticks = texts.filter((t) => /^\d+\.\d$/.test(t)).map(Number);
    expect(Math.min(...ticks)).toBeLessThanOrEqual(1.18);
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(1.65);
  });

  it('stays well-formed with no points, one point, many points or weights', () => {
    for (const svgText of [
      renderCpiPlot([]),
      renderCpiPlot(samples.slice(0, 1), { estimate: estimateCpi(samples.slice(0, 1)) }),
      renderCpiPlot(
        Array.from({ length: 500 }, (_, i) => ({ checkpoint: `/a/long/path/to/cpt.${i}`, cpi: 1 + (i % 7) / 10 })),
      ),
      renderCpiPlot(samples.map((s, i) => ({ ...s, weight: i + 1 }))),
    ]) {
      const tree = parseXml(svgText);
      expect(tree.name).toBe('svg');
      for (const e of descendants(tree)) {
        for (const k of ['x', 'y', 'cx', 'cy', 'width', 'height']) {
          if (k in e.attrs) expect(Number.isFinite(Number(e.attrs[k])), `${e.name} ${k}`).toBe(true);
        }
      }
    }
    expect(byClass(parseXml(renderCpiPlot([])), 'ci-band')).toHaveLength(0);
    expect(() => renderCpiPlot([{ checkpoint: 'x', cpi: Infinity }])).toThrow(RangeError);
  });

  it('the test XML reader itself rejects malformed text', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a x=1/>')).toThrow();
    expect(() => parseXml('<a>&nope;</a>')).toThrow();
    expect(() => parseXml('<a/><b/>')).toThrow();
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow();
  });
});
