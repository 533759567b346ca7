import { GdbProcessError, InterruptedError } from '../errors.js';
import type { GdbSession } from '../gdb/session.js';
import type { StopEvent } from '../mi/index.js';
import { takeCheckpoint, type CheckpointSettings, type CheckpointSummary } from './checkpoint.js';
import type { LaunchedTarget } from './launch.js';
import { resumeTarget } from './resume.js';
import { followExec, type ExecRecord } from './exec.js';

/** Wall-clock sampling: a checkpoint every `intervalSeconds` of native execution. */
export interface IntervalPolicy {
  intervalSeconds: number;
  /** Stop after this many checkpoints (the target is then killed); absent: until the program exits. */
  maxCheckpoints?: number;
}

/** How a create run ended. */
export interface CreateOutcome {
  checkpoints: CheckpointSummary[];
  /** The program's exit, when it ran to its end. */
  exit?: { code?: number; signal?: string };
  /** Seconds the target ran natively (pauses excluded). */
  nativeSeconds: number;
}

/** Throw the InterruptedError that ends a create run once `signal` is aborted (SIGINT/SIGTERM). */
export function throwIfInterrupted(signal: AbortSignal): void {
  if (!signal.aborted) return;
  throw signal.reason instanceof InterruptedError ? signal.reason : new InterruptedError('interrupted');
}

/**
 * Let the program run for up to `ms` milliseconds. Resolves with the stop if it stopped by
 * itself (exit, breakpoint, signal), or undefined if it is still running at the deadline.
 */
async function runFor(session: GdbSession, ms: number): Promise<StopEvent | undefined> {
  try {
    return await session.waitForStop({ timeoutMs: Math.max(1, Math.round(ms)) });
  } catch (error) {
    if (!(error instanceof GdbProcessError)) throw error;
    if (session.running) return undefined;
    // The program stopped just as the deadline passed: its stop is queued (if gdb died instead,
    // waitForStop says so).
    return session.waitForStop({ timeoutMs: 10_000 });
  }
}

/**
 * Run the target, interrupting it every interval to write a checkpoint, until it exits or
 * `maxCheckpoints` exist. Checkpoint writing (compression, fsync) overlaps the target's next
 * interval; at most one write is in flight, so at most two memory images are held.
 * Stops the target did not ask for (signals it handles) are passed on without a checkpoint.
 */
export async function runIntervalCheckpoints(
  target: LaunchedTarget,
  settings: CheckpointSettings,
  policy: IntervalPolicy,
  hooks: { signal: AbortSignal; onCheckpoint: (summary: CheckpointSummary, elapsedSeconds: number) => void; onExec?: (record: ExecRecord) => void },
): Promise<CreateOutcome> {
  const { session } = target;
  const outcome: CreateOutcome = { checkpoints: [], nativeSeconds: 0 };
  let pendingWrite: Promise<void> = Promise.resolve();
  const intervalMs = policy.intervalSeconds * 1000;
  try {
    let untilNext = intervalMs;
    while (policy.maxCheckpoints === undefined || outcome.checkpoints.length < policy.maxCheckpoints) {
      throwIfInterrupted(hooks.signal);
      const resumed = performance.now();
      let stop = (await resumeTarget(target)) ?? (await runFor(session, untilNext));
      if (stop === undefined) stop = await session.interrupt();
      const ran = performance.now() - resumed;
      outcome.nativeSeconds += ran / 1000;
      if (stop.exited) {
        outcome.exit = {
          ...(stop.exitCode !== undefined ? { code: stop.exitCode } : {}),
          ...(stop.signalName !== undefined ? { signal: stop.signalName } : {}),
        };
        break;
      }
      if (stop.reason === 'exec') {
        hooks.onExec?.(await followExec(target, stop, outcome.nativeSeconds));
        untilNext = Math.max(1, untilNext - ran);
        continue;
      }
      if (stop.signalName !== 'SIGINT') {
        untilNext = Math.max(1, untilNext - ran); // the program's own stop: keep the interval's remainder
        continue;
      }
      untilNext = intervalMs;
      await pendingWrite;
      throwIfInterrupted(hooks.signal); // the signal may have come while the last write finished
      const elapsed = outcome.nativeSeconds;
      const index = outcome.checkpoints.length + 1;
      const { written } = await takeCheckpoint(target, settings, index, elapsed);
      pendingWrite = written.then((summary) => {
        outcome.checkpoints.push(summary);
        hooks.onCheckpoint(summary, elapsed);
      });
      // A failed write (e.g. LAPIDARY_MEMORY_LOST) is thrown where it is awaited: before the next checkpoint or at the end.
      pendingWrite.catch(() => undefined);
      if (policy.maxCheckpoints !== undefined && index >= policy.maxCheckpoints) break;
    }
  } finally {
    await pendingWrite.catch(() => undefined);
  }
  await pendingWrite;
  return outcome;
}
