import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { readManifest } from '../../gem5/checkpoint/manifest.js';
import { parseStats } from '../../gem5/run/stats.js';
import {
  columnsWithStats, renderComparison, renderCpiPlot, renderCsv, renderEstimate, renderJson, renderTable, rowsFromRunResults, samplesOf,
  type ReportRow, type RunResultLike,
} from '../../report/index.js';
import { compareCpi, estimateCpi, type Comparison, type Estimate } from '../../sampling/index.js';
import { DETAILED_CPU } from '../../simulate/collect.js';
import { RunStore } from '../../simulate/records.js';
import type { RunRecord } from '../../simulate/run-types.js';
import { defineCommand } from '../command.js';
import { println, type CliIo } from '../io.js';

/** Report rows of one configuration: every run, with CPI and the chosen stats of finished ones. */
async function rowsOf(records: readonly RunRecord[], stats: readonly string[], dir: string): Promise<{ rows: ReportRow[]; simpoint: boolean }> {
  const results = await Promise.all(records.map(async (r): Promise<RunResultLike & { simpoint: boolean }> => {
    // A SimPoint checkpoint weighs its cluster's share of the run.
    const simpoint = await readManifest(join(dir, r.checkpoint)).then((m) => m.simpoint, () => undefined);
    const weight = simpoint !== undefined ? { weight: simpoint.weight, simpoint: true } : { simpoint: false };
    if (r.status !== 'Finished') return { id: r.id, checkpoint: r.checkpoint, status: r.status.toLowerCase(), ...weight };
    const dumps = parseStats(await readFile(join(r.outdir, 'stats.txt'), 'utf8'), join(r.outdir, 'stats.txt'));
    return { id: r.id, checkpoint: r.checkpoint, status: 'ok', stats: dumps[dumps.length - 1]?.values ?? {}, ...weight };
  }));
  // each run's CPI from the CPU its collection measured (a user's run script may name it differently)
  const rows = results.map((result, i) => rowsFromRunResults([result], { cpuPrefix: records[i]!.measurement?.cpu ?? DETAILED_CPU })[0]!);
  return { simpoint: results.length > 0 && results.every((r) => r.simpoint), rows: rows.map((row, i) => {
    const values = results[i]!.stats;
    const record = records[i]!;
    const withStats: ReportRow = values && stats.length > 0
      ? { ...row, stats: Object.fromEntries(stats.filter((s) => values[s] !== undefined).map((s) => [s, values[s]!])) }
      : row;
    return record.failureDetail && row.status !== 'ok' ? { ...withStats, error: record.failureDetail } : withStats;
  }) };
}

/**
 * The SimPoint estimate of CPI: Σ wᵢ·CPIᵢ / Σ wᵢ over the measured points, wᵢ the cluster
 * fractions (Sherwood et al., ASPLOS 2002; Hamerly et al., JILP 2005). No confidence interval:
 * the points are chosen, not sampled at random, so sampling theory gives none.
 */
function simpointSummary(rows: readonly ReportRow[]): string {
  const measured = samplesOf(rows);
  const total = rows.reduce((s, r) => s + r.weight, 0);
  const covered = measured.reduce((s, r) => s + r.weight, 0);
  if (measured.length === 0) return 'SimPoint estimate: no finished runs yet\n';
  const cpi = measured.reduce((s, r) => s + r.weight * r.cpi, 0) / covered;
  return `SimPoint estimate: CPI ${cpi.toFixed(4)} (weighted by cluster size over ${measured.length} of ${rows.length} simulation points, ${(100 * covered / total).toFixed(1)} % of the weight; no confidence interval: the points are chosen, not sampled)\n`;
}

export const reportCommand = defineCommand({
  command: 'report [checkpoint-dir]',
  describe: 'sampled-simulation statistics of parallel-simulate runs: CPI per checkpoint, confidence interval, comparisons',
  builder: (y) =>
    y
      .positional('checkpoint-dir', { type: 'string', default: '.', describe: 'the checkpoint directory the runs belong to' })
      .option('name', { type: 'array', string: true, describe: 'configurations to report (default: all); the first is the base of comparisons' })
      .option('stat', { type: 'array', string: true, default: [] as string[], describe: 'extra gem5 statistics to show per checkpoint' })
      .option('confidence', { type: 'number', default: 0.95, describe: 'confidence level of intervals' })
      .option('error', { type: 'number', default: 0.03, describe: 'target relative error for the SMARTS sample-size advice' })
      .option('format', { choices: ['table', 'json', 'csv'] as const, default: 'table' as const })
      .option('plot', { type: 'boolean', default: true, describe: 'write an SVG plot of CPI per checkpoint per configuration (--no-plot to skip)' })
      .check((args) => {
        if (!(args.confidence > 0 && args.confidence < 1)) throw new UsageError(`--confidence must lie between 0 and 1, got ${args.confidence}`);
        if (!(args.error > 0 && args.error < 1)) throw new UsageError(`--error must lie between 0 and 1, got ${args.error}`);
        return true;
      }),
  run: async (args, io: CliIo) => {
    const dir = resolve(io.cwd, args['checkpoint-dir']);
    const store = new RunStore(dir);
    let all: RunRecord[];
    try {
      all = store.list();
    } finally {
      store.close();
    }
    const names = args.name ?? [...new Set(all.map((r) => r.name))];
    if (names.length === 0) throw new UsageError(`no runs recorded in ${dir}`, { hint: 'run lapidary parallel-simulate first' });
    const options = { confidence: args.confidence, relativeError: args.error };
    const reports: Array<{ name: string; rows: ReportRow[]; estimate?: Estimate; simpoint: boolean }> = [];
    for (const name of names) {
      const records = all.filter((r) => r.name === name);
      if (records.length === 0) throw new UsageError(`no runs named ${JSON.stringify(name)} in ${dir}`, { hint: `recorded: ${[...new Set(all.map((r) => r.name))].join(', ')}` });
      const { rows, simpoint } = await rowsOf(records, args.stat, dir);
      const samples = samplesOf(rows);
      reports.push({ name, rows, simpoint, ...(samples.length > 0 && !simpoint ? { estimate: estimateCpi(samples, options) } : {}) });
    }
    const [base, ...candidates] = reports;
    const comparisons: Array<{ name: string; comparison: Comparison }> = candidates
      .filter((c) => samplesOf(c.rows).length > 0 && samplesOf(base!.rows).length > 0)
      .map((c) => ({ name: `${c.name} vs ${base!.name}`, comparison: compareCpi(samplesOf(base!.rows), samplesOf(c.rows), options) }));
    if (args.format === 'json') {
      io.stdout.write(renderJson({ title: dir, rows: reports.flatMap((r) => r.rows), ...(reports.length === 1 && reports[0]!.estimate ? { estimate: reports[0]!.estimate } : {}), ...(comparisons[0] ? { comparison: comparisons[0].comparison } : {}) }));
    } else if (args.format === 'csv') {
      io.stdout.write(renderCsv(reports.flatMap((r) => r.rows), columnsWithStats(args.stat)));
    } else {
      for (const report of reports) {
        println(io.stdout, `${report.name}\n${'='.repeat(report.name.length)}`);
        io.stdout.write(renderTable(report.rows, { columns: columnsWithStats(args.stat) }));
        io.stdout.write(report.simpoint ? simpointSummary(report.rows) : report.estimate ? renderEstimate(report.estimate) : 'no finished runs yet\n');
        println(io.stdout);
      }
      for (const { name, comparison } of comparisons) {
        println(io.stdout, name);
        io.stdout.write(renderComparison(comparison));
      }
    }
    if (args.plot) {
      for (const report of reports) {
        const points = report.rows.filter((r) => r.cpi !== undefined).map((r) => ({ checkpoint: r.checkpoint, cpi: r.cpi!, weight: r.weight }));
        if (points.length === 0) continue;
        const path = join(dir, `report-${report.name}.svg`);
        await writeFile(path, renderCpiPlot(points, { title: `${report.name}: CPI per checkpoint`, ...(report.estimate ? { estimate: report.estimate } : {}) }));
        println(io.stderr, `lapidary: plot written to ${path}`);
      }
    }
    return 0;
  },
});
