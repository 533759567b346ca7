import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutorOutcome } from '../executor.js';
import type { RunTask } from '../run-types.js';

/** The file run-task leaves in the run directory beside gem5's own files. */
export const OUTCOME_FILE = 'outcome.json';

/** JSON with bigints kept exact: a bigint is written as `{"$bigint": "<decimal>"}`. */
export function stringifyWithBigints(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v), 2);
}

/** The inverse of {@link stringifyWithBigints}. */
export function parseWithBigints<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === '$bigint') return BigInt((v as { $bigint: string }).$bigint);
    }
    return v;
  }) as T;
}

/** Write a file so readers on other hosts never see it half-written (temporary name, then rename). */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/** Write the RunTask an array task runs (`tasks/<index>.json`), bigints kept exact. */
export async function writeTaskFile(path: string, task: RunTask): Promise<void> {
  await writeFileAtomic(path, `${stringifyWithBigints(task)}\n`);
}

/** Read a task file written by {@link writeTaskFile}. */
export async function readTaskFile(path: string): Promise<RunTask> {
  return parseWithBigints<RunTask>(await readFile(path, 'utf8'));
}

/** A signal run-task received while gem5 ran (Slurm's time-limit warning, or its SIGTERM). */
export interface SignalNote {
  signal: string;
  /** ISO 8601. */
  at: string;
}

/** `outcome.json`: what run-task saw of one gem5 run on a node. */
export interface OutcomeFile {
  version: 1;
  /** The run id (`<name>-<cpt.N>`). */
  task: string;
  host: string;
  /** SLURM_ARRAY_JOB_ID / SLURM_ARRAY_TASK_ID / SLURM_RESTART_COUNT of the task that wrote it. */
  jobId?: string;
  taskId?: string;
  restarts?: number;
  /** ISO 8601. */
  startedAt: string;
  endedAt: string;
  /** Signals run-task received (and gem5 with it: Slurm signals every process of the step). */
  signals: SignalNote[];
  /** Exactly what the local pool's worker returns for the same run. */
  outcome: ExecutorOutcome;
}

/** Write `<run directory>/outcome.json` atomically (the submit host may read it over a shared file system). */
export async function writeOutcomeFile(outdir: string, record: OutcomeFile): Promise<void> {
  await writeFileAtomic(join(outdir, OUTCOME_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/** The outcome file of a run directory; undefined when there is none (or it is unreadable). */
export async function readOutcomeFile(outdir: string): Promise<OutcomeFile | undefined> {
  try {
    const record = JSON.parse(await readFile(join(outdir, OUTCOME_FILE), 'utf8')) as OutcomeFile;
    return record.version === 1 && typeof record.outcome === 'object' ? record : undefined;
  } catch {
    return undefined;
  }
}
