import type { StopEvent } from '../mi/index.js';

interface Waiter {
  resolve(event: StopEvent): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Stops in arrival order, each delivered to exactly one taker. A stop that arrives before anyone
 * waits is queued, so `await execContinue(s); await s.waitForStop()` cannot miss a fast stop.
 */
export class StopQueue {
  private readonly queued: StopEvent[] = [];
  private readonly waiters: Waiter[] = [];

  /** Stops received and not yet taken. */
  get size(): number {
    return this.queued.length;
  }

  /** A `*stopped` arrived: hand it to the oldest waiter, or queue it. */
  push(event: StopEvent): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) {
      this.queued.push(event);
      return;
    }
    clearTimeout(waiter.timer);
    waiter.resolve(event);
  }

  /** The oldest untaken stop, or the next one; rejects with `onTimeout()` after `timeoutMs`. */
  take(timeoutMs: number | undefined, onTimeout: () => Error): Promise<StopEvent> {
    const event = this.queued.shift();
    if (event !== undefined) return Promise.resolve(event);
    return new Promise<StopEvent>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(onTimeout());
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  /** Reject everyone waiting (the program was killed, or gdb is gone); queued stops stay. */
  failWaiters(error: Error): void {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}
