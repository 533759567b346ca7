/**
 * The columns of a run table, shared by the text table and CSV, and number formatting for people.
 */
import type { ReportRow } from './types.js';

/** One column: header text, how to read the cell, whether it is numeric (right-aligned). */
export interface Column {
  key: keyof ReportRow;
  header: string;
  numeric: boolean;
  /** Text for the aligned table; CSV writes numbers in full instead. */
  format: (row: ReportRow) => string;
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

/** The default run columns, in order. */
export const RUN_COLUMNS: readonly Column[] = [
  { key: 'id', header: 'run', numeric: false, format: (r) => r.id },
  { key: 'checkpoint', header: 'checkpoint', numeric: false, format: (r) => r.checkpoint },
  { key: 'status', header: 'status', numeric: false, format: (r) => r.status },
  { key: 'weight', header: 'weight', numeric: true, format: (r) => formatFixed(r.weight, r.weight % 1 === 0 ? 0 : 4) },
  { key: 'cpi', header: 'CPI', numeric: true, format: (r) => formatFixed(r.cpi, 4) },
  { key: 'cycles', header: 'cycles', numeric: true, format: (r) => formatCount(r.cycles) },
  { key: 'instructions', header: 'instructions', numeric: true, format: (r) => formatCount(r.instructions) },
  { key: 'simSeconds', header: 'sim s', numeric: true, format: (r) => formatFixed(r.simSeconds, 6) },
  { key: 'hostSeconds', header: 'host s', numeric: true, format: (r) => formatFixed(r.hostSeconds, 2) },
  { key: 'error', header: 'error', numeric: false, format: (r) => r.error ?? '' },
];
