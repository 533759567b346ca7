import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { SLURM_AVAILABLE, SLURM_SKIP_REASON, startSlurmCluster, type SlurmCluster } from '../helpers/slurm.js';
import { writeStandin } from './standin.js';

/**
 * A batch larger than the cluster's MaxArraySize goes out as several arrays. A cluster of its
 * own (MaxArraySize=2 in its slurm.conf), so the other Slurm tests keep one array per batch.
 */
let work: string;
let cluster: SlurmCluster;
let standin: ReturnType<typeof writeStandin>;

beforeAll(async () => {
  if (!SLURM_AVAILABLE) return;
  work = mkdtempSync(join(tmpdir(), 'lapidary-slurm-split-'));
  standin = writeStandin(join(work, 'standin'));
  cluster = await startSlurmCluster({ maxArraySize: 2 });
  const made = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.05', '--directory', join(work, 'cpts'), '--max-checkpoints', '3', '--stdout', '/dev/null'], { env: { ...process.env, STEP_MS: '20' } });
  expect(made.exitCode, made.stderr).toBe(0);
});

afterAll(async () => {
  if (cluster !== undefined) expect(await cluster.stop()).toEqual([]);
  if (work !== undefined && process.env.KEEP !== '1') rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!SLURM_AVAILABLE)(`Slurm arrays split at the cluster's MaxArraySize${SLURM_SKIP_REASON}`, () => {
  it('submits a 3-run batch as arrays of 2 and 1 runs, and tracks both to the end', async () => {
    const env = { ...cluster.env, GEM5: standin.gem5 };
    // the cluster refuses the single array the batch would otherwise be
    const single = await cluster.run('sbatch', ['--test-only', '--array=0-2', '--output=/dev/null', '--wrap', 'true']);
    expect(single.stderr).toMatch(/Invalid job array specification/);

    const cpts = join(work, 'cpts');
    const result = await lapidary(['parallel-simulate', '-d', cpts, '--name', 'split', '--executor', 'slurm', '--poll-interval', '1'], { env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/submitted Slurm array \d+ \(2 runs\)[\s\S]*submitted Slurm array \d+ \(1 runs\)/);
    const listed = await lapidary(['runs', cpts, '--name', 'split', '--json'], { env });
    const records = JSON.parse(listed.stdout) as Array<{ status: string; jobId: string; taskId: string; measurement?: { cpi: number } }>;
    expect(records.map((r) => [r.status, r.taskId, r.measurement?.cpi])).toEqual([
      ['Finished', '0', standin.cpi('cpt.1')], ['Finished', '1', standin.cpi('cpt.2')], ['Finished', '0', standin.cpi('cpt.3')],
    ]);
    expect(records[1]!.jobId).toBe(records[0]!.jobId);
    expect(records[2]!.jobId).not.toBe(records[0]!.jobId);
    expect(readdirSync(join(cpts, 'slurm', 'split')).map((d) => d.slice(d.lastIndexOf('.') + 1)).sort()).toEqual(['0', '1']);
  }, 180_000);
});
