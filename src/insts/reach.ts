import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { createInterface, type Interface } from 'node:readline';
import type { GdbSession } from '../gdb/session.js';
import { deleteBreakpoints, execContinue, execStepInstruction, insertBreakpoint, type StopEvent } from '../mi/index.js';
import { InstsError } from './errors.js';
import { UnsupportedTargetError } from '../errors.js';
import { HWBP_HELPER } from './native-tools.js';
import type { CodeLocation, InstsMethod, Marker } from './types.js';

/** One line of /proc/PID/maps. */
export interface NativeMapping {
  start: bigint;
  end: bigint;
  perms: string;
  offset: bigint;
  inode: number;
  path: string;
}

/** The program under gdb: its pid, and optionally its mappings (read from /proc when absent). */
export interface NativeTarget {
  pid: number;
  maps?: NativeMapping[];
}

export function parseNativeMaps(text: string): NativeMapping[] {
  const result: NativeMapping[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+) ([0-9a-f]+) \S+ (\d+)\s*(.*)$/.exec(line);
    if (m === null) continue;
    result.push({ start: BigInt(`0x${m[1]}`), end: BigInt(`0x${m[2]}`), perms: m[3]!, offset: BigInt(`0x${m[4]}`), inode: Number(m[5]), path: m[6]! });
  }
  return result;
}

export async function readNativeMaps(pid: number): Promise<NativeMapping[]> {
  return parseNativeMaps(await readFile(`/proc/${pid}/maps`, 'utf8'));
}

/** The native address of a file location (by path, else by inode), executable mappings first. */
export async function nativeAddress(maps: readonly NativeMapping[], location: CodeLocation): Promise<bigint> {
  const inode = await stat(location.object).then((s) => s.ino, () => -1);
  const candidates = maps.filter((m) => (m.path === location.object || (inode > 0 && m.inode === inode)) &&
    location.offset >= m.offset && location.offset < m.offset + (m.end - m.start));
  const mapping = candidates.find((m) => m.perms.includes('x')) ?? candidates[0];
  if (mapping === undefined) throw new InstsError(`${location.object}+0x${location.offset.toString(16)} is not mapped in the native program`);
  return mapping.start + (location.offset - mapping.offset);
}

/** The file location of a native address, if a file is mapped there. */
export function nativeLocation(maps: readonly NativeMapping[], address: bigint): CodeLocation | undefined {
  const m = maps.find((r) => address >= r.start && address < r.end && r.path.startsWith('/'));
  return m === undefined ? undefined : { object: m.path, offset: address - m.start + m.offset };
}

/** lapidary-insts-hwbp for one program: commands in, one JSON line out per command. */
class HwbpHelper {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: string[] = [];
  private waiter: ((line: string | undefined) => void) | undefined;
  private ended = false;

  constructor(pid: number) {
    this.child = spawn(HWBP_HELPER, [String(pid)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.on('error', () => this.end());
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => {
      if (this.waiter !== undefined) {
        const w = this.waiter;
        this.waiter = undefined;
        w(line);
      } else {
        this.pending.push(line);
      }
    });
    this.lines.on('close', () => this.end());
  }

  private end(): void {
    this.ended = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(undefined);
  }

  async request(command: string): Promise<Record<string, unknown>> {
    if (this.ended) throw new InstsError('lapidary-insts-hwbp ended unexpectedly');
    this.child.stdin.write(`${command}\n`);
    const line = this.pending.shift() ?? (await new Promise<string | undefined>((resolve) => (this.waiter = resolve)));
    if (line === undefined) throw new InstsError('lapidary-insts-hwbp ended unexpectedly');
    const reply = JSON.parse(line) as Record<string, unknown>;
    if (reply.event === 'error') throw new InstsError(`perf breakpoint: ${String(reply.message)}`, { hint: 'use --insts-method valgrind-gdb' });
    return reply;
  }

  async arm(address: bigint, hits: number): Promise<number> {
    return (await this.request(`arm ${address.toString(16)} ${hits}`)).id as number;
  }

  async count(address: bigint): Promise<number> {
    return (await this.request(`count ${address.toString(16)}`)).id as number;
  }

  async close(id: number): Promise<number> {
    return (await this.request(`close ${id}`)).hits as number;
  }

  async read(): Promise<Map<number, number>> {
    const counts = (await this.request('read')).counts as Array<{ id: number; hits: number }>;
    return new Map(counts.map((c) => [c.id, c.hits]));
  }

  dispose(): void {
    this.child.stdin.end();
    setTimeout(() => this.child.kill('SIGKILL'), 1000).unref();
  }
}

const RF = 0x10000n;

async function readRegister(session: GdbSession, name: string): Promise<bigint> {
  // $eflags has a flags type that does not cast; `| 0` turns it into an integer.
  const expression = name === 'eflags' ? '($eflags | 0)' : `(unsigned long)$${name}`;
  const value = (await session.send(`-data-evaluate-expression "${expression}"`)).results.str('value');
  return BigInt(value.split(' ')[0]!);
}

async function writeRegister(session: GdbSession, name: string, value: bigint): Promise<void> {
  await session.send(`-data-evaluate-expression "$${name} = ${value}"`);
}

async function resumeAndWait(session: GdbSession, timeoutMs: number | undefined): Promise<StopEvent> {
  await execContinue(session);
  return session.waitForStop(timeoutMs === undefined ? {} : { timeoutMs });
}

function describeStop(stop: StopEvent): string {
  if (stop.exited) return `the program ended (${stop.signalName ?? `status ${stop.exitCode ?? '?'}`})`;
  return `${stop.reason ?? 'a stop'}${stop.signalName ? ` ${stop.signalName}` : ''} at 0x${(stop.frameAddr ?? 0n).toString(16)}`;
}

/** Length of the rep string instruction at `pc` (prefixes, an optional REX, the opcode), or 0 if it is not one. */
export function repStringLength(bytes: Buffer): number {
  let rep = false;
  for (let i = 0; i < Math.min(bytes.length, 15); i++) {
    let b = bytes[i]!;
    if (b === 0xf2 || b === 0xf3) {
      rep = true;
    } else if ([0x66, 0x67, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65].includes(b)) {
      // another legacy prefix
    } else {
      if (b >= 0x40 && b <= 0x4f) b = bytes[++i]!;
      const string = (b >= 0xa4 && b <= 0xa7) || (b >= 0xaa && b <= 0xaf) || (b >= 0x6c && b <= 0x6f);
      return rep && string ? i + 1 : 0;
    }
  }
  return 0;
}

async function readBytes(session: GdbSession, address: bigint, length: number): Promise<Buffer> {
  const record = await session.send(`-data-read-memory-bytes 0x${address.toString(16)} ${length}`);
  const memory = record.results.tupleList('memory')[0];
  return Buffer.from(memory?.str('contents') ?? '', 'hex');
}

export interface ReachOptions {
  /** How to count breakpoint hits: perf breakpoint events (`valgrind-perf`, default) or gdb ignore counts. */
  method?: Exclude<InstsMethod, 'gdb-stepi'>;
  /**
   * Check the native run against the plan with up to three kernel-counted breakpoints (perf
   * method): each hop location's arrivals since the previous point must be what the profiling
   * run saw. Default true.
   */
  verify?: boolean;
  /** Check only locations with at most this many arrivals since the previous point (each costs a kernel trap). Default 50,000. */
  verifyMaxHits?: number;
  /** Give up on one hop after this long. */
  timeoutMs?: number;
}

/** Where reachMarker left the program (at the marker's count, which it does not measure again) and what it took. */
export interface ReachResult {
  /** Native address of the marker's instruction, where the program now stands. */
  pc: bigint;
  seconds: number;
  /** Counted breakpoint hits and single-steps used. */
  hits: number;
  steps: number;
  /** Locations whose native arrival counts were checked against the plan (perf method). */
  verified: number;
}


/**
 * Drive the program under gdb from the previous point of the plan (the origin for the first
 * marker) to `marker`, and leave it stopped there (EFLAGS.RF cleared). Markers must be reached in
 * plan order, with nothing executed in the program in between (gdb's own breakpoints must not be
 * hit either).
 * @throws InstsError when the native run departs from the plan (a stop elsewhere, the program
 * ending, a hit count or the final address differing from the profile).
 */
export async function reachMarker(session: GdbSession, marker: Marker, native: NativeTarget, options: ReachOptions = {}): Promise<ReachResult> {
  const started = performance.now();
  const method = options.method ?? 'valgrind-perf';
  let maps = native.maps ?? (await readNativeMaps(native.pid));
  // A library loaded during the route (dlopen) is found by reading the maps again.
  const resolve = async (location: CodeLocation): Promise<bigint> => {
    try {
      return await nativeAddress(maps, location);
    } catch {
      maps = await readNativeMaps(native.pid);
      return nativeAddress(maps, location);
    }
  };
  const helper = method === 'valgrind-perf' ? new HwbpHelper(native.pid) : undefined;
  let hits = 0;
  let steps = 0;
  const checks: Array<{ id: number; expected: number; location: string }> = [];
  try {
    if (helper !== undefined) {
      // The arrival at the current stop is not "after" it: resume past it without a breakpoint fault.
      await writeRegister(session, 'eflags', (await readRegister(session, 'eflags')) | RF);
      if (options.verify ?? true) {
        const seen = new Set<bigint>();
        for (const action of marker.route) {
          if (action.kind !== 'hop' || action.sincePrevious > (options.verifyMaxHits ?? 50_000) || checks.length >= 3) continue;
          const address = await nativeAddress(maps, action).catch(() => undefined);
          if (address === undefined || seen.has(address)) continue; // not loaded yet: not checked
          seen.add(address);
          checks.push({ id: await helper.count(address), expected: action.sincePrevious, location: `${action.object}+0x${action.offset.toString(16)}` });
        }
      }
    }
    for (const action of marker.route) {
      if (action.kind === 'hop') {
        const address = await resolve(action);
        if (helper !== undefined) {
          const id = await helper.arm(address, action.hits);
          const stop = await resumeAndWait(session, options.timeoutMs);
          const counted = await helper.close(id);
          if (stop.exited || stop.signalName !== 'SIGTRAP' || stop.frameAddr !== address || counted !== action.hits) {
            throw new InstsError(`reaching position ${marker.count}: expected the ${action.hits}th arrival at 0x${address.toString(16)}, got ${describeStop(stop)} after ${counted} arrivals`, {
              hint: 'the native run departs from the profiling run (see docs/instruction-counting.md, "Divergence")',
            });
          }
        } else {
          const breakpoint = await insertBreakpoint(session, `*0x${address.toString(16)}`, action.hits > 1 ? { ignoreCount: action.hits - 1 } : {});
          const stop = await resumeAndWait(session, options.timeoutMs);
          await deleteBreakpoints(session, [breakpoint.number]);
          if (stop.exited || stop.reason !== 'breakpoint-hit' || stop.breakpointNumber !== breakpoint.number) {
            throw new InstsError(`reaching position ${marker.count}: expected the ${action.hits}th arrival at 0x${address.toString(16)}, got ${describeStop(stop)}`);
          }
        }
        hits += action.hits;
      } else if (action.kind === 'steps') {
        await session.console(`stepi ${action.steps}`);
        const stop = await session.waitForStop(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
        if (stop.exited || stop.reason !== 'end-stepping-range') throw new InstsError(`reaching position ${marker.count}: single-stepping ended with ${describeStop(stop)}`);
        steps += action.steps;
      } else {
        await finishRep(session, helper, options.timeoutMs);
        steps += 1;
      }
    }
    const pc = await readRegister(session, 'pc');
    const target = await resolve(marker);
    if (pc !== target) throw new InstsError(`reaching position ${marker.count}: stopped at 0x${pc.toString(16)}, expected 0x${target.toString(16)}`);
    if (helper !== undefined) {
      const counts = await helper.read();
      for (const check of checks) {
        const seen = counts.get(check.id);
        if (seen !== check.expected) {
          throw new InstsError(`the native run departs from the profiling run before position ${marker.count}: ${seen} arrivals at ${check.location} since the previous point, the profile saw ${check.expected}`, {
            hint: 'see docs/instruction-counting.md, "Divergence"',
          });
        }
      }
      const eflags = await readRegister(session, 'eflags');
      if ((eflags & RF) !== 0n) await writeRegister(session, 'eflags', eflags & ~RF);
    }
    marker.pc = pc;
    return { pc, seconds: (performance.now() - started) / 1000, hits, steps, verified: checks.length };
  } finally {
    helper?.dispose();
  }
}

/** Execute the rep string instruction at the pc, all its iterations. */
async function finishRep(session: GdbSession, helper: HwbpHelper | undefined, timeoutMs: number | undefined): Promise<void> {
  const pc = await readRegister(session, 'pc');
  const length = repStringLength(await readBytes(session, pc, 16));
  if (length === 0) throw new InstsError(`expected a rep string instruction at 0x${pc.toString(16)}`);
  const next = pc + BigInt(length);
  if (helper !== undefined) {
    // A perf breakpoint, not a gdb one: counted checks stay exact (RF semantics, see insts-hwbp.c).
    const id = await helper.arm(next, 1);
    const stop = await resumeAndWait(session, timeoutMs);
    await helper.close(id);
    if (stop.exited || stop.frameAddr !== next) throw new InstsError(`finishing the rep instruction at 0x${pc.toString(16)}: ${describeStop(stop)}`);
  } else {
    const breakpoint = await insertBreakpoint(session, `*0x${next.toString(16)}`, { temporary: true });
    const stop = await resumeAndWait(session, timeoutMs);
    if (stop.exited || stop.reason !== 'breakpoint-hit') {
      await deleteBreakpoints(session, [breakpoint.number]).catch(() => undefined);
      throw new InstsError(`finishing the rep instruction at 0x${pc.toString(16)}: ${describeStop(stop)}`);
    }
  }
}

/** Instruction positions count in one program image: an exec (gdb's `catch exec` stop) ends them. */
export function execRefusal(stop: StopEvent): UnsupportedTargetError {
  return new UnsupportedTargetError(`the program exec'd ${stop.record.results.optStr('new-exec') ?? 'another program'} before the next instruction position; exact instruction counts cover one program image`, {
    hint: 'the checkpoints written so far are kept; checkpoint the exec\'d program with its own create run, or use --interval, which follows execs',
  });
}

/**
 * Execute exactly `n` instructions with gdb single-steps (rep string instructions count once;
 * their iterations are finished with a temporary breakpoint). The `gdb-stepi` method, and an
 * exact way to move a few instructions from any stop.
 */
export async function stepInstructions(session: GdbSession, n: bigint, options: { timeoutMs?: number } = {}): Promise<bigint> {
  let pc = await readRegister(session, 'pc');
  for (let done = 0n; done < n; done++) {
    await execStepInstruction(session);
    const stop = await session.waitForStop(options.timeoutMs === undefined ? {} : options);
    if (stop.exited) throw new InstsError(`the program ended after ${done} of ${n} instructions`);
    if (stop.reason === 'exec') throw execRefusal(stop);
    const next = stop.frameAddr ?? (await readRegister(session, 'pc'));
    if (next === pc && repStringLength(await readBytes(session, pc, 16)) > 0) {
      await finishRep(session, undefined, options.timeoutMs);
      pc = await readRegister(session, 'pc');
    } else {
      pc = next;
    }
  }
  return pc;
}
