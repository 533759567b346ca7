/**
 * The columns of a run table, shared by the text table and CSV, and number formatting for people.
 */
import type { ReportRow } from './types.js';

/** One column: header text, how to read the cell, whether it is numeric (right-aligned). */
export interface Column {
  /** Machine name: the CSV header. */
  key: string;
  header: string;
  numeric: boolean;
  /** Text for the aligned table; CSV writes numbers in full instead. */
  format: (row: ReportRow) => string;
  /** The raw cell for CSV. */
  value: (row: ReportRow) => unknown;
}

/** Fixed-point text with `digits` decimals, '' for absent/NaN, '∞'/'-∞' for infinities. */
export function formatFixed(value: number | undefined, digits: number): string {
  if (value === undefined || Number.isNaN(value)) return '';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  return value.toFixed(digits);
}

/** Rounded integer with comma thousands separators (123,457), or '' when absent. */
export function formatCount(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return formatFixed(value, 0);
  return Math.round(value).toLocaleString('en-US');
}

/** A ratio as a percentage with `digits` decimals (0.0279 → "2.79%"), or '' when absent/NaN. */
export function formatPercent(value: number | undefined, digits = 2): string {
  const text = formatFixed(value === undefined ? undefined : value * 100, digits);
  return text === '' ? '' : `${text}%`;
}

function field(key: keyof ReportRow, header: string, numeric: boolean, format: (row: ReportRow) => string): Column {
  return { key, header, numeric, format, value: (row) => row[key] };
}

/** The default run columns, in order. */
export const RUN_COLUMNS: readonly Column[] = [
  field('id', 'run', false, (r) => r.id),
  field('checkpoint', 'checkpoint', false, (r) => r.checkpoint),
  field('status', 'status', false, (r) => r.status),
  field('weight', 'weight', true, (r) => formatFixed(r.weight, r.weight % 1 === 0 ? 0 : 4)),
  field('cpi', 'CPI', true, (r) => formatFixed(r.cpi, 4)),
  field('cycles', 'cycles', true, (r) => formatCount(r.cycles)),
  field('instructions', 'instructions', true, (r) => formatCount(r.instructions)),
  field('simSeconds', 'sim s', true, (r) => formatFixed(r.simSeconds, 6)),
  field('hostSeconds', 'host s', true, (r) => formatFixed(r.hostSeconds, 2)),
  field('error', 'error', false, (r) => r.error ?? ''),
];

/** A column for one gem5 statistic chosen with `--stat NAME` (read from `row.stats`). */
export function statColumn(name: string): Column {
  return {
    key: name,
    header: name,
    numeric: true,
    format: (r) => {
      const v = r.stats?.[name];
      return v === undefined ? '' : Number.isInteger(v) ? formatCount(v) : formatFixed(v, 6);
    },
    value: (r) => r.stats?.[name],
  };
}

/** RUN_COLUMNS with columns for the chosen statistics before the error column. */
export function columnsWithStats(names: readonly string[]): Column[] {
  const error = RUN_COLUMNS[RUN_COLUMNS.length - 1]!;
  return [...RUN_COLUMNS.slice(0, -1), ...names.map(statColumn), error];
}
