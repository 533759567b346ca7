import type { ProcAccess } from '../proc-access.js';

/**
 * The VmFlags of each mapping in /proc/PID/smaps (proc(5), "/proc/pid/smaps"), keyed by the
 * mapping's start address. Two-letter codes, e.g. `rd wr mr mw me ac`; `dc` is MADV_DONTFORK
 * ("do not copy area on fork") and `wf` MADV_WIPEONFORK ("wipe on fork").
 */
export function parseVmFlags(text: string): Map<bigint, string[]> {
  const flags = new Map<bigint, string[]>();
  let current: bigint | undefined;
  for (const line of text.split('\n')) {
    const header = /^([0-9a-f]+)-[0-9a-f]+ /.exec(line);
    if (header) {
      current = BigInt(`0x${header[1]}`);
    } else if (line.startsWith('VmFlags:') && current !== undefined) {
      flags.set(current, line.slice('VmFlags:'.length).trim().split(/\s+/).filter((f) => f !== ''));
    }
  }
  return flags;
}

export async function readVmFlags(proc: ProcAccess, pid: number): Promise<Map<bigint, string[]>> {
  return parseVmFlags((await proc.readFile(`/proc/${pid}/smaps`)).toString('utf8'));
}
