import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { CLI } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-psim-');
const env = { ...process.env, GEM5: GEM5 ?? '' };
/** The xz checkpoints, made by beforeAll. */
let cpts: string;
const window = ['--warmup-insts', '1000000', '--detail-insts', '100000'];

interface RunRow { id: string; status: string; failureKind?: string; failureDetail?: string; measurement?: { cpi: number } }
async function records(dir: string, name: string): Promise<RunRow[]> {
  return JSON.parse((await lapidary(['runs', dir, '--name', name, '--json'], { env })).stdout) as RunRow[];
}

/** Wait until no live process has `--outdir=<runs>/…` on its command line; returns the survivors. */
async function waitForNoRun(runs: string, timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`--outdir=${runs}/`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
      } catch {
        return false;
      }
    }).map(Number);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(GEM5 === undefined)(`parallel-simulate with gem5${GEM5_SKIP_REASON}`, () => {
  beforeAll(async () => {
    cpts = join(work(), 'xz');
    const made = await lapidary(['create', '--bench', 'xz', '--size', 'small', '--interval', '0.01', '--directory', cpts, '--max-checkpoints', '5'], { env });
    expect(made.exitCode, made.stderr).toBe(0);
  }, 600_000);

  it('runs every checkpoint with -j 2, reports CPI with a confidence interval and an SVG, skips identical runs, and reruns them on request', async () => {
    const first = await lapidary(['parallel-simulate', '-d', cpts, '-j', '2', '--cpu', 'o3', ...window, '--name', 'o3'], { env, timeoutMs: 3_600_000 });
    expect(first.exitCode, first.stderr).toBe(0);
    const runs = await records(cpts, 'o3');
    expect(runs.map((r) => r.status)).toEqual(Array(runs.length).fill('Finished'));
    expect(runs.length).toBe(readdirSync(cpts).filter((n) => /^cpt\.\d+$/.test(n)).length);
    const report = await lapidary(['report', cpts, '--name', 'o3'], { env });
    expect(report.exitCode, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/mean CPI \d+\.\d{4} ± \d+\.\d{4} \(95% CI \d+\.\d{4} – \d+\.\d{4}/);
    for (const r of runs) expect(report.stdout).toContain(r.id);
    expect(readFileSync(join(cpts, 'report-o3.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const second = await lapidary(['parallel-simulate', '-d', cpts, '-j', '2', '--cpu', 'o3', ...window, '--name', 'o3'], { env });
    expect(second.stderr).toMatch(new RegExp(`0 finished, 0 failed, 0 timed out, 0 killed, ${runs.length} skipped`));
    const third = await lapidary(['parallel-simulate', '-d', cpts, '-j', '2', '--cpu', 'o3', ...window, '--name', 'o3', '--rerun'], { env, timeoutMs: 3_600_000 });
    expect(third.stderr).toMatch(new RegExp(`${runs.length} finished, 0 failed`));
    const again = await records(cpts, 'o3');
    // the same checkpoints and parameters give the same statistics
    expect(again.map((r) => r.measurement?.cpi)).toEqual(runs.map((r) => r.measurement?.cpi));
  }, 3_600_000);

  it('records a corrupted checkpoint, a timeout and an interrupt without losing the other runs, and leaves no gem5 behind', async () => {
    const faulty = join(work(), 'faulty');
    cpSync(cpts, faulty, { recursive: true, filter: (src) => !src.includes('/runs') && !src.endsWith('.sqlite') && !src.endsWith('-wal') && !src.endsWith('-shm') });
    const m5cpt = join(faulty, 'cpt.2', 'm5.cpt');
    writeFileSync(m5cpt, readFileSync(m5cpt, 'utf8').replace(/^regVal=(\d+ )/m, 'regVal='));
    // a hand edit that also fixes the manifest's sha256 (else lapidary refuses the checkpoint itself): gem5 must refuse it
    const manifestPath = join(faulty, 'cpt.2', 'lapidary.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { checksums: Record<string, string> };
    manifest.checksums['m5.cpt'] = createHash('sha256').update(readFileSync(m5cpt)).digest('hex');
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    const run = await lapidary(['parallel-simulate', '-d', faulty, '-j', '2', '--cpu', 'timing', ...window, '--name', 'faults'], { env, timeoutMs: 3_600_000 });
    expect(run.exitCode).toBe(1);
    const byId = new Map((await records(faulty, 'faults')).map((r) => [r.id, r]));
    expect(byId.get('faults-cpt.2')).toMatchObject({ status: 'Failed', failureKind: 'fatal' });
    expect(byId.get('faults-cpt.2')!.failureDetail).toMatch(/regVal/);
    expect([...byId.values()].filter((r) => r.status === 'Finished').length).toBe(byId.size - 1);

    const slow = await lapidary(['parallel-simulate', '-d', faulty, '-j', '2', '--cpu', 'o3', '--warmup-insts', '50000000', '--detail-insts', '100000', '--timeout', '5', '--name', 'slow'], { env, timeoutMs: 600_000 });
    expect(slow.exitCode).toBe(1);
    expect((await records(faulty, 'slow')).every((r) => r.status === 'Timeout' || r.status === 'Failed')).toBe(true);
    expect((await records(faulty, 'slow')).some((r) => r.status === 'Timeout' && r.failureKind === 'timeout')).toBe(true);

    const child = execa('node', [CLI, 'parallel-simulate', '-d', faulty, '-j', '2', '--cpu', 'o3', '--warmup-insts', '50000000', '--name', 'interrupted'], { env, reject: false });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !existsSync(join(faulty, 'runs', 'interrupted', 'cpt.1', 'simout.txt'))) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 2000));
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(130);
    // the corrupted checkpoint fails at once by itself; every other run is stopped by the interrupt
    const interrupted = await records(faulty, 'interrupted');
    expect(interrupted.map((r) => r.status)).toEqual(interrupted.map((r) => (r.id === 'interrupted-cpt.2' ? 'Failed' : 'Killed')));
    expect(interrupted.find((r) => r.status === 'Killed')).toMatchObject({ failureKind: 'interrupted' });
    // this test's own gem5 runs (their command lines name its run directories), not other gem5 runs on the machine
    expect(await waitForNoRun(join(faulty, 'runs'), 10_000)).toEqual([]);
  }, 3_600_000);
});
