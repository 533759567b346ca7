/**
 * "Nice" axis ticks: steps of 1, 2 or 5 × 10^k that cover a data range.
 * Source: P. S. Heckbert, "Nice Numbers for Graph Labels", Graphics Gems, Academic Press, 1990.
 */

/** A tick layout: the axis runs from `min` to `max` in `step`s; labels need `decimals` digits. */
export interface Ticks {
  min: number;
  max: number;
  step: number;
  values: number[];
  decimals: number;
}

/** Heckbert's nice number near x (> 0): 1, 2, 5 or 10 × 10^k, rounded or taken as the ceiling. */
function niceNumber(x: number, round: boolean): number {
  const exponent = Math.floor(Math.log10(x));
  const fraction = x / 10 ** exponent;
  let nice: number;
  if (round) nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  else nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * 10 ** exponent;
}

/**
 * Ticks covering [lo, hi] with about `count` labels (Heckbert's "loose labeling"). A zero-width
 * range is widened by ±5 % of its value (±0.5 around 0).
 * @throws RangeError if lo or hi is not finite.
 */
export function niceTicks(lo: number, hi: number, count = 6): Ticks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`axis range must be finite: ${lo}..${hi}`);
  if (lo > hi) [lo, hi] = [hi, lo];
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
    const pad = lo === 0 ? 0.5 : Math.abs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const range = niceNumber(hi - lo, false);
  const step = niceNumber(range / Math.max(1, count - 1), true);
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const values: number[] = [];
  for (let v = min; v <= max + step / 2; v += step) values.push(Number(v.toFixed(decimals)));
  return { min: values[0]!, max: values[values.length - 1]!, step, values, decimals };
}
