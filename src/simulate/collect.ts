import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GEM5_STDOUT_FILE } from '../gem5/run/run.js';
import { findCpuPrefixes, parseStats, readCpi, StatsFormatError, type StatsDump } from '../gem5/run/stats.js';
import type { ExecutorOutcome } from './executor.js';
import type { RunMeasurement, RunUpdate } from './run-types.js';

/** The exit cause lapidary_gem5.py gives when the detailed region completed. */
export const DETAIL_DONE = 'lapidary detailed region done';
/** The detailed CPU of a switched run: se.py-style `system.switch_cpus` (one CPU, so no index). */
export const DETAILED_CPU = 'system.switch_cpus';

/**
 * The CPU a user's run script measured: the only one that committed instructions in the dump.
 * @throws StatsFormatError when none or several did (the hint says to pass --stats-cpu).
 */
export function activeCpu(dump: Pick<StatsDump, 'values'>): string {
  const active = findCpuPrefixes(dump).filter((cpu) => {
    try {
      return readCpi(dump, cpu).instructions > 0;
    } catch {
      return false;
    }
  });
  if (active.length === 1) return active[0]!;
  const found = active.length === 0 ? 'no CPU committed instructions in the last statistics dump' : `several CPUs committed instructions in the last statistics dump: ${active.join(', ')}`;
  // said in the message itself: a run record keeps only the message
  throw new StatsFormatError(`${found}; name the one to measure with --stats-cpu`);
}

/**
 * Read the measured window from a run directory's stats.txt: the last dump, taken right after
 * the detailed region (lapidary_gem5.py reset the statistics after warm-up) or when the user's
 * run script ended.
 * @param cpu the CPU's stats prefix; `'auto'` for {@link activeCpu}.
 */
export async function measure(outdir: string, cpu: string = DETAILED_CPU): Promise<RunMeasurement> {
  const dumps = parseStats(await readFile(join(outdir, 'stats.txt'), 'utf8'), join(outdir, 'stats.txt'));
  const last = dumps[dumps.length - 1];
  if (last === undefined) throw new Error(`${outdir}/stats.txt holds no statistics dump`);
  const measured = cpu === 'auto' ? activeCpu(last) : cpu;
  const { cpi, cycles, instructions } = readCpi(last, measured);
  const measurement: RunMeasurement = { cpu: measured, cpi, cycles, instructions };
  if (last.values.hostSeconds !== undefined) measurement.hostSeconds = last.values.hostSeconds;
  if (last.values.simSeconds !== undefined) measurement.simSeconds = last.values.simSeconds;
  return measurement;
}

/** gem5's own last words in simout.txt: `Exiting @ tick N because CAUSE` (src/python/m5/main.py, se.py). */
async function exitCauseOf(outdir: string): Promise<string | undefined> {
  const text = await readFile(join(outdir, GEM5_STDOUT_FILE), 'utf8').catch(() => '');
  return [...text.matchAll(/^Exiting @ tick \d+ because (.*)$/gm)].pop()?.[1];
}

/**
 * Turn what an executor observed into the run's final record. A run is Finished only when gem5
 * reached the end of the detailed region (for a user's run script, `recorded.gem5Script`: when
 * gem5 exited cleanly) and its statistics can be read; otherwise the cause is kept: Killed
 * (interrupted), Timeout, or Failed with gem5's own failure line, or with the scheduler's own
 * message when the scheduler ended the run (`outcome.scheduler`).
 * @param recorded the run's recorded parameters (plan.ts recordedParams).
 */
export async function finalUpdate(
  outdir: string,
  outcome: Pick<ExecutorOutcome, 'cancelled' | 'timedOut' | 'failure' | 'result' | 'exitCode' | 'signal' | 'endedAt' | 'scheduler'>,
  interrupted: boolean,
  recorded: Record<string, unknown> = {},
): Promise<{ update: RunUpdate; measurement?: RunMeasurement }> {
  const endedAt = outcome.endedAt ?? new Date().toISOString();
  const base: RunUpdate = { status: 'Failed', endedAt };
  if (outcome.result?.cause !== undefined) base.exitCause = outcome.result.cause;
  if (outcome.exitCode !== undefined) base.exitCode = outcome.exitCode;
  const said = outcome.scheduler;
  if (interrupted || outcome.cancelled) return { update: { ...base, status: 'Killed', failureKind: said?.kind ?? 'interrupted', failureDetail: said?.detail ?? 'stopped by the user (SIGINT/SIGTERM)' } };
  if (outcome.timedOut) return { update: { ...base, status: 'Timeout', failureKind: said?.kind ?? 'timeout', failureDetail: said?.detail ?? 'gem5 ran past --timeout and was killed' } };
  if (said !== undefined) return { update: { ...base, failureKind: said.kind, failureDetail: said.detail } };
  const script = typeof recorded.gem5Script === 'string';
  if (script) {
    const cause = await exitCauseOf(outdir);
    if (cause !== undefined) base.exitCause = cause;
  }
  if (outcome.failure !== undefined) return { update: { ...base, failureKind: outcome.failure.kind, failureDetail: outcome.failure.detail } };
  if (script) {
    try {
      return { update: { ...base, status: 'Finished' }, measurement: await measure(outdir, typeof recorded.statsCpu === 'string' ? recorded.statsCpu : 'auto') };
    } catch (error) {
      return { update: { ...base, failureKind: 'stats-unreadable', failureDetail: (error as Error).message } };
    }
  }
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
