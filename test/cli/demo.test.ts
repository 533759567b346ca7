import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { ROOT } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const workDir = testWorkDir('lapidary-demo-');
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
/** The demo's stop policy: a checkpoint every 20,000,000 instructions of xz (small) from main. */
const EVERY = 20_000_000n;

/** Run the README's demo (built dist/, as npm run demo does after building) in a directory of its own. */
async function demo(name: string, env: NodeJS.ProcessEnv, gem5?: string) {
  const cwd = join(workDir(), name);
  mkdirSync(cwd, { recursive: true });
  if (gem5 !== undefined) writeFileSync(join(cwd, 'lapidary.yaml'), `gem5_path: ${gem5}\n`);
  const result = await execa('node', [join(ROOT, 'scripts', 'demo.mjs')], { cwd, env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 900_000 });
  return { ...result, cwd, checkpoints: join(cwd, 'demo-output', 'xz-checkpoints') };
}

/** Each checkpoint's index, position and registers, from its manifest. */
function positions(checkpoints: string): Array<{ index: number; instructions: string; rip: string; rsp: string }> {
  return readdirSync(checkpoints).filter((n) => /^cpt\.\d+$/.test(n)).map((n) => {
    const manifest = JSON.parse(readFileSync(join(checkpoints, n, 'lapidary.json'), 'utf8')) as { instructions: string; registers: { rip: string; rsp: string } };
    return { index: Number(n.slice(4)), instructions: manifest.instructions, rip: manifest.registers.rip, rsp: manifest.registers.rsp };
  }).sort((a, b) => a.index - b.index);
}

const { GEM5: _ignored, ...envWithoutGem5 } = process.env;

describe('npm run demo', () => {
  let first: ReturnType<typeof positions> = [];

  it('without gem5: exits 3, takes the same 15 checkpoints at exact instruction counts, and says how to get gem5 and what to run next', async () => {
    const result = await demo('run-a', envWithoutGem5);
    expect(result.exitCode, result.stderr).toBe(3);
    first = positions(result.checkpoints);
    expect(first.map((p) => p.instructions)).toEqual(Array.from({ length: 15 }, (_, k) => String(EVERY * BigInt(k + 1))));
    expect(result.stderr).toContain('nothing was simulated: gem5 was not found (no GEM5 environment variable, no gem5_path in lapidary.yaml)');
    expect(result.stderr).toContain('    git clone --depth 1 --branch v24.0.0.1 https://github.com/gem5/gem5.git ~/gem5\n    lapidary gem5 build --source ~/gem5\n');
    expect(result.stderr).toContain('lapidary simulate --start-checkpoint demo-output/xz-checkpoints/cpt.15 --outdir demo-output/m5out');
    expect(result.stderr).not.toMatch(STACK_FRAME);
  }, 900_000);

  it('exits with lapidary\'s status and its error, not a stack trace, when a step fails (no gdb)', async () => {
    const bin = join(workDir(), 'node-only-bin');
    mkdirSync(bin, { recursive: true });
    if (!existsSync(join(bin, 'node'))) symlinkSync(process.execPath, join(bin, 'node'));
    const result = await demo('no-gdb', { PATH: bin });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error\[LAPIDARY_GDB_DIED\]: gdb is not installed/m);
    expect(result.stderr).toContain('lapidary demo: taking checkpoints failed (exit status 1)');
    expect(result.stderr).not.toMatch(STACK_FRAME);
  }, 120_000);

  it.skipIf(GEM5 === undefined)(`with gem5: exits 0 after simulating the last checkpoint, whose checkpoints are those of the run before${GEM5_SKIP_REASON}`, async () => {
    // The same environment (the program's stack holds it): gem5 is found through lapidary.yaml.
    const result = await demo('run-b', envWithoutGem5, GEM5!);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(positions(result.checkpoints)).toEqual(first);
    expect(result.stdout).toMatch(/^exit cause: exiting with last active thread context \(code 0\)/m);
    expect(existsSync(join(result.cwd, 'demo-output', 'm5out', 'stats.txt'))).toBe(true);
  }, 900_000);
});
