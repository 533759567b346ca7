import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStats } from '../../src/gem5/run/stats.js';
import {
  csvField,
  renderCsv,
  renderJson,
  renderReportText,
  renderTable,
  rowsFromRunResults,
  samplesOf,
  type ReportRow,
} from '../../src/report/index.js';
import { compareCpi, estimateCpi } from '../../src/sampling/index.js';

const rows: ReportRow[] = [
  { id: 'sort-0', checkpoint: 'cpt.0', status: 'ok', weight: 1, cpi: 1.23457, cycles: 123_457, instructions: 100_000 },
  { id: 'sort-1', checkpoint: 'cpt.1', status: 'gem5-failed', weight: 1, error: 'gem5 exited with code 1' },
  { id: 'sort-2', checkpoint: 'cpt, "2"', status: 'ok', weight: 1, cpi: 2.97713, cycles: 297_713, instructions: 100_000 },
];

describe('renderTable', () => {
  it('aligns text left and numbers right, and drops empty columns', () => {
    expect(renderTable(rows)).toBe(
      [
        'run     checkpoint  status       weight     CPI   cycles  instructions  error',
        '------  ----------  -----------  ------  ------  -------  ------------  -----------------------',
        'sort-0  cpt.0       ok                1  1.2346  123,457       100,000',
        'sort-1  cpt.1       gem5-failed       1                                 gem5 exited with code 1',
        'sort-2  cpt, "2"    ok                1  2.9771  297,713       100,000',
        '',
      ].join('\n'),
    );
  });

  it('puts the summaries under the table', () => {
    const samples = samplesOf(rows);
    expect(samples.map((s) => s.checkpoint)).toEqual(['cpt.0', 'cpt, "2"']);
    const text = renderReportText({ title: 'sort', rows, estimate: estimateCpi(samples, { confidence: 0.95 }) });
    expect(text).toMatch(/^sort\n====\n/);
    expect(text).toContain('mean CPI 2.1058 ± '); // (1.23457 + 2.97713) / 2 = 2.10585 − ε
    expect(text).toContain('(95% CI ');
    expect(text).toMatch(/target ±3\.00%: not met; SMARTS asks for n ≥ \d+ \(cv 0\.5851\)/);
    const one = renderReportText({ rows: rows.slice(0, 1), estimate: estimateCpi(samplesOf(rows.slice(0, 1))) });
    expect(one).toContain('n = 1: at least 2 checkpoints are needed');
  });

  it('summarises a comparison with left-out checkpoints', () => {
    const base = [1.2, 1.5, 1.1, 1.8].map((cpi, i) => ({ checkpoint: `c${i}`, weight: 1, cpi }));
    const cand = base.slice(1).map((s) => ({ ...s, cpi: s.cpi / 1.1 }));
    const text = renderReportText({ rows: [], comparison: compareCpi(base, cand) });
    expect(text).toContain('speed-up 1.1000 ± 0.0000 (99.7% CI 1.1000 – 1.1000) on 3 shared checkpoints: candidate faster');
    expect(text).toContain('left out, only in base: 1 (c0)');
  });
});

describe('renderCsv', () => {
  it('writes RFC 4180 CSV with full-precision numbers', () => {
    const csv = renderCsv(rows);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('id,checkpoint,status,weight,cpi,cycles,instructions,simSeconds,hostSeconds,error');
    expect(lines[1]).toBe('sort-0,cpt.0,ok,1,1.23457,123457,100000,,,');
    expect(lines[2]).toBe('sort-1,cpt.1,gem5-failed,1,,,,,,gem5 exited with code 1');
    expect(lines[3]).toBe('sort-2,"cpt, ""2""",ok,1,2.97713,297713,100000,,,');
    expect(lines[4]).toBe('');
    expect(csvField('a\nb')).toBe('"a\nb"');
  });
});

describe('renderJson', () => {
  it('is stable, versioned, and turns NaN into null', () => {
    const estimate = estimateCpi(samplesOf(rows.slice(0, 1)));
    const doc = JSON.parse(renderJson({ title: 't', rows, estimate }));
    expect(Object.keys(doc)).toEqual(['format', 'version', 'title', 'estimate', 'rows']);
    expect(doc.format).toBe('lapidary-report');
    expect(doc.estimate.stddev).toBeNull();
    expect(doc.rows[0]).toEqual(rows[0]);
    expect(renderJson({ rows: [] }).endsWith('}\n')).toBe(true);
  });
});

describe('rowsFromRunResults', () => {
  const stats = (name: string, index: number) =>
    parseStats(readFileSync(new URL(`../fixtures/stats/${name}`, import.meta.url), 'utf8'))[index]!.values;

  it('reads CPI from the measured dump and marks runs whose stats have none', () => {
    // Real gem5 v24 dumps (test/fixtures/stats/README.md): the measured window of an O3 run, and
    // the same run's second dump cut off before the CPU's counters.
    const out = rowsFromRunResults(
      [
        { id: 'r0', checkpoint: 'cpt.0', status: 'ok', stats: stats('o3-warmup-measure.stats.txt', 1) },
        { id: 'r1', status: 'ok', stats: stats('o3-truncated.stats.txt', 1) },
        { id: 'r2', status: 'timed-out' },
        { id: 'r3', status: 'ok', weight: 0.5 },
      ],
      { cpuPrefix: 'system.switch_cpus' },
    );
    // as gem5 printed them: numCycles 25000, commitStats0.numInsts 50000, cpi 0.500000
    expect(out[0]).toEqual({
      id: 'r0', checkpoint: 'cpt.0', status: 'ok', weight: 1, cpi: 0.5, cycles: 25_000,
      instructions: 50_000, simSeconds: 0.000013, hostSeconds: 0.72,
    });
    expect(out[1]).toMatchObject({ id: 'r1', checkpoint: 'r1', status: 'stats-invalid' });
    expect(out[1]!.error).toMatch(/no stat system\.switch_cpus\.numCycles/);
    expect(out[2]).toEqual({ id: 'r2', checkpoint: 'r2', status: 'timed-out', weight: 1 });
    expect(out[3]).toMatchObject({ status: 'stats-invalid', weight: 0.5, error: 'the run left no statistics' });
    expect(samplesOf(out)).toEqual([{ checkpoint: 'cpt.0', weight: 1, cpi: 0.5, cycles: 25_000, instructions: 50_000 }]);
  });
});
