import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Pids of live processes whose executable path (or argv[0]) matches `pattern`. */
export function processesMatching(pattern: RegExp): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const exe = (() => { try { return readlinkSync(`/proc/${entry}/exe`); } catch { return ''; } })();
      const argv0 = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0] ?? '';
      if (pattern.test(exe) || pattern.test(argv0)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Wait until no live process matches `pattern` (or `timeoutMs` passes); returns the survivors. */
export async function waitForNoProcess(pattern: RegExp, timeoutMs = 5000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesMatching(pattern);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
