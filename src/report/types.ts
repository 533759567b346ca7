/**
 * What a report shows: one row per simulation run, plus the sampling estimate and, when two
 * configurations are compared, their comparison. Plain JSON-serialisable data.
 */
import type { Comparison, Estimate } from '../sampling/index.js';

/** One simulation run of one checkpoint, as shown in tables, CSV, JSON and plots. */
export interface ReportRow {
  /** Run id, stable and human-readable (`<bench>-<cpt index>`). */
  id: string;
  /** Checkpoint the run restored. */
  checkpoint: string;
  /** Run outcome: `ok`, `gem5-failed`, `timed-out`, `aborted`, or `stats-invalid` (ran, but no CPI). */
  status: string;
  /** Sampling weight, dimensionless (1 for SMARTS; SimPoint weight otherwise). */
  weight: number;
  /** Cycles per committed instruction of the measured window; absent unless a CPI was read. */
  cpi?: number;
  /** CPU cycles of the measured window (cycles). */
  cycles?: number;
  /** Committed instructions of the measured window (instructions). */
  instructions?: number;
  /** Simulated time of the measured window (seconds), gem5 `simSeconds`. */
  simSeconds?: number;
  /** Host wall-clock time gem5 reported for the window (seconds), gem5 `hostSeconds`. */
  hostSeconds?: number;
  /** Why there is no CPI, for rows that are not `ok`. */
  error?: string;
  /** gem5 statistics chosen for the report (`--stat NAME`), name → value of the measured window. */
  stats?: Record<string, number>;
}

/** A whole report. */
export interface Report {
  /** Heading, e.g. the benchmark and configuration names. */
  title?: string;
  rows: ReportRow[];
  /** Estimate of mean CPI over the `ok` rows. */
  estimate?: Estimate;
  /** Speed-up of a candidate configuration over a base, when two were run. */
  comparison?: Comparison;
}
