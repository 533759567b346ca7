/**
 * Aligned plain-text tables for terminals and logs.
 */
import { RUN_COLUMNS, type Column } from './columns.js';
import { renderComparison, renderEstimate } from './summary.js';
import type { Report, ReportRow } from './types.js';

/** Options of {@link renderTable}. */
export interface TableOptions {
  /** Columns to show, in order; default {@link RUN_COLUMNS}. */
  columns?: readonly Column[];
  /** Leave out columns that are empty in every row (default true). */
  omitEmpty?: boolean;
}

/**
 * Render rows as a table: a header, a rule of dashes, one line per row; text columns left-aligned,
 * numeric columns right-aligned, two spaces between columns, no trailing spaces, final newline.
 */
export function renderTable(rows: readonly ReportRow[], options: TableOptions = {}): string {
  const all = options.columns ?? RUN_COLUMNS;
  const cells = rows.map((r) => all.map((c) => c.format(r)));
  const keep = all
    .map((_, i) => i)
    .filter((i) => options.omitEmpty === false || cells.some((row) => row[i] !== ''));
  const widths = keep.map((i) => Math.max(all[i]!.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (texts: string[]): string =>
    keep
      .map((i, k) => (all[i]!.numeric ? texts[i]!.padStart(widths[k]!) : texts[i]!.padEnd(widths[k]!)))
      .join('  ')
      .trimEnd();
  const out = [line(all.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of cells) out.push(line(row));
  return `${out.join('\n')}\n`;
}

/** The whole report as text: title, run table, then the estimate and comparison summaries. */
export function renderReportText(report: Report): string {
  const parts: string[] = [];
  if (report.title) parts.push(`${report.title}\n${'='.repeat(report.title.length)}\n`);
  parts.push(renderTable(report.rows));
  if (report.estimate) parts.push(renderEstimate(report.estimate));
  if (report.comparison) parts.push(renderComparison(report.comparison));
  return parts.join('\n');
}
