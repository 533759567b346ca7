import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lapidary } from '../../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../../helpers/gem5.js';
import { nativeRemainder, restore } from '../../helpers/restore.js';

const work = mkdtempSync(join(tmpdir(), 'lapidary-programs-'));
afterAll(() => { if (!process.env.KEEP) rmSync(work, { recursive: true, force: true }); });

/** Deterministic text input: 3000 lines of 12 words from a small vocabulary (about 280 KB). */
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
  writeFileSync(join(work, 'input.txt'), text(3000));
  writeFileSync(join(work, 'small.txt'), text(1200));
  writeFileSync(join(work, 'script.py'), PYTHON_SCRIPT);
});

/**
 * Real programs from Debian on real inputs: checkpoints taken during the native run restore in
 * gem5 (atomic CPU) and run to completion, writing output byte-identical to the rest of the
 * native run. Inputs are sized so the remainder takes a few minutes of gem5 at most
 * (xz: ~6e7 instructions in all, bzip2: ~5e7, python3: ~8e7).
 */
describe.skipIf(GEM5 === undefined)(`Debian programs restored in gem5 finish byte-identical${GEM5_SKIP_REASON}`, () => {
  it.each([
    ['xz', () => `/usr/bin/xz -1 -c ${join(work, 'input.txt')}`, 0.004],
    ['bzip2', () => `/usr/bin/bzip2 -1 -c ${join(work, 'small.txt')}`, 0.005],
    ['python3', () => `/usr/bin/python3 ${join(work, 'script.py')}`, 0.006],
  ] as const)('%s', async (name, cmd, interval) => {
    const dir = join(work, name);
    const out = join(work, `${name}.out`);
    const made = await lapidary(['create', '--cmd', cmd(), '--interval', String(interval), '--directory', dir, '--max-checkpoints', '3', '--stdout', out], { cwd: work });
    expect(made.exitCode, made.stderr).toBe(0);
    // the native run was stopped after the last checkpoint; run it again to completion for the reference
    const full = join(work, `${name}.full`);
    const reference = await lapidary(['create', '--cmd', cmd(), '--interval', '1000', '--directory', join(work, `${name}-ref`), '--stdout', full], { cwd: work });
    expect(reference.exitCode, reference.stderr).toBe(0);
    const native = readFileSync(full);
    const checkpoints = readdirSync(dir).filter((n) => n.startsWith('cpt.')).sort();
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    const last = join(dir, checkpoints[checkpoints.length - 1]!);
    const restored = await restore(last, join(work, `${name}-m5out`));
    expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/exiting with last active thread context \(code 0\)/);
    const expected = nativeRemainder(native, last);
    expect(restored.programStdout.length).toBe(expected.length);
    expect(restored.programStdout.equals(expected)).toBe(true);
  }, 1_800_000);
});
