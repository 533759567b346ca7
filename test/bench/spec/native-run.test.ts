import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRunDir, resolveBenchmark, type SpecInvocation } from '../../../src/bench/spec/index.js';
import { compileFakeBenchmark, makeFakeSpec } from './fake-install.js';

let scratch: string;
let root: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'lapidary-spec-native-'));
  root = makeFakeSpec(compileFakeBenchmark(scratch), { only: ['503.bwaves_r', '500.perlbench_r'] });
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** Run one invocation as specinvoke does (`exe argv… < stdin > stdout 2>> stderr`), without a shell. */
async function runNative(inv: SpecInvocation): Promise<Map<string, string>> {
  const result = await execa(inv.exe, inv.argv, {
    cwd: inv.runDir,
    env: inv.env,
    stdin: inv.stdin === undefined ? 'ignore' : { file: inv.stdin },
    stdout: { file: inv.stdout },
    stderr: { file: inv.stderr, append: true },
    shell: false,
  });
  expect(result.exitCode).toBe(0);
  const report = new Map<string, string>();
  for (const line of readFileSync(inv.stdout, 'utf8').split('\n').filter(Boolean)) {
    const eq = line.indexOf('=');
    report.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return report;
}

describe('running a resolved invocation natively', () => {
  it('wires argv, stdin and the run directory like specinvoke (503.bwaves_r test #2)', async () => {
    const r = resolveBenchmark('bwaves_r', { specRoot: root, size: 'test', invocation: 2 });
    const { resolution } = await prepareRunDir(r, join(scratch, 'ws'));
    const inv = resolution.invocations[0]!;
    expect(inv.index).toBe(2);
    const out = await runNative(inv);
    expect(out.get('cwd')).toBe(resolution.runDir);
    expect(out.get('argc')).toBe('2');
    expect(out.get('argv[1]')).toBe('bwaves_2');
    expect(Number(out.get('stdin_bytes'))).toBe(statSync(join(resolution.runDir, 'bwaves_2.in')).size);
    expect(inv.stdout).toBe(join(resolution.runDir, 'bwaves_2.out'));
  });

  it('runs every invocation of a size in order (500.perlbench_r train)', async () => {
    const { resolution } = await prepareRunDir(resolveBenchmark('500.perlbench_r', { specRoot: root, size: 'train' }), join(scratch, 'ws'));
    const seen: string[][] = [];
    for (const inv of resolution.invocations) {
      const out = await runNative(inv);
      const argc = Number(out.get('argc'));
      seen.push(Array.from({ length: argc - 1 }, (_, i) => out.get(`argv[${i + 1}]`)!));
      expect(Number(out.get('stdin_bytes'))).toBe(inv.stdin === undefined ? 0 : statSync(inv.stdin).size);
    }
    expect(seen).toEqual(resolution.invocations.map((i) => [...i.argv]));
    expect(seen[2]).toEqual(['-I.', '-I./lib', 'scrabbl.pl']);
  });
});
