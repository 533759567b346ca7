import type { MiCommandSender } from './sender.js';

/** Threads. Source: GDB manual, node "GDB/MI Thread Commands" (`-thread-info`). */

/** One thread of `-thread-info`. */
export interface ThreadInfo {
  /** gdb's thread number (`id="1"`), used by `--thread`; not the kernel tid. */
  id: number;
  /** `target-id`, e.g. `"Thread 0x7ffff7dd1740 (LWP 9161)"`. */
  targetId: string;
  /** The kernel thread id parsed from `(LWP N)` in `targetId`, when present. */
  lwp?: number;
  name?: string;
  state: 'stopped' | 'running';
  /** `frame.addr`: the thread's program counter, present when it is stopped. */
  frameAddr?: bigint;
  /** CPU the thread last ran on. */
  core?: number;
}

/**
 * `-thread-info` → every thread and the current thread's number (absent when there is no
 * process). Example reply: `^done,threads=[{id="1",target-id="Thread 0x7ffff7dd1740 (LWP 9161)",
 * name="mi-target",frame={level="0",addr="0x…",…},state="stopped",core="1"}],current-thread-id="1"`.
 */
export async function threadInfo(sender: MiCommandSender): Promise<{ threads: ThreadInfo[]; currentThreadId?: number }> {
  const record = await sender.send('-thread-info');
  const threads = record.results.tupleList('threads').map((thread): ThreadInfo => {
    const state = thread.str('state');
    if (state !== 'stopped' && state !== 'running') throw thread.formatError('state', `is "${state}"`);
    const info: ThreadInfo = { id: thread.int('id'), targetId: thread.str('target-id'), state };
    const lwp = /\(LWP (\d+)\)/.exec(info.targetId)?.[1];
    if (lwp !== undefined) info.lwp = Number(lwp);
    const name = thread.optStr('name');
    if (name !== undefined) info.name = name;
    const frame = thread.optTuple('frame');
    if (frame?.has('addr')) info.frameAddr = frame.addr('addr');
    const core = thread.optInt('core');
    if (core !== undefined) info.core = core;
    return info;
  });
  const currentThreadId = record.results.optInt('current-thread-id');
  return currentThreadId === undefined ? { threads } : { threads, currentThreadId };
}
