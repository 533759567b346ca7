/**
 * SVG plot of CPI per checkpoint, in program order, with the mean and its confidence band.
 * Hand-written SVG 1.1 text, no dependency; renders in browsers and with rsvg-convert.
 */
import type { Estimate } from '../../sampling/index.js';
import { niceTicks, type Ticks } from './ticks.js';
import { element, escapeXml, px } from './xml.js';

/** One plotted checkpoint (a `Sample` fits). */
export interface CpiPoint {
  checkpoint: string;
  /** Cycles per instruction. */
  cpi: number;
  /** Sampling weight; when weights differ, marker area is proportional to weight. */
  weight?: number;
}

/** Options of {@link renderCpiPlot}. */
export interface CpiPlotOptions {
  /** Mean and confidence interval to draw (from `estimateCpi`); no band or mean line without it. */
  estimate?: Estimate;
  title?: string;
  /** Size in CSS pixels; default 800 × 440. */
  width?: number;
  height?: number;
  /** Start the CPI axis at 0 (default false: fit the data and the band). */
  yFromZero?: boolean;
}

const FONT = 'DejaVu Sans, Verdana, Arial, sans-serif';
const CHAR = 6.6; // approximate advance of an 11 px character, px
const MAX_LABEL = 18; // characters of a checkpoint label before it is shortened
const INK = '#333333';
const POINT = '#e15759';
const MEAN = '#2c5d8f';
const BAND = '#4e79a7';

type Attrs = Record<string, string | number | undefined>;
const text = (x: number, y: number, body: string, attrs: Attrs = {}): string =>
  element('text', { x, y, 'font-size': 11, fill: INK, ...attrs }, escapeXml(body));
const line = (x1: number, y1: number, x2: number, y2: number, attrs: Attrs = {}): string =>
  element('line', { x1, y1, x2, y2, stroke: INK, 'stroke-width': 1, ...attrs });
const fixed = (v: number): string => v.toFixed(4);
const percent = (confidence: number): string => `${Number((confidence * 100).toPrecision(4))}%`;
// Keep the end of a long name: checkpoint names differ in their last characters (…/cpt.0042).
const shorten = (s: string): string => (s.length > MAX_LABEL ? `…${s.slice(-(MAX_LABEL - 1))}` : s);

/** Where everything goes. */
interface Frame {
  left: number;
  top: number;
  plotW: number;
  plotH: number;
  slot: number;
  ticks: Ticks;
  x: (i: number) => number;
  y: (cpi: number) => number;
}

function layout(points: readonly CpiPoint[], e: Estimate | undefined, o: CpiPlotOptions, labels: string[]) {
  const { width = 800, height = 440 } = o;
  const n = points.length;
  const right = 24;
  const longest = Math.max(1, ...labels.map((l) => l.length)) * CHAR;
  const rotate = longest + 8 > (width - 76 - right) / Math.max(1, n);
  // Labels rotated by 40° reach cos 40° ≈ 0.77 of their length left of their tick.
  const left = rotate ? Math.max(76, 0.77 * longest + 6) : 76;
  const top = 64;
  const bottom = (rotate ? 24 + longest * 0.64 : 34) + 54;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const slot = plotW / Math.max(1, n);
  // Vertical scale: fit points, mean and band with 5 % air (never below 0), on nice ticks.
  const ys = points.map((p) => p.cpi);
  if (e !== undefined) ys.push(...[e.ciLow, e.ciHigh, e.mean].filter(Number.isFinite));
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const pad = (hi - lo) * 0.05;
  const floor = o.yFromZero ? Math.min(0, lo) : lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
  const ticks = ys.length > 0 ? niceTicks(floor, hi + pad, 6) : niceTicks(0, 1, 6);
  const frame: Frame = {
    left, top, plotW, plotH, slot, ticks,
    x: (i) => left + slot * (i + 0.5),
    y: (v) => top + plotH * (1 - (v - ticks.min) / (ticks.max - ticks.min)),
  };
  return { frame, rotate, every: rotate ? Math.max(1, Math.ceil(16 / slot)) : 1, width, height };
}

/**
 * Render the plot. Markers are `<circle class="point" data-checkpoint data-cpi>` with a tooltip;
 * the band is `<rect class="ci-band" data-ci-low data-ci-high>` spanning the plot's width between
 * the interval's ends; the mean is `<line class="mean-line" data-mean>`.
 * @throws RangeError if a CPI is not finite.
 */
export function renderCpiPlot(points: readonly CpiPoint[], options: CpiPlotOptions = {}): string {
  for (const p of points) {
    if (!Number.isFinite(p.cpi)) throw new RangeError(`checkpoint ${p.checkpoint}: CPI ${p.cpi} cannot be plotted`);
  }
  const e = options.estimate;
  const title = options.title ?? 'CPI per checkpoint';
  const labels = points.map((p) => shorten(p.checkpoint));
  const { frame: f, rotate, every, width, height } = layout(points, e, options, labels);
  const band = e !== undefined && Number.isFinite(e.ciLow) && Number.isFinite(e.ciHigh);
  const hasMean = e !== undefined && Number.isFinite(e.mean);
  let sub = `${points.length} checkpoints`;
  if (e !== undefined) {
    sub = `n = ${e.n} · mean CPI ${fixed(e.mean)} · `;
    sub += band
      ? `${percent(e.confidence)} CI [${fixed(e.ciLow)}, ${fixed(e.ciHigh)}] (±${(e.relativeError * 100).toFixed(2)}%)`
      : 'too few checkpoints for a confidence interval';
  }
  const midY = f.top + f.plotH / 2;
  const body = [
    element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    text(f.left, 26, title, { 'font-size': 16, 'font-weight': 'bold', fill: '#222222' }),
    text(f.left, 46, sub, { 'font-size': 12, fill: '#555555' }),
    ...f.ticks.values.flatMap((v) => [
      line(f.left, f.y(v), f.left + f.plotW, f.y(v), { stroke: '#e6e6e6' }),
      text(f.left - 8, f.y(v), v.toFixed(f.ticks.decimals), { 'text-anchor': 'end', dy: '0.32em' }),
    ]),
    text(18, midY, 'CPI (cycles per instruction)', {
      'font-size': 12, 'text-anchor': 'middle', transform: `rotate(-90 18 ${px(midY)})`,
    }),
    band ? element('rect', {
      class: 'ci-band', x: f.left, width: f.plotW, y: f.y(e.ciHigh), height: f.y(e.ciLow) - f.y(e.ciHigh),
      fill: BAND, 'fill-opacity': 0.18, 'data-ci-low': String(e.ciLow), 'data-ci-high': String(e.ciHigh),
    }) : '',
    hasMean ? line(f.left, f.y(e.mean), f.left + f.plotW, f.y(e.mean), {
      class: 'mean-line', stroke: MEAN, 'stroke-width': 2, 'data-mean': String(e.mean),
    }) : '',
    markers(points, f),
    points.length === 0
      ? text(f.left + f.plotW / 2, midY, 'no checkpoint has a CPI to plot', {
          'font-size': 13, fill: '#777777', 'text-anchor': 'middle',
        })
      : '',
    element('rect', { x: f.left, y: f.top, width: f.plotW, height: f.plotH, fill: 'none', stroke: INK }),
    xAxis(labels, f, rotate, every),
    text(f.left + f.plotW / 2, height - 34, 'checkpoint (program order)', { 'font-size': 12, 'text-anchor': 'middle' }),
    legend(f.left + f.plotW / 2, height - 12, hasMean, band ? `${percent(e.confidence)} CI of the mean` : undefined),
  ].filter((part) => part !== '');
  const svgAttrs = {
    xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`,
    role: 'img', 'aria-label': title, 'font-family': FONT,
  };
  const head = element('title', {}, escapeXml(title)) + element('desc', {}, escapeXml(`${title}. ${sub}.`));
  return `${element('svg', svgAttrs, `${head}\n${body.join('\n')}\n`)}\n`;
}

/** Points in program order, joined by a faint line that shows phases; area ∝ weight. */
function markers(points: readonly CpiPoint[], f: Frame): string {
  const n = points.length;
  const weights = points.map((p) => p.weight ?? 1);
  const meanWeight = weights.reduce((s, w) => s + w, 0) / Math.max(1, n);
  const baseR = n > 200 ? 2.5 : 3.5;
  const out: string[] = [];
  if (n > 1) {
    const path = points.map((p, i) => `${px(f.x(i))},${px(f.y(p.cpi))}`).join(' ');
    out.push(element('polyline', { points: path, fill: 'none', stroke: '#b8b8b8', 'stroke-width': 1 }));
  }
  points.forEach((p, i) => {
    const r = meanWeight > 0 ? Math.min(9, Math.max(2, baseR * Math.sqrt(weights[i]! / meanWeight))) : baseR;
    let tip = `${p.checkpoint}: CPI ${fixed(p.cpi)}`;
    if (p.weight !== undefined && p.weight !== 1) tip += `, weight ${p.weight}`;
    const attrs = {
      class: 'point', cx: f.x(i), cy: f.y(p.cpi), r, fill: POINT, stroke: '#ffffff', 'stroke-width': 0.8,
      'data-checkpoint': p.checkpoint, 'data-cpi': String(p.cpi),
    };
    out.push(element('circle', attrs, element('title', {}, escapeXml(tip))));
  });
  return out.join('\n');
}

/** Tick marks and checkpoint labels under the plot; rotated and thinned out when crowded. */
function xAxis(labels: string[], f: Frame, rotate: boolean, every: number): string {
  const axisY = f.top + f.plotH;
  const out: string[] = [];
  labels.forEach((label, i) => {
    if (i % every !== 0) return;
    const x = f.x(i);
    out.push(line(x, axisY, x, axisY + 4));
    const turn = `rotate(-40 ${px(x)} ${px(axisY + 12)})`;
    out.push(rotate
      ? text(x, axisY + 12, label, { 'text-anchor': 'end', dy: '0.32em', transform: turn })
      : text(x, axisY + 18, label, { 'text-anchor': 'middle' }));
  });
  return out.join('\n');
}

/** A one-line legend centred on (cx, cy): marker, mean line, band. */
function legend(cx: number, cy: number, mean: boolean, bandLabel: string | undefined): string {
  const items: Array<[string, string]> = [
    [element('circle', { cx: 6, cy: -4, r: 3.5, fill: POINT }), 'CPI of a checkpoint'],
  ];
  if (mean) items.push([line(0, -4, 14, -4, { stroke: MEAN, 'stroke-width': 2 }), 'mean CPI']);
  if (bandLabel) {
    items.push([element('rect', { x: 0, y: -9, width: 14, height: 10, fill: BAND, 'fill-opacity': 0.18 }), bandLabel]);
  }
  const widths = items.map(([, label]) => 20 + label.length * CHAR + 18);
  let at = cx - widths.reduce((s, w) => s + w, 0) / 2;
  const parts = items.map(([mark, label], i) => {
    const g = element('g', { transform: `translate(${px(at)} ${px(cy)})` }, mark + text(20, 0, label));
    at += widths[i]!;
    return g;
  });
  return element('g', { class: 'legend' }, parts.join(''));
}
