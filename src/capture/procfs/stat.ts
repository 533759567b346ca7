import type { ProcAccess } from '../proc-access.js';

/**
 * The fields of /proc/PID/stat lapidary needs (proc(5), "/proc/pid/stat"; fields numbered from 1).
 * The comm field (2) may contain spaces and parentheses, so parsing starts after its last ')'.
 */
export interface ProcStat {
  /** Field 3: R, S, D, t (tracing stop), Z, … */
  state: string;
  /** Field 20: number of threads. */
  numThreads: number;
  /** Field 22: when the process started, in clock ticks after boot; with the pid, it names one process (pids are reused). */
  startTime: bigint;
  /** Field 47: address above which the program heap can be expanded with brk(2) (bytes). */
  startBrk: bigint;
}

export function parseStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error(`malformed /proc/PID/stat: ${JSON.stringify(text)}`);
  // fields[0] is field 3 (state).
  const fields = text.slice(close + 2).trim().split(' ');
  const field = (n: number): string => {
    const value = fields[n - 3];
    if (value === undefined) throw new Error(`/proc/PID/stat has no field ${n}`);
    return value;
  };
  return { state: field(3), numThreads: Number(field(20)), startTime: BigInt(field(22)), startBrk: BigInt(field(47)) };
}

export async function readStat(proc: ProcAccess, pid: number): Promise<ProcStat> {
  return parseStat((await proc.readFile(`/proc/${pid}/stat`)).toString('utf8'));
}
