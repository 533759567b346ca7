import type { MiAsyncRecord } from '../mi/index.js';
import { killQuietly, registerCleanup } from './cleanup.js';

/**
 * The programs a gdb runs, by thread group, from `=thread-group-started,id="i1",pid="1234"` until
 * `=thread-group-exited,id="i1"` (GDB manual, "GDB/MI Async Records"). Each live pid has a cleanup
 * hook: gdb starts programs in a process group of their own, so killing gdb's group misses them,
 * and a program whose gdb died is merely detached (possibly left stopped), not killed.
 */
export class InferiorRegistry {
  private readonly live = new Map<string, { pid: number; unregister: () => void }>();

  /**
   * @param local whether the pids are processes of this machine. A remote target's pids (a
   * gdbserver in a VM) belong to another kernel: they are tracked but never signalled here.
   */
  constructor(private readonly local = true) {}

  /** The pid of the first live program, if any. */
  get firstPid(): number | undefined {
    return this.live.values().next().value?.pid;
  }

  /** Track thread-group start/exit notifications; ignores the rest. Throws MiFormatError on a bad pid. */
  onNotify(record: MiAsyncRecord): void {
    if (record.asyncClass === 'thread-group-started') {
      const id = record.results.str('id');
      const pid = record.results.int('pid');
      this.forget(id);
      this.live.set(id, { pid, unregister: this.local ? registerCleanup(() => killQuietly(pid)) : () => undefined });
    } else if (record.asyncClass === 'thread-group-exited') {
      this.forget(record.results.str('id'));
    }
  }

  /** SIGKILL every live program (gdb is dead or being killed) and forget them. */
  killAll(): void {
    if (this.local) for (const { pid } of this.live.values()) killQuietly(pid);
    for (const id of [...this.live.keys()]) this.forget(id);
  }

  private forget(id: string): void {
    this.live.get(id)?.unregister();
    this.live.delete(id);
  }
}
