import { slurmCommand } from './command.js';
import type { StateQuery } from './squeue.js';
import { taskState, type SlurmTaskState } from './states.js';

/** sacct(1) `--format` fields (section "Job Accounting Fields"), printed `|`-separated by `--parsable2`. */
export const SACCT_FORMAT = 'JobID,State,ExitCode,Reason,Start,End,NodeList';

/** `0-3,7,9-11%2` (the part inside `12_[…]`) → [0, 1, 2, 3, 7, 9, 10, 11]. */
export function expandArrayIndices(spec: string): number[] {
  const indices: number[] = [];
  for (const part of spec.replace(/%\d+$/, '').split(',')) {
    const range = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part.trim());
    if (!range) continue;
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    const step = range[3] === undefined ? 1 : Math.max(1, Number(range[3]));
    for (let i = first; i <= last; i += step) indices.push(i);
  }
  return indices;
}

/**
 * Parse `sacct --parsable2 --noheader --format=` {@link SACCT_FORMAT} lines. Array tasks print as
 * `<job>_<index>`; tasks not yet started as one line `<job>_[<ranges>]`, expanded here; job
 * steps (`12_3.batch`) are skipped. `CANCELLED by 0` is split into state and `by`.
 */
export function parseSacct(text: string): SlurmTaskState[] {
  const tasks: SlurmTaskState[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split('|');
    if (fields.length < 7) continue;
    const [jobField, stateField, exitCode, reason, start, end, nodes] = fields as [string, string, string, string, string, string, string];
    const job = /^(\d+)_(?:(\d+)|\[([^\]]+)\])$/.exec(jobField);
    if (!job) continue;
    const stateMatch = /^(\S+)(?: by (\S+))?/.exec(stateField.trim());
    if (!stateMatch) continue;
    const indices = job[2] !== undefined ? [Number(job[2])] : expandArrayIndices(job[3]!);
    for (const index of indices) {
      const task = taskState({ jobId: job[1]!, taskId: String(index), state: stateMatch[1]!, source: 'sacct' }, { reason, start, end, nodes });
      if (stateMatch[2] !== undefined) task.by = stateMatch[2];
      if (exitCode !== '') task.exitCode = exitCode;
      tasks.push(task);
    }
  }
  return tasks;
}

/**
 * The accounting records of the given arrays (sacct(1) `--allocations`: jobs, not steps), for
 * tasks the controller no longer lists. On a cluster without accounting (no slurmdbd) sacct says
 * "Slurm accounting storage is disabled": the result is then `unavailable`, not a failure.
 */
export async function querySacct(jobIds: readonly string[], env: NodeJS.ProcessEnv): Promise<StateQuery> {
  if (jobIds.length === 0) return { ok: true, tasks: [], message: '' };
  const run = await slurmCommand('sacct', ['--noheader', '--parsable2', '--allocations', `--jobs=${jobIds.join(',')}`, `--format=${SACCT_FORMAT}`], env);
  const disabled = /accounting storage is disabled/i.test(`${run.stderr}\n${run.stdout}`);
  if (disabled) return { ok: true, tasks: [], message: 'Slurm accounting storage is disabled (sacct knows no jobs)', unavailable: true };
  if (run.ok) return { ok: true, tasks: parseSacct(run.stdout), message: '' };
  return { ok: false, tasks: [], message: run.message };
}
