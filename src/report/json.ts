/**
 * JSON form of a report, for other programs. Stable: keys in a fixed order, two-space indent,
 * final newline, and non-finite numbers (NaN, ±Infinity, which JSON cannot hold) as null.
 */
import type { Report } from './types.js';

/** Identifies the document shape; bump `version` on an incompatible change. */
export const REPORT_FORMAT = { format: 'lapidary-report', version: 1 } as const;

/** The JSON document of a report: `{format, version, title?, estimate?, comparison?, rows}`. */
export function renderJson(report: Report): string {
  const doc = {
    ...REPORT_FORMAT,
    ...(report.title !== undefined ? { title: report.title } : {}),
    ...(report.estimate !== undefined ? { estimate: report.estimate } : {}),
    ...(report.comparison !== undefined ? { comparison: report.comparison } : {}),
    rows: report.rows,
  };
  const text = JSON.stringify(doc, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? null : value, 2);
  return `${text}\n`;
}
