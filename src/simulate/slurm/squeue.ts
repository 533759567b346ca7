import { slurmCommand } from './command.js';
import { taskState, type SlurmTaskState } from './states.js';

/** What a squeue or sacct query learned: the tasks it listed, or Slurm's message when it failed. */
export interface StateQuery {
  ok: boolean;
  tasks: SlurmTaskState[];
  /** Slurm's own error message when not ok (or a note, e.g. accounting disabled). */
  message: string;
  /** sacct only: accounting is not available on this cluster (no slurmdbd), so sacct knows nothing. */
  unavailable?: boolean;
}

/**
 * squeue(1) `--format` fields, `|`-separated: `%F` array job id, `%K` array index, `%T` state
 * (long form), `%r` reason, `%S` start time, `%e` end time, `%N` nodes.
 */
export const SQUEUE_FORMAT = '%F|%K|%T|%r|%S|%e|%N';

/** Parse squeue lines printed with {@link SQUEUE_FORMAT}; lines of other shapes are ignored. */
export function parseSqueue(text: string): SlurmTaskState[] {
  const tasks: SlurmTaskState[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split('|');
    if (fields.length < 7) continue;
    const [jobId, taskId, state, reason, start, end, nodes] = fields as [string, string, string, string, string, string, string];
    if (!/^\d+$/.test(jobId) || !/^\d+$/.test(taskId)) continue;
    tasks.push(taskState({ jobId, taskId, state, source: 'squeue' }, { reason, start, end, nodes }));
  }
  return tasks;
}

/**
 * Every task of the given arrays the controller still knows: pending, running, and ended ones
 * for MinJobAge seconds after they ended (slurm.conf(5); 300 by default). squeue(1): `--array`
 * prints one line per array element, `--states=all` includes ended ones. A job id the controller
 * has forgotten is not an error: its tasks are simply absent.
 */
export async function querySqueue(jobIds: readonly string[], env: NodeJS.ProcessEnv): Promise<StateQuery> {
  if (jobIds.length === 0) return { ok: true, tasks: [], message: '' };
  const run = await slurmCommand('squeue', ['--noheader', '--array', '--states=all', `--jobs=${jobIds.join(',')}`, `--format=${SQUEUE_FORMAT}`], env);
  if (run.ok) return { ok: true, tasks: parseSqueue(run.stdout), message: '' };
  if (/Invalid job id specified/i.test(run.stderr)) return { ok: true, tasks: [], message: '' };
  return { ok: false, tasks: [], message: run.message };
}
