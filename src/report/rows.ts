/**
 * From simulation results to report rows and sampling samples.
 */
import { readCpi, StatsFormatError } from '../gem5/run/stats.js';
import type { Sample } from '../sampling/index.js';
import type { ReportRow } from './types.js';

/**
 * The fields of a simulate/ `RunResult` that a report needs. `stats` is the measured window's
 * dump (stat name → value), as parsed by `parseStats` (gem5/run/stats.ts).
 */
export interface RunResultLike {
  id: string;
  status: string;
  /** Checkpoint name; the run id is used when absent. */
  checkpoint?: string;
  stats?: Readonly<Record<string, number>>;
  /** Sampling weight; 1 when absent. */
  weight?: number;
}

/** Options of {@link rowsFromRunResults}. */
export interface RowOptions {
  /** Stat prefix of the CPU that ran the measured window, e.g. `system.cpu`. */
  cpuPrefix: string;
}

/**
 * One report row per run. Rows of `ok` runs get CPI, cycles and instructions through `readCpi`;
 * an `ok` run whose stats give no CPI becomes `stats-invalid` with the reason in `error`.
 * @throws whatever `readCpi` throws other than StatsFormatError (a bug).
 */
export function rowsFromRunResults(results: readonly RunResultLike[], options: RowOptions): ReportRow[] {
  return results.map((r) => {
    const row: ReportRow = { id: r.id, checkpoint: r.checkpoint ?? r.id, status: r.status, weight: r.weight ?? 1 };
    const stats = r.stats;
    if (stats?.['simSeconds'] !== undefined) row.simSeconds = stats['simSeconds'];
    if (stats?.['hostSeconds'] !== undefined) row.hostSeconds = stats['hostSeconds'];
    if (r.status !== 'ok') return row;
    if (stats === undefined) return { ...row, status: 'stats-invalid', error: 'the run left no statistics' };
    try {
      const reading = readCpi({ values: stats as Record<string, number> }, options.cpuPrefix);
      return { ...row, cpi: reading.cpi, cycles: reading.cycles, instructions: reading.instructions };
    } catch (e) {
      if (!(e instanceof StatsFormatError)) throw e;
      return { ...row, status: 'stats-invalid', error: e.hint ? `${e.message} (${e.hint})` : e.message };
    }
  });
}

/** The `ok` rows that have a CPI, as sampling samples (weight, CPI, cycles, instructions). */
export function samplesOf(rows: readonly ReportRow[]): Sample[] {
  return rows
    .filter((r) => r.status === 'ok' && r.cpi !== undefined)
    .map((r) => ({
      checkpoint: r.checkpoint,
      weight: r.weight,
      cpi: r.cpi!,
      ...(r.cycles !== undefined ? { cycles: r.cycles } : {}),
      ...(r.instructions !== undefined ? { instructions: r.instructions } : {}),
    }));
}
