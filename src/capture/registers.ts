import { MiFormatError } from '../errors.js';
import type { Diagnostic, GeneralRegisters, ThreadState } from '../process/types.js';

/**
 * gdb register names lapidary captures (gdb's amd64-linux target description, GDB manual
 * "Registers" and "i386 Features"). Values are read with `-data-list-register-values r`
 * (raw format): `0x` + zero-padded hex for scalars, 20 hex digits (big-endian) for st0-7,
 * and a union text containing `uint128 = 0x…` for xmm0-15.
 */
export const CAPTURED_REGISTERS = [
  'rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip', 'eflags',
  'cs', 'ss', 'ds', 'es', 'fs', 'gs', 'fs_base', 'gs_base', 'orig_rax',
  'st0', 'st1', 'st2', 'st3', 'st4', 'st5', 'st6', 'st7',
  'fctrl', 'fstat', 'ftag', 'fop', 'fioff', 'fooff', 'mxcsr',
  ...Array.from({ length: 16 }, (_, i) => `xmm${i}`),
] as const;

/** Kernel "restart this system call" return values (include/linux/errno.h). */
const ERESTARTSYS = -512n;
const ERESTARTNOINTR = -513n;
const ERESTARTNOHAND = -514n;
/** The kernel continues such a call through restart_syscall (219) with the state it saved (e.g. the time left). */
const ERESTART_RESTARTBLOCK = -516n;
const RESTARTS = new Set([ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK]);
/** Length of the `syscall` instruction (0f 05), bytes. */
const SYSCALL_INSN_BYTES = 2n;

function scalar(values: ReadonlyMap<string, string>, name: string): bigint {
  const text = values.get(name);
  if (text === undefined || !/^0x[0-9a-f]+$/i.test(text)) {
    throw new MiFormatError(`register ${name}: expected a raw hex value, got ${JSON.stringify(text)}`);
  }
  return BigInt(text);
}

/** Big-endian hex of `bytes` bytes → little-endian byte array. */
function hexToLittleEndian(hex: string, bytes: number, name: string): Uint8Array {
  const digits = hex.replace(/^0x/i, '').padStart(bytes * 2, '0');
  if (digits.length !== bytes * 2 || !/^[0-9a-f]+$/i.test(digits)) {
    throw new MiFormatError(`register ${name}: expected ${bytes} bytes of hex, got ${JSON.stringify(hex)}`);
  }
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[bytes - 1 - i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function xmm(values: ReadonlyMap<string, string>, name: string): Uint8Array {
  const text = values.get(name) ?? '';
  const m = /uint128 = (0x[0-9a-f]+)/i.exec(text);
  if (!m) throw new MiFormatError(`register ${name}: no uint128 member in ${JSON.stringify(text)}`);
  return hexToLittleEndian(m[1]!, 16, name);
}

const signed64 = (value: bigint): bigint => BigInt.asIntN(64, value);

/**
 * Build a ThreadState from gdb's raw register values (name → text).
 * If the thread stopped inside a system call the kernel would restart (RAX = -ERESTART*,
 * ORIG_RAX = the call), the restart is applied as the kernel applies it on resumption
 * without a handler (arch/x86/kernel/signal.c, arch_do_signal_or_restart): RIP moves back
 * onto the `syscall` instruction and RAX becomes the system call number again.
 * @throws MiFormatError when a register is missing or malformed.
 */
export function threadStateFromRegisters(values: ReadonlyMap<string, string>, tid: number): ThreadState {
  const g = (name: string): bigint => scalar(values, name);
  const gpr: GeneralRegisters = {
    rax: g('rax'), rbx: g('rbx'), rcx: g('rcx'), rdx: g('rdx'), rsi: g('rsi'), rdi: g('rdi'),
    rbp: g('rbp'), rsp: g('rsp'), r8: g('r8'), r9: g('r9'), r10: g('r10'), r11: g('r11'),
    r12: g('r12'), r13: g('r13'), r14: g('r14'), r15: g('r15'), rip: g('rip'), rflags: g('eflags'),
  };
  const thread: ThreadState = {
    tid,
    gpr,
    segments: {
      cs: Number(g('cs')), ss: Number(g('ss')), ds: Number(g('ds')), es: Number(g('es')),
      fs: Number(g('fs')), gs: Number(g('gs')), fsBase: g('fs_base'), gsBase: g('gs_base'),
    },
    x87: {
      st: Array.from({ length: 8 }, (_, i) => hexToLittleEndian(values.get(`st${i}`) ?? '', 10, `st${i}`)),
      fcw: Number(g('fctrl')), fsw: Number(g('fstat')), ftw: Number(g('ftag')), fop: Number(g('fop')),
      fioff: g('fioff'), fooff: g('fooff'),
    },
    sse: { xmm: Array.from({ length: 16 }, (_, i) => xmm(values, `xmm${i}`)), mxcsr: Number(g('mxcsr')) },
  };
  const origRax = signed64(g('orig_rax'));
  const interruptedRax = signed64(gpr.rax);
  if (origRax >= 0n && RESTARTS.has(interruptedRax)) {
    gpr.rip -= SYSCALL_INSN_BYTES;
    gpr.rax = origRax;
    thread.restartedSyscall = { number: Number(origRax), interruptedRax };
  }
  return thread;
}

/** Names of the system calls the restart notes mention (arch/x86/entry/syscalls/syscall_64.tbl). */
const SYSCALL_NAMES: Record<number, string> = { 7: 'poll', 35: 'nanosleep', 202: 'futex', 230: 'clock_nanosleep', 271: 'ppoll' };

/**
 * What restarting an interrupted system call at restore means. Calls the kernel restarts as
 * they were (-ERESTARTSYS, -ERESTARTNOINTR, -ERESTARTNOHAND) restart the same way in gem5. A
 * call it would continue through restart_syscall (-ERESTART_RESTARTBLOCK: nanosleep,
 * clock_nanosleep, poll, futex with a timeout) cannot be continued so in gem5 v24, which has no
 * restart_syscall (src/arch/x86/linux/syscall_tbl64.cc:269, no handler: fatal), so it restarts
 * with its original arguments and a relative timeout starts again in full.
 */
export function restartNote(restart: { number: number; interruptedRax: bigint }): Diagnostic {
  const name = SYSCALL_NAMES[restart.number] ?? `system call ${restart.number}`;
  if (restart.interruptedRax !== ERESTART_RESTARTBLOCK) {
    return { severity: 'info', message: `stopped inside ${name}; it restarts after restore, as it would natively` };
  }
  const gem5 = restart.number === 230
    ? '; gem5 v24 does not implement clock_nanosleep either (syscall_tbl64.cc:280): the restore stops there with a fatal error'
    : restart.number === 35 ? ' (gem5 returns from nanosleep at once: syscall_tbl64.cc:77)' : '';
  return {
    severity: restart.number === 230 ? 'warning' : 'info',
    message: `stopped inside ${name}, which the kernel would continue with restart_syscall for the time left; gem5 v24 has no restart_syscall (src/arch/x86/linux/syscall_tbl64.cc:269), so ${name} restarts with its original arguments after restore: a relative timeout starts again in full${gem5}`,
  };
}
