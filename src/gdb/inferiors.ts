import type { MiAsyncRecord } from '../mi/index.js';
import { registerCleanup } from './cleanup.js';
import { killProcessTree, processGroupOf } from './process-tree.js';

/** One live program: its pid, the process group it leads (if it does), and its cleanup hook. */
interface LiveInferior {
  pid: number;
  group: number | undefined;
  unregister: () => void;
}

/**
 * The programs a gdb runs, by thread group, from `=thread-group-started,id="i1",pid="1234"` until
 * `=thread-group-exited,id="i1"` (GDB manual, "GDB/MI Async Records"). Each live pid has a cleanup
 * hook: gdb starts programs in a process group of their own, so killing gdb's group misses them,
 * and a program whose gdb died is merely detached (possibly left stopped), not killed.
 * A program that leads its own process group (gdb's fork_inferior makes one; a snapshot child
 * shares the target's) takes along what it started: killing it kills its process tree and
 * group (process-tree.ts), and when it exits, what it left running in its group is killed.
 */
export class InferiorRegistry {
  private readonly live = new Map<string, LiveInferior>();

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
      // gdb reports the program once it stopped at its exec, after fork_inferior's setpgid.
      const group = this.local && processGroupOf(pid) === pid ? pid : undefined;
      this.live.set(id, { pid, group, unregister: this.local ? registerCleanup(() => killProcessTree(pid, group)) : () => undefined });
    } else if (record.asyncClass === 'thread-group-exited') {
      const id = record.results.str('id');
      const group = this.live.get(id)?.group;
      this.forget(id);
      // The program ended (by itself or killed): what it left in its group would live on under
      // pid 1. A snapshot child (in the same group) is still gdb's and may still be read; the
      // ended program's pid is not signalled (it may already be reused).
      if (group !== undefined) killProcessTree(group, group, new Set([group, ...[...this.live.values()].map((l) => l.pid)]));
    }
  }

  /**
   * SIGKILL what the live programs started (their process trees and groups), but not the programs
   * themselves: before gdb kills a program, so that workers that left its group are still found
   * as its descendants.
   */
  killStarted(): void {
    if (!this.local) return;
    const programs = new Set([...this.live.values()].map((l) => l.pid));
    for (const { pid, group } of this.live.values()) killProcessTree(pid, group, programs);
  }

  /** SIGKILL every live program with what it started (gdb is dead or being killed) and forget them. */
  killAll(): void {
    if (this.local) for (const { pid, group } of this.live.values()) killProcessTree(pid, group);
    for (const id of [...this.live.keys()]) this.forget(id);
  }

  private forget(id: string): void {
    this.live.get(id)?.unregister();
    this.live.delete(id);
  }
}
