import type { MessagePort } from 'node:worker_threads';
import { runGem5 } from '../gem5/run/run.js';
import type { ExecutorOutcome } from './executor.js';
import type { RunTask } from './run-types.js';

/** Message a worker posts on its port when gem5 has started. */
export interface SpawnedMessage {
  type: 'spawned';
  id: string;
  pid: number;
}

/**
 * The Piscina worker: run one task's gem5 and report its pid as soon as it exists (the main
 * thread keeps the pids to kill them on interrupt: terminating a worker thread does not kill the
 * processes it started). Plain function from task to result, as piscina's examples are.
 */
export default async function runTask({ task, port }: { task: RunTask; port: MessagePort }): Promise<ExecutorOutcome> {
  const outcome = await runGem5(task.invocation, {
    ...(task.timeoutSeconds !== undefined ? { timeoutSeconds: task.timeoutSeconds } : {}),
    onSpawn: (pid) => port.postMessage({ type: 'spawned', id: task.id, pid } satisfies SpawnedMessage),
  });
  port.close();
  const { cancelled, timedOut, failure, result, exitCode, signal, durationMs } = outcome;
  return { cancelled, timedOut, durationMs, ...(failure ? { failure } : {}), ...(result ? { result } : {}), ...(exitCode !== undefined ? { exitCode } : {}), ...(signal ? { signal } : {}) };
}
