/**
 * report/: simulation results → tables, CSV, JSON and an SVG plot of CPI per checkpoint.
 * Owns presentation only: renderers return strings and never write files or print (cli/ does);
 * numbers come from sampling/ and CPI from gem5/run/stats.ts. Must not import simulate/ or cli/.
 */
export { columnsWithStats, formatCount, formatFixed, formatPercent, RUN_COLUMNS, statColumn, type Column } from './columns.js';
export { csvField, renderCsv } from './csv.js';
export { renderJson, REPORT_FORMAT } from './json.js';
export { rowsFromRunResults, samplesOf, type RowOptions, type RunResultLike } from './rows.js';
export { renderComparison, renderEstimate } from './summary.js';
export { renderCpiPlot, type CpiPlotOptions, type CpiPoint } from './svg/cpi-plot.js';
export { niceTicks, type Ticks } from './svg/ticks.js';
export { escapeXml } from './svg/xml.js';
export { renderReportText, renderTable, type TableOptions } from './table.js';
export type { Report, ReportRow } from './types.js';
