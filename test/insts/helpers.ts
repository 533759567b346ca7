import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { launchTarget, type LaunchedTarget } from '../../src/create/launch.js';
import { GEM5_GLIBC_TUNABLES, targetEnvironment, type NativeEnvironment } from '../../src/create/native-env.js';
import type { GdbSession } from '../../src/gdb/session.js';
import { methodsAvailable, PTRACE_HELPER, type CodeLocation, type InstsMethod, type ProgramSpec } from '../../src/insts/index.js';
import { skipMarker } from '../helpers/skip.js';

/** lapidary's default native environment (what `lapidary create` runs the program with). */
export const NATIVE: NativeEnvironment = { aslr: false, bindNow: true, glibcTunables: GEM5_GLIBC_TUNABLES, opensslIa32cap: '', removeVdso: true };

/** A program as `lapidary create` would run it: lapidary's environment, output to regular files in `work`. */
export function program(exe: string, args: string[], cwd: string, work: string, name: string): ProgramSpec {
  const env = targetEnvironment({ PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: '/root' }, NATIVE, cwd);
  return { exe, argv: [exe.split('/').pop()!, ...args], env, cwd, stdin: '/dev/null', stdout: join(work, `${name}.profile.out`), stderr: join(work, `${name}.profile.err`) };
}

/** The general registers compared between stops (RF is not part of the state: reachMarker clears it). */
export const REGISTERS = ['rip', 'rsp', 'rbp', 'rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'eflags'] as const;
export type Registers = Record<(typeof REGISTERS)[number], bigint>;

export interface SteppedState extends CodeLocation {
  count: bigint;
  regs: Registers;
}

/**
 * The independent reference: the program started natively by lapidary-insts-ptrace (same
 * environment, no ASLR, no vDSO), run to the first arrival at `origin`, then single-stepped
 * instruction by instruction; the state at each position.
 */
export async function ptraceStates(spec: ProgramSpec, origin: CodeLocation, positions: bigint[], work: string): Promise<SteppedState[]> {
  const envFile = join(work, 'ptrace.env');
  writeFileSync(envFile, spec.env.map((e) => `${e}\0`).join(''));
  const { stdout } = await promisify(execFile)(PTRACE_HELPER, [
    '--env-file', envFile, '--cwd', spec.cwd, '--stdin', '/dev/null', '--stdout', join(work, 'ptrace.out'), '--stderr', join(work, 'ptrace.err'),
    '--origin', `${origin.object}@${origin.offset.toString(16)}`, '--steps', positions.join(','), '--', spec.exe, ...spec.argv,
  ], { maxBuffer: 1 << 24 });
  const states: SteppedState[] = [];
  for (const line of stdout.split('\n').filter((l) => l !== '')) {
    const event = JSON.parse(line) as { event: string; count: number; object: string; offset: string; message?: string; regs: Record<string, string> };
    if (event.event === 'error') throw new Error(`lapidary-insts-ptrace: ${event.message}`);
    if (event.event !== 'point') continue;
    const regs = Object.fromEntries(REGISTERS.map((r) => [r, BigInt(event.regs[r]!)])) as Registers;
    states.push({ count: BigInt(event.count), object: event.object, offset: BigInt(event.offset), regs });
  }
  return states;
}

/** The program under gdb, as `lapidary create` starts it, stopped at main. */
export async function launch(spec: ProgramSpec, work: string, name: string): Promise<LaunchedTarget> {
  return launchTarget({
    exe: spec.exe, argv: spec.argv, env: spec.env, cwd: spec.cwd, stdin: '/dev/null',
    stdout: join(work, `${name}.native.out`), stderr: join(work, `${name}.native.err`),
  }, NATIVE, { start: 'main' });
}

/** The general registers of the stopped program, through gdb. */
export async function gdbRegisters(session: GdbSession): Promise<Registers> {
  const regs: Partial<Registers> = {};
  for (const name of REGISTERS) {
    const expression = name === 'eflags' ? '($eflags | 0)' : `(unsigned long)$${name}`;
    const value = (await session.send(`-data-evaluate-expression "${expression}"`)).results.str('value');
    regs[name] = BigInt(value.split(' ')[0]!);
  }
  return regs as Registers;
}

/**
 * The instruction-counting methods usable here, and for each a skip marker ('' when usable) for
 * the tests that need it, with the probe's reason and what enables the method.
 */
export async function methodTiers(): Promise<{ available: Map<InstsMethod, boolean>; skipReason(method: InstsMethod): string }> {
  const methods = await methodsAvailable();
  return {
    available: new Map(methods.map((m) => [m.method, m.available])),
    skipReason(method) {
      const entry = methods.find((m) => m.method === method);
      if (entry === undefined || entry.available) return '';
      const reason = entry.reason ?? 'not available';
      const enable = /valgrind|lapinsts|not built/.test(reason)
        ? 'apt-get install valgrind, then npm test (it rebuilds the native helpers)'
        : 'npm test on a host (not a VM guest) whose kernel delivers hardware breakpoints to perf, with kernel.perf_event_paranoid <= 2';
      return skipMarker({ tier: `instruction positions (${method})`, reason, enable });
    },
  };
}
