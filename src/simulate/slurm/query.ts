import { querySacct } from './sacct.js';
import { querySqueue } from './squeue.js';
import { statePhase, type SlurmTaskState } from './states.js';

/** `<job id>_<array index>`, the key Slurm itself prints for an array task. */
export function taskKey(jobId: string, taskId: string): string {
  return `${jobId}_${taskId}`;
}

/** The states of the wanted array tasks, from squeue and sacct. */
export interface TaskStates {
  /** False when squeue itself failed: then nothing can be concluded about missing tasks. */
  ok: boolean;
  byKey: Map<string, SlurmTaskState>;
  /** squeue's message when it failed; sacct's when it failed or accounting is disabled. */
  message: string;
}

/**
 * Combine what squeue and sacct said about the wanted tasks: squeue's view, except that a final
 * state is taken from sacct when sacct has a final state too (sacct(1) adds the exit code and
 * `CANCELLED by <uid>`; squeue keeps what sacct lacks), and tasks squeue no longer lists come from
 * sacct. A final state squeue reports is never replaced by a live one from sacct, which may lag.
 */
export function mergeStates(wanted: ReadonlySet<string>, squeue: readonly SlurmTaskState[], sacct: readonly SlurmTaskState[]): Map<string, SlurmTaskState> {
  const byKey = new Map<string, SlurmTaskState>();
  for (const task of squeue) {
    const key = taskKey(task.jobId, task.taskId);
    if (wanted.has(key)) byKey.set(key, task);
  }
  for (const task of sacct) {
    const key = taskKey(task.jobId, task.taskId);
    if (!wanted.has(key)) continue;
    const known = byKey.get(key);
    if (known === undefined) byKey.set(key, task);
    else if (statePhase(known.state) === 'final' && statePhase(task.state) === 'final') {
      const defined = Object.fromEntries(Object.entries(task).filter(([, v]) => v !== undefined)) as Partial<SlurmTaskState>;
      byKey.set(key, { ...known, ...defined });
    }
  }
  return byKey;
}

/**
 * Ask Slurm about array tasks: squeue(1) first (the controller's view, including ended tasks for
 * MinJobAge seconds), then sacct(1) for the tasks squeue reports ended or no longer lists (ended
 * longer ago). One squeue and at most one sacct call.
 * @param wanted keys from {@link taskKey}.
 */
export async function queryTaskStates(wanted: ReadonlySet<string>, env: NodeJS.ProcessEnv): Promise<TaskStates> {
  const jobIds = (keys: Iterable<string>) => [...new Set([...keys].map((k) => k.split('_')[0]!))];
  const squeue = await querySqueue(jobIds(wanted), env);
  if (!squeue.ok) return { ok: false, byKey: new Map(), message: `squeue failed: ${squeue.message}` };
  const listed = mergeStates(wanted, squeue.tasks, []);
  const ask = [...wanted].filter((k) => !listed.has(k) || statePhase(listed.get(k)!.state) === 'final');
  if (ask.length === 0) return { ok: true, byKey: listed, message: '' };
  const sacct = await querySacct(jobIds(ask), env);
  const message = sacct.unavailable ? sacct.message : sacct.ok ? '' : `sacct failed: ${sacct.message}`;
  return { ok: true, byKey: mergeStates(wanted, squeue.tasks, sacct.tasks), message };
}
