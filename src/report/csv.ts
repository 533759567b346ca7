/**
 * CSV of run rows (RFC 4180: comma-separated, CRLF line ends, fields with `,` `"` CR or LF quoted,
 * quotes doubled). Numbers are written in full (JavaScript shortest round-trip form), absent and
 * NaN values as empty fields, infinities as `inf`/`-inf`.
 */
import { RUN_COLUMNS, type Column } from './columns.js';
import type { ReportRow } from './types.js';

/** Quote one CSV field when RFC 4180 requires it. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  return csvField(String(value));
}

/**
 * Rows as CSV with a header line of column keys (`id,checkpoint,status,weight,cpi,…`).
 * @param columns which columns, default all of {@link RUN_COLUMNS}.
 */
export function renderCsv(rows: readonly ReportRow[], columns: readonly Column[] = RUN_COLUMNS): string {
  const lines = [columns.map((c) => csvField(c.key)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
