import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseStats, readCpi } from '../gem5/run/stats.js';
import type { ExecutorOutcome } from './executor.js';
import type { RunMeasurement, RunUpdate } from './run-types.js';

/** The exit cause lapidary_gem5.py gives when the detailed region completed. */
export const DETAIL_DONE = 'lapidary detailed region done';
/** The detailed CPU of a switched run: se.py-style `system.switch_cpus` (one CPU, so no index). */
export const DETAILED_CPU = 'system.switch_cpus';

/**
 * Read the measured window from a run directory's stats.txt: the last dump, taken right after
 * the detailed region (the statistics were reset after warm-up).
 */
export async function measure(outdir: string): Promise<RunMeasurement> {
  const dumps = parseStats(await readFile(join(outdir, 'stats.txt'), 'utf8'), join(outdir, 'stats.txt'));
  const last = dumps[dumps.length - 1];
  if (last === undefined) throw new Error(`${outdir}/stats.txt holds no statistics dump`);
  const { cpi, cycles, instructions } = readCpi(last, DETAILED_CPU);
  const measurement: RunMeasurement = { cpi, cycles, instructions };
  if (last.values.hostSeconds !== undefined) measurement.hostSeconds = last.values.hostSeconds;
  if (last.values.simSeconds !== undefined) measurement.simSeconds = last.values.simSeconds;
  return measurement;
}

/**
 * Turn what an executor observed into the run's final record. A run is Finished only when gem5
 * reached the end of the detailed region and its statistics can be read; otherwise the cause is
 * kept: Killed (interrupted), Timeout, or Failed with gem5's own failure line, or with the
 * scheduler's own message when the scheduler ended the run (`outcome.scheduler`).
 */
export async function finalUpdate(
  outdir: string,
  outcome: Pick<ExecutorOutcome, 'cancelled' | 'timedOut' | 'failure' | 'result' | 'exitCode' | 'signal' | 'endedAt' | 'scheduler'>,
  interrupted: boolean,
): Promise<{ update: RunUpdate; measurement?: RunMeasurement }> {
  const endedAt = outcome.endedAt ?? new Date().toISOString();
  const base: RunUpdate = { status: 'Failed', endedAt };
  if (outcome.result?.cause !== undefined) base.exitCause = outcome.result.cause;
  if (outcome.exitCode !== undefined) base.exitCode = outcome.exitCode;
  const said = outcome.scheduler;
  if (interrupted || outcome.cancelled) return { update: { ...base, status: 'Killed', failureKind: said?.kind ?? 'interrupted', failureDetail: said?.detail ?? 'stopped by the user (SIGINT/SIGTERM)' } };
  if (outcome.timedOut) return { update: { ...base, status: 'Timeout', failureKind: said?.kind ?? 'timeout', failureDetail: said?.detail ?? 'gem5 ran past --timeout and was killed' } };
  if (said !== undefined) return { update: { ...base, failureKind: said.kind, failureDetail: said.detail } };
  if (outcome.failure !== undefined) return { update: { ...base, failureKind: outcome.failure.kind, failureDetail: outcome.failure.detail } };
  if (outcome.result?.cause !== DETAIL_DONE) {
    const phases = outcome.result?.phases ?? [];
    const simulated = phases.map((p) => `${p.name}: ${p.simulated} of ${p.requested}`).join(', ');
    return {
      update: {
        ...base,
        failureKind: 'incomplete-region',
        failureDetail: `gem5 stopped with "${outcome.result?.cause ?? 'no exit event'}" before the detailed region ended${simulated ? ` (${simulated} instructions)` : ''}`,
      },
    };
  }
  try {
    return { update: { ...base, status: 'Finished' }, measurement: await measure(outdir) };
  } catch (error) {
    return { update: { ...base, failureKind: 'stats-unreadable', failureDetail: (error as Error).message } };
  }
}
