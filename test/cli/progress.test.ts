import { describe, expect, it } from 'vitest';
import { progressText } from '../../src/cli/progress.js';
import { estimateCpi } from '../../src/sampling/index.js';

describe('the parallel-simulate progress line', () => {
  it('shows the bar, counts, ETA and the running CPI estimate with its interval', () => {
    const estimate = estimateCpi([1.0, 1.2, 1.1, 0.9].map((cpi, i) => ({ checkpoint: `cpt.${i}`, weight: 1, cpi })), { confidence: 0.95 });
    const text = progressText({ total: 10, skipped: 2, finished: 3, failed: 1, running: 2, etaSeconds: 125, estimate }, 8);
    expect(text).toBe(`[####----]  4/8 done  1 failed  2 running  2 skipped  ETA 2m05s  CPI 1.0500 ± ${estimate.halfWidth.toFixed(4)} (95%, n=4)`);
  });

  it('shows a single sample without an interval, and no ETA once everything is done', () => {
    const estimate = estimateCpi([{ checkpoint: 'cpt.1', weight: 1, cpi: 2 }], { confidence: 0.95 });
    expect(progressText({ total: 1, skipped: 0, finished: 1, failed: 0, running: 0, etaSeconds: 0, estimate }, 4)).toBe('[####]  1/1 done  0 failed  0 running  CPI 2.0000 (n=1)');
  });
});
