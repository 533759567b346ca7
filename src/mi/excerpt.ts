/** Longest record text quoted whole in an error message; longer records are cut around the point of failure. */
const MAX_QUOTED_CHARS = 400;

/**
 * The record text to quote in an error message. Short records are quoted whole; long ones
 * (a 16 MB `-data-read-memory-bytes` reply) are cut to about 400 characters around `position`
 * (an offset into `line`), with the number of characters left out on each side.
 */
export function recordExcerpt(line: string, position = 0): string {
  if (line.length <= MAX_QUOTED_CHARS) return line;
  const half = MAX_QUOTED_CHARS / 2;
  const from = Math.max(0, Math.min(position - half, line.length - MAX_QUOTED_CHARS));
  const to = from + MAX_QUOTED_CHARS;
  const before = from > 0 ? `…(${from} chars)` : '';
  const after = to < line.length ? `…(${line.length - to} chars)` : '';
  return `${before}${line.slice(from, to)}${after}`;
}
