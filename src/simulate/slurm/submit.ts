import { chmod, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunTask } from '../run-types.js';
import { slurmCommand } from './command.js';
import { writeFileAtomic, writeTaskFile } from './files.js';
import { batchScript, cliEntry, sbatchArgv, submissionLayout, type SlurmSubmitOptions, type SubmissionLayout } from './script.js';

/** `submission.json`: one array as submitted, so later commands (runs --watch, cancel) can find its files. */
export interface SubmissionRecord {
  version: 1;
  name: string;
  /** Set once sbatch accepted the array. */
  jobId?: string;
  cluster?: string;
  submittedAt: string;
  /** sbatch's arguments (the script last). */
  sbatch: string[];
  /** Array index → run. */
  tasks: Array<{ index: number; id: string; outdir: string }>;
  /** sbatch's own message when it refused the array. */
  error?: string;
}

/** One submitted (or refused) array. */
export interface SubmittedArray {
  layout: SubmissionLayout;
  /** tasks[i] runs as array index i. */
  tasks: RunTask[];
  jobId?: string;
  /** Why there is no job: sbatch's stderr, or that sbatch is not installed. */
  error?: string;
}

/** Where a configuration's arrays are written: `<checkpoint dir>/slurm/<name>/`. */
export function slurmDirectory(checkpointDir: string, name: string): string {
  return join(checkpointDir, 'slurm', name);
}

/**
 * The cluster's MaxArraySize (slurm.conf(5); default 1001: indices 0–1000), from
 * `scontrol show config`; 1001 when it cannot be read.
 */
export async function maxArraySize(env: NodeJS.ProcessEnv): Promise<number> {
  const run = await slurmCommand('scontrol', ['show', 'config'], env, 30_000);
  const match = /^MaxArraySize\s*=\s*(\d+)/m.exec(run.stdout);
  const size = match ? Number(match[1]) : 1001;
  return size > 0 ? size : 1001;
}

/**
 * Write one array's files (task files, batch script, submission.json) into `dir` and submit it
 * with `sbatch --parsable` (sbatch(1): prints `jobid[;cluster]`). Never throws for Slurm's
 * refusal: the result carries sbatch's message instead.
 */
export async function submitArray(dir: string, tasks: readonly RunTask[], options: SlurmSubmitOptions & { name: string; env: NodeJS.ProcessEnv }): Promise<SubmittedArray> {
  const layout = submissionLayout(dir);
  await mkdir(join(dir, 'tasks'), { recursive: true });
  await mkdir(join(dir, 'logs'), { recursive: true });
  await Promise.all(tasks.map((task, index) => writeTaskFile(layout.taskFile(index), task)));
  const argv = sbatchArgv(layout, tasks.length, options, options.name);
  const submittedAt = new Date().toISOString();
  await writeFileAtomic(layout.script, batchScript(layout, argv, process.execPath, cliEntry(), submittedAt));
  await chmod(layout.script, 0o755);
  const record: SubmissionRecord = {
    version: 1, name: options.name, submittedAt, sbatch: argv,
    tasks: tasks.map((task, index) => ({ index, id: task.id, outdir: task.invocation.outdir })),
  };
  const run = await slurmCommand('sbatch', argv, options.env);
  const parsed = /^(\d+)(?:;(\S+))?$/m.exec(run.stdout.trim());
  const submitted: SubmittedArray = { layout, tasks: [...tasks] };
  if (run.ok && parsed) {
    record.jobId = parsed[1]!;
    if (parsed[2] !== undefined) record.cluster = parsed[2];
    submitted.jobId = parsed[1]!;
  } else {
    submitted.error = run.ok ? `sbatch printed no job id: ${JSON.stringify(run.stdout.slice(0, 200))}` : run.message;
    record.error = submitted.error;
  }
  await writeFileAtomic(layout.record, `${JSON.stringify(record, null, 2)}\n`);
  return submitted;
}

/** Every submission.json under `<checkpoint dir>/slurm/`, keyed by job id (refused arrays are left out). */
export async function findSubmissions(checkpointDir: string): Promise<Map<string, { layout: SubmissionLayout; record: SubmissionRecord }>> {
  const found = new Map<string, { layout: SubmissionLayout; record: SubmissionRecord }>();
  const root = join(checkpointDir, 'slurm');
  const names = await readdir(root).catch(() => [] as string[]);
  for (const name of names) {
    const stamps = await readdir(join(root, name)).catch(() => [] as string[]);
    for (const stamp of stamps) {
      const layout = submissionLayout(join(root, name, stamp));
      try {
        const record = JSON.parse(await readFile(layout.record, 'utf8')) as SubmissionRecord;
        if (record.jobId !== undefined) found.set(record.jobId, { layout, record });
      } catch {
        // not a submission directory, or written by a newer lapidary
      }
    }
  }
  return found;
}
