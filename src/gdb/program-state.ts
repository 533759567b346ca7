import { parseStopEvent, type MiAsyncRecord, type StopEvent } from '../mi/index.js';
import { InferiorRegistry } from './inferiors.js';
import { StopQueue } from './stop-queue.js';

/**
 * What gdb has told us about the program it runs, from async records (GDB manual, "GDB/MI Async
 * Records"): running or stopped (`*running` / `*stopped`, all-stop mode), the stops not yet
 * taken, the last stop, and the live pids.
 */
export class ProgramState {
  /** Stops not yet taken by waitForStop/interrupt, and whoever waits for the next one. */
  readonly stops = new StopQueue();
  /** The most recent stop, taken or not. */
  lastStop: StopEvent | undefined;
  private readonly inferiors: InferiorRegistry;
  private isRunning = false;

  /** @param options.remote the program runs on another machine (gdbserver): its pids are never signalled here. */
  constructor(options: { remote?: boolean } = {}) {
    this.inferiors = new InferiorRegistry(!options.remote);
  }

  /** True from `^running`/`*running` until the next `*stopped` or the program's end. */
  get running(): boolean {
    return this.isRunning;
  }

  /** The program's pid from `=thread-group-started`, while it lives. */
  get pid(): number | undefined {
    return this.inferiors.firstPid;
  }

  /** A command answered `^running`. */
  markRunning(): void {
    this.isRunning = true;
  }

  /** Follow one async record; returns the StopEvent if it was `*stopped`. Throws MiFormatError on a malformed one. */
  observe(record: MiAsyncRecord): StopEvent | undefined {
    if (record.type === 'notify') {
      this.inferiors.onNotify(record);
      if (record.asyncClass === 'thread-group-exited' && this.pid === undefined) this.isRunning = false;
    }
    if (record.type !== 'exec') return undefined;
    if (record.asyncClass === 'running') this.isRunning = true;
    if (record.asyncClass !== 'stopped') return undefined;
    const event = parseStopEvent(record);
    this.isRunning = false;
    this.lastStop = event;
    this.stops.push(event);
    return event;
  }

  /** The programs are about to be killed through gdb: SIGKILL what they started first (inferiors.ts). */
  killStarted(): void {
    this.inferiors.killStarted();
  }

  /** gdb is gone or going: SIGKILL every live program and forget it. */
  killAll(): void {
    this.inferiors.killAll();
    this.isRunning = false;
  }
}
