import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStats, readCpi } from '../../src/gem5/run/stats.js';
import { lapidary } from '../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-accuracy-');
const env = { ...process.env, ITEMS: '48', GEM5: GEM5 ?? '' };

/**
 * Sampling accuracy: fixtures/c/phases.c (about 2e7 instructions in 48 equal work items of four
 * kinds) is simulated whole from main in gem5's O3 CPU; 24 SMARTS samples (checkpoints at every
 * other item boundary, 200k detailed warm-up + 50k measured instructions each) estimate its CPI.
 * The 95% confidence interval of the sampled mean must contain the full-run CPI.
 */
describe.skipIf(GEM5 === undefined)(`sampled CPI against the full detailed run${GEM5_SKIP_REASON}`, () => {
  it('has a confidence interval that contains the full-run CPI', async () => {
    const samples = join(work(), 'samples');
    const commands = ['checkpoint', ...Array.from({ length: 23 }, () => ['gdb ignore 2 1', 'continue', 'checkpoint']).flat(), 'exit', ''];
    writeFileSync(join(work(), 'samples.commands'), commands.join('\n'));
    const made = await lapidary(['create', '--cmd', fixture('phases'), '--breakpoints', 'item_done', '--directory', samples,
      '--commands', join(work(), 'samples.commands'), '--stdout', '/dev/null'], { env });
    expect(made.exitCode, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/24 checkpoint\(s\)/);

    const batch = await lapidary(['parallel-simulate', '-d', samples, '-j', '2', '--cpu', 'o3', '--warmup-insts', '200000', '--detail-insts', '50000', '--name', 'o3'], { env, timeoutMs: 3_600_000 });
    expect(batch.exitCode, batch.stderr).toBe(0);
    const report = await lapidary(['report', samples, '--name', 'o3', '--format', 'json', '--confidence', '0.95'], { env });
    expect(report.exitCode, report.stderr).toBe(0);
    const estimate = (JSON.parse(report.stdout) as { estimate: { mean: number; ciLow: number; ciHigh: number; n: number } }).estimate;
    expect(estimate.n).toBe(24);

    writeFileSync(join(work(), 'main.commands'), 'checkpoint\nexit\n');
    const atMain = join(work(), 'main');
    const made2 = await lapidary(['create', '--cmd', fixture('phases'), '--breakpoints', 'main', '--directory', atMain, '--commands', join(work(), 'main.commands'), '--stdout', '/dev/null'], { env });
    expect(made2.exitCode, made2.stderr).toBe(0);
    const full = await lapidary(['simulate', '--start-checkpoint', join(atMain, 'cpt.1'), '--cpu', 'o3', '--outdir', join(work(), 'full')], { env, timeoutMs: 3_600_000 });
    expect(full.exitCode, full.stdout + full.stderr).toBe(0);
    const dumps = parseStats(readFileSync(join(work(), 'full', 'stats.txt'), 'utf8'));
    const fullCpi = readCpi(dumps[dumps.length - 1]!, 'system.switch_cpus').cpi;
    console.log(`sampled CPI ${estimate.mean.toFixed(4)} (95% CI ${estimate.ciLow.toFixed(4)} – ${estimate.ciHigh.toFixed(4)}, n = ${estimate.n}); full-run CPI ${fullCpi.toFixed(4)}`);
    expect(fullCpi).toBeGreaterThanOrEqual(estimate.ciLow);
    expect(fullCpi).toBeLessThanOrEqual(estimate.ciHigh);
  }, 3_600_000);
});
