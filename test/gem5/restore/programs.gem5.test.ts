import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkpointNames } from '../../helpers/checkpoints.js';
import { lapidary } from '../../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../../helpers/gem5.js';
import { nativeRemainder, restore } from '../../helpers/restore.js';
import { testWorkDir } from '../../helpers/work-dir.js';

const work = testWorkDir('lapidary-programs-');

/** Deterministic text input: lines of 12 words from a small vocabulary (about 93 bytes a line). */
function text(lines: number): string {
  const words = ['lapidary', 'gem5', 'checkpoint', 'sample', 'cache', 'branch', 'pipeline', 'memory', 'instruction', 'cycle', 'vector', 'kernel'];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  return Array.from({ length: lines }, () => Array.from({ length: 12 }, () => words[next() % words.length]).join(' ')).join('\n') + '\n';
}

const PYTHON_SCRIPT = `
import hashlib
total = 0
for i in range(1, 4001):
    total = (total * 31 + i * i) % 1000000007
    if i % 500 == 0:
        print(i, total, hashlib.sha256(str(total).encode()).hexdigest()[:16], flush=True)
print("done", sum(len(str(k)) for k in range(20000)))
`;

beforeAll(() => {
  writeFileSync(join(work(), 'input.txt'), text(15000));
  writeFileSync(join(work(), 'script.py'), PYTHON_SCRIPT);
});

/**
 * Real programs from Debian on real inputs: checkpoints taken during the native run restore in
 * gem5 (atomic CPU) and run to completion, writing output byte-identical to the rest of the
 * native run. Inputs are sized so the remainder takes a few minutes of gem5 at most
 * (xz -1 on 1.4 MB: ~1e8 instructions in all, bzip2 -1 on 1.4 MB: ~5e8, python3: ~8e7; the remainder after the last checkpoint is far less).
 */
describe.skipIf(GEM5 === undefined)(`Debian programs restored in gem5 finish byte-identical${GEM5_SKIP_REASON}`, () => {
  it.each([
    // liblzma 5.4's default CRC64 check picks PCLMULQDQ by its own CPUID test (no environment
    // switch; gem5 v24 lacks the instruction): CRC32 is computed without it. --vm covers the default.
    ['xz', () => `/usr/bin/xz -1 --check=crc32 -c ${join(work(), 'input.txt')}`, 0.005],
    ['bzip2', () => `/usr/bin/bzip2 -1 -c ${join(work(), 'input.txt')}`, 0.02],
    ['python3', () => `/usr/bin/python3 ${join(work(), 'script.py')}`, 0.006],
  ] as const)('%s', async (name, cmd, interval) => {
    const dir = join(work(), name);
    const out = join(work(), `${name}.out`);
    // The native run goes on to its end after each checkpoint, so `out` holds its whole output,
    // and the last checkpoint lies within one interval of the end (a short remainder for gem5).
    const made = await lapidary(['create', '--cmd', cmd(), '--interval', String(interval), '--directory', dir, '--stdout', out], { cwd: work() });
    expect(made.exitCode, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/the program exited with status 0/);
    const native = readFileSync(out);
    const checkpoints = checkpointNames(dir);
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    const last = join(dir, checkpoints[checkpoints.length - 1]!);
    const restored = await restore(last, join(work(), `${name}-m5out`));
    expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/exiting with last active thread context \(code 0\)/);
    const expected = nativeRemainder(native, last);
    expect(restored.programStdout.length).toBe(expected.length);
    expect(restored.programStdout.equals(expected)).toBe(true);
  }, 1_800_000);
});
