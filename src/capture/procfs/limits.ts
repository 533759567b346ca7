import type { ProcAccess } from '../proc-access.js';

/**
 * The soft RLIMIT_STACK from /proc/PID/limits (proc(5), "/proc/pid/limits"), in bytes;
 * `undefined` when it is "unlimited".
 */
export function parseStackLimit(text: string): bigint | undefined {
  const m = /^Max stack size\s+(\S+)\s+/m.exec(text);
  if (!m) throw new Error('no "Max stack size" line in /proc/PID/limits');
  return m[1] === 'unlimited' ? undefined : BigInt(m[1]!);
}

export async function readStackLimit(proc: ProcAccess, pid: number): Promise<bigint | undefined> {
  return parseStackLimit((await proc.readFile(`/proc/${pid}/limits`)).toString('utf8'));
}
