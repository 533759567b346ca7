import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { killQuietly, registerCleanup } from '../gdb/cleanup.js';
import type { Executor, ExecutorOutcome, RunEvents } from './executor.js';
import type { RunTask } from './run-types.js';
import type { SpawnedMessage } from './worker.js';

/** The compiled worker (piscina needs JavaScript; tests run the TypeScript sources, so prefer dist/). */
function workerFile(): string {
  const beside = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../dist/simulate/worker.js', import.meta.url));
}

/**
 * Kill every child process of this Node process (gem5 runs started by worker threads have it as
 * their parent): the last sweep after an abort, for a gem5 whose pid message was still in flight
 * when its worker thread was terminated.
 */
function killChildren(): void {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) killQuietly(-Number(entry));
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * The local executor: a Piscina pool of `jobs` worker threads, each owning one gem5 child at a
 * time. On abort, queued tasks are dropped and every gem5 process group the workers started is
 * killed; the workers then report those runs as cancelled. A worker that throws ends its own run
 * (reported with the executor's cause `executor-error`); an error from `events` is raised only
 * after every other run ended, so one run's fault never kills the rest.
 */
export class LocalPoolExecutor implements Executor {
  readonly name = 'local';

  constructor(private readonly jobs: number) {}

  async run(tasks: readonly RunTask[], events: RunEvents, signal: AbortSignal): Promise<void> {
    const pool = new Piscina({ filename: workerFile(), minThreads: this.jobs, maxThreads: this.jobs, idleTimeout: 1000 });
    const live = new Map<string, number>();
    const killAll = (): void => {
      for (const pid of live.values()) killQuietly(-pid);
    };
    const unregister = registerCleanup(killAll);
    const queued = new AbortController();
    const onAbort = (): void => {
      killAll();
      queued.abort();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    /** The first error the batch's own bookkeeping threw (events.started/done), raised once every run ended. */
    let bookkeeping: unknown;
    try {
      await Promise.all(tasks.map(async (task) => {
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (message: SpawnedMessage) => {
          live.set(task.id, message.pid);
          if (signal.aborted) killQuietly(-message.pid);
          try {
            events.started(task, { pid: message.pid });
          } catch (error) {
            bookkeeping ??= error;
          }
        });
        let outcome: ExecutorOutcome;
        try {
          outcome = (await pool.run({ task, port: port2 }, { transferList: [port2], signal: queued.signal })) as ExecutorOutcome;
        } catch (error) {
          // A worker that threw ends its own run only: the others go on (issue 13 item 5).
          outcome = signal.aborted
            ? { cancelled: true, timedOut: false }
            : { cancelled: false, timedOut: false, scheduler: { kind: 'executor-error', detail: `the worker thread running gem5 failed: ${(error as Error).message ?? String(error)}` } };
        } finally {
          port1.close();
          live.delete(task.id);
        }
        await events.done(task, signal.aborted ? { ...outcome, cancelled: true } : outcome).catch((error: unknown) => {
          bookkeeping ??= error;
        });
      }));
      if (bookkeeping !== undefined) throw bookkeeping;
    } finally {
      signal.removeEventListener('abort', onAbort);
      killAll();
      unregister();
      await pool.destroy();
      if (signal.aborted) killChildren();
    }
  }
}
