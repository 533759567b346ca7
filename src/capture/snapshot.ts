import type { ProcAccess } from './proc-access.js';
import type { GdbSession } from '../gdb/session.js';
import type { MemoryRegion, ThreadState } from '../process/types.js';

/** clone(2) flags of the snapshot child: its parent is gdb (not the target), and gdb gets SIGCHLD. */
const CLONE_PARENT = 0x8000n;
const SIGCHLD = 17n;
/** x86-64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl). */
const SYS_CLONE = 56n;
/** The `syscall` instruction, 0f 05. */
const SYSCALL_BYTES = Buffer.from([0x0f, 0x05]);

/**
 * A copy-on-write snapshot of a stopped target: a child made by clone(2) in the target, held
 * stopped by gdb as a second inferior. Its memory is the target's at the checkpoint, so the
 * target can resume at once while the pages are read from the child (the technique of Redis's
 * BGSAVE; the target's pause no longer grows with its memory).
 */
export interface Snapshot {
  pid: number;
  /** Kill the child and forget it in gdb. Idempotent. */
  release(): Promise<void>;
}

/**
 * Find a `syscall` instruction in an executable mapping (any 0f 05 will do: RIP is only pointed
 * at it). `hint`, a previous answer, is checked first.
 */
export async function findSyscallInstruction(proc: ProcAccess, pid: number, regions: readonly MemoryRegion[], hint?: bigint): Promise<bigint | undefined> {
  const mem = await proc.openReader(`/proc/${pid}/mem`);
  try {
    if (hint !== undefined && regions.some((r) => r.prot.exec && hint >= r.start && hint + 2n <= r.end)) {
      const bytes = Buffer.alloc(2);
      const bytesRead = await mem.read(bytes, 0, 2, Number(hint)).catch(() => 0);
      if (bytesRead === 2 && bytes.equals(SYSCALL_BYTES)) return hint;
    }
    for (const region of regions.filter((r) => r.prot.exec && r.prot.read && r.kind === 'file')) {
      const length = Number(region.end - region.start);
      const bytes = Buffer.alloc(length);
      const bytesRead = await mem.read(bytes, 0, length, Number(region.start)).catch(() => 0);
      const at = bytes.subarray(0, bytesRead).indexOf(SYSCALL_BYTES);
      if (at >= 0) return region.start + BigInt(at);
    }
    return undefined;
  } finally {
    await mem.close();
  }
}

/**
 * Set registers in one MI round trip, in the order given: a C comma expression of assignments
 * (`$rip = …, $rax = …`), which gdb evaluates left to right.
 */
async function setRegisters(session: GdbSession, values: ReadonlyArray<readonly [string, bigint]>): Promise<void> {
  const expression = values.map(([name, value]) => `$${name} = ${BigInt.asIntN(64, value)}`).join(', ');
  await session.send(`-data-evaluate-expression "${expression}"`);
}

/**
 * Pages where gdb may hold a breakpoint instruction, user or internal (the shared-library event
 * breakpoint in ld.so, longjmp and exception masters): from `maint info breakpoints`. gdb inserts
 * them whenever the target resumes, so the snapshot child copies their int3 bytes; these pages
 * are read from the target itself, where gdb has removed them while it is stopped.
 */
export async function breakpointPages(session: GdbSession): Promise<bigint[]> {
  const cached = breakpointPageCache.get(session);
  if (cached !== undefined) return cached;
  const listing = await session.console('maint info breakpoints');
  const pages = new Set<bigint>();
  for (const match of listing.matchAll(/\b0x([0-9a-f]{16})\b/g)) pages.add(BigInt(`0x${match[1]}`) & ~0xfffn);
  breakpointPageCache.set(session, [...pages]);
  // gdb re-plants its breakpoints when libraries come and go or breakpoints change: ask again then.
  const forget = (record: { asyncClass: string }): void => {
    if (/^(library-|breakpoint-)/.test(record.asyncClass)) {
      breakpointPageCache.delete(session);
      session.off('notify', forget);
    }
  };
  session.on('notify', forget);
  return [...pages];
}

const breakpointPageCache = new WeakMap<GdbSession, bigint[]>();

/** Numbers of the enabled breakpoints (`-break-list`, GDB manual "GDB/MI Breakpoint Commands"). */
async function enabledBreakpoints(session: GdbSession): Promise<number[]> {
  const table = (await session.send('-break-list')).results.tuple('BreakpointTable');
  return table.tupleList('body').filter((b) => b.optStr('enabled') === 'y').map((b) => b.int('number'));
}

/**
 * Make a snapshot child of the stopped, single-threaded target. The injected system call runs
 * with every breakpoint disabled, so no int3 byte is copied into the child, and with gdb's
 * `detach-on-fork off` (only for that step: the target's own forks must not be held), so gdb
 * keeps the child stopped as a second inferior. Afterwards the target's registers are put back
 * exactly as `thread` holds them (for a thread stopped in an interrupted system call, the
 * restarted form: it re-executes the call when resumed, as the checkpoint says).
 * @returns undefined when clone fails in the target (e.g. ENOMEM): the caller then reads the
 * target's memory directly.
 */
export async function forkSnapshot(session: GdbSession, thread: ThreadState, syscallAt: bigint): Promise<Snapshot | undefined> {
  const breakpoints = await enabledBreakpoints(session);
  if (breakpoints.length > 0) await session.send(`-break-disable ${breakpoints.join(' ')}`);
  let child: bigint;
  await session.send('-gdb-set detach-on-fork off');
  try {
    // Writing RIP first: gdb then sets orig_rax to -1, so nothing is restarted behind our back.
    await setRegisters(session, [['rip', syscallAt], ['rax', SYS_CLONE], ['rdi', CLONE_PARENT | SIGCHLD], ['rsi', 0n], ['rdx', 0n], ['r10', 0n], ['r8', 0n]]);
    await session.send('-exec-step-instruction');
    await session.waitForStop({ timeoutMs: 30_000 });
    child = BigInt((await session.send('-data-evaluate-expression "(long)$rax"')).results.str('value'));
  } finally {
    const g = thread.gpr;
    await setRegisters(session, [['rip', g.rip], ['rax', g.rax], ['rdi', g.rdi], ['rsi', g.rsi], ['rdx', g.rdx], ['r10', g.r10], ['r8', g.r8],
      ['rcx', g.rcx], ['r11', g.r11], ['eflags', g.rflags]]);
    if (breakpoints.length > 0) await session.send(`-break-enable ${breakpoints.join(' ')}`);
    await session.send('-gdb-set detach-on-fork on');
  }
  if (child <= 0n) return undefined;
  const pid = Number(child);
  let released = false;
  return {
    pid,
    release: async () => {
      if (released) return;
      released = true;
      const groups = (await session.send('-list-thread-groups')).results.tupleList('groups');
      const inferior = groups.find((g) => g.optStr('pid') === String(pid))?.str('id');
      if (inferior === undefined) return;
      const number = inferior.replace(/^i/, '');
      await session.console(`kill inferiors ${number}`);
      await session.console(`remove-inferiors ${number}`);
    },
  };
}
