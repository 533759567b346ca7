import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { fixture } from '../helpers/paths.js';
import { SLURM_AVAILABLE, SLURM_SKIP_REASON, startSlurmCluster, type SlurmCluster } from '../helpers/slurm.js';

/**
 * The gem5 half of the Slurm tests: a real checkpoint directory simulated by real gem5 through a
 * real one-node Slurm cluster gives `lapidary report` the same CPI, run by run, as the local
 * pool does for the same runs. Skipped (with the reason) without gem5 or without Slurm.
 */
const enabled = GEM5 !== undefined && SLURM_AVAILABLE;
let work: string | undefined;
let checkpoints: string;
let cluster: SlurmCluster | undefined;

beforeAll(async () => {
  if (!enabled) return;
  work = mkdtempSync(join(tmpdir(), 'lapidary-slurm-gem5-'));
  checkpoints = join(work, 'cpts');
  cluster = await startSlurmCluster({ defMemPerCpuMiB: 3000 });
  const made = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.05', '--directory', checkpoints, '--max-checkpoints', '3', '--stdout', '/dev/null'], { env: { ...process.env, STEP_MS: '20' } });
  expect(made.exitCode, made.stderr).toBe(0);
});

afterAll(async () => {
  if (cluster !== undefined) expect(await cluster.stop()).toEqual([]);
  if (work !== undefined && process.env.KEEP !== '1') rmSync(work, { recursive: true, force: true });
});

interface Row { id: string; checkpoint: string; status: string; cpi?: number; cycles?: number; instructions?: number }

describe.skipIf(!enabled)(`Slurm executor with real gem5${GEM5_SKIP_REASON}${SLURM_SKIP_REASON}`, () => {
  it('simulates a checkpoint directory through Slurm; lapidary report gives the same CPI as the local pool', async () => {
    const env = { ...cluster!.env, GEM5: GEM5! };
    const sample = ['--warmup-insts', '10000', '--detail-insts', '20000', '--cpu', 'o3'];
    const local = await lapidary(['parallel-simulate', '-d', checkpoints, '--name', 'local', '-j', '2', ...sample], { env });
    expect(local.exitCode, local.stderr).toBe(0);
    const slurm = await lapidary(['parallel-simulate', '-d', checkpoints, '--name', 'slurm', '--executor', 'slurm', '--poll-interval', '1', '--time', '10', ...sample], { env });
    expect(slurm.exitCode, slurm.stderr).toBe(0);
    expect(slurm.stderr).toMatch(/submitted Slurm array \d+ \(3 runs\)/);

    const report = await lapidary(['report', checkpoints, '--name', 'local', '--name', 'slurm', '--format', 'json', '--no-plot'], { env });
    expect(report.exitCode, report.stderr).toBe(0);
    const rows = (JSON.parse(report.stdout) as { rows: Row[] }).rows;
    const of = (name: string) => rows.filter((r) => r.id.startsWith(`${name}-`)).map(({ checkpoint, status, cpi, cycles, instructions }) => ({ checkpoint, status, cpi, cycles, instructions }));
    expect(of('slurm')).toHaveLength(3);
    expect(of('slurm').every((r) => r.status === 'ok' && r.cpi! > 0)).toBe(true);
    expect(of('slurm')).toEqual(of('local'));

    // the same files in every run directory, plus the outcome run-task wrote
    for (const cpt of ['cpt.1', 'cpt.2', 'cpt.3']) {
      const slurmDir = join(checkpoints, 'runs', 'slurm', cpt);
      expect(readdirSync(slurmDir).sort()).toEqual([...readdirSync(join(checkpoints, 'runs', 'local', cpt)), 'outcome.json'].sort());
      expect(JSON.parse(readFileSync(join(slurmDir, 'outcome.json'), 'utf8'))).toMatchObject({ outcome: { result: { cause: 'lapidary detailed region done' } } });
    }
  }, 600_000);
});
