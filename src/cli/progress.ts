import type { Writable } from 'node:stream';
import type { BatchProgress } from '../simulate/batch.js';

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** One status line: bar, done/failed/running counts, ETA and the running CPI estimate. */
export function progressText(p: BatchProgress, width = 24): string {
  const runnable = p.total - p.skipped;
  const done = p.finished + p.failed;
  const filled = runnable === 0 ? width : Math.round((done / runnable) * width);
  const parts = [
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`,
    `${done}/${runnable} done`,
    `${p.failed} failed`,
    `${p.running} running`,
  ];
  if (p.skipped > 0) parts.push(`${p.skipped} skipped`);
  if (p.etaSeconds !== undefined && done < runnable) parts.push(`ETA ${duration(p.etaSeconds)}`);
  const e = p.estimate;
  if (e !== undefined) {
    parts.push(e.n >= 2
      ? `CPI ${e.mean.toFixed(4)} ± ${e.halfWidth.toFixed(4)} (${Math.round(e.confidence * 100)}%, n=${e.n})`
      : `CPI ${e.mean.toFixed(4)} (n=${e.n})`);
  }
  return parts.join('  ');
}

/**
 * A live progress bar for a batch: on a terminal one line redrawn in place, with finished and
 * failed runs printed above it as they end; elsewhere one line per run that ends.
 */
export class ProgressBar {
  private shown = false;

  constructor(private readonly out: Writable, private readonly terminal: boolean) {}

  update(p: BatchProgress): void {
    const latest = p.latest;
    const ended = latest !== undefined && ['Finished', 'Failed', 'Timeout', 'Killed'].includes(latest.status);
    const line = ended
      ? `${latest.id}: ${latest.status}${latest.measurement ? ` CPI ${latest.measurement.cpi.toFixed(4)}` : ''}${latest.failureDetail ? ` — ${latest.failureDetail}` : ''}`
      : undefined;
    if (!this.terminal) {
      if (line !== undefined) this.out.write(`${line}  |  ${progressText(p)}\n`);
      return;
    }
    if (this.shown) this.out.write('\r\x1b[2K');
    if (line !== undefined) this.out.write(`${line}\n`);
    this.out.write(progressText(p, 24));
    this.shown = true;
  }

  finish(): void {
    if (this.terminal && this.shown) this.out.write('\n');
    this.shown = false;
  }
}
