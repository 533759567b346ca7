import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';
import { standinProcesses, writeStandin } from '../slurm/standin.js';

/**
 * Faults of one run that must not sink the other runs of a local batch, and batches that must
 * not be lost or doubled. gem5 is the stand-in of test/slurm/standin.ts (through GEM5): these
 * faults (a result line cut short, an info.json lapidary cannot write) are not ones real gem5
 * can be made to produce on demand. The checkpoints are real ones of the int-loop fixture.
 */
const work = testWorkDir('lapidary-batch-faults-');
let checkpoints: string;
let standin: ReturnType<typeof writeStandin>;
const env = () => ({ ...process.env, GEM5: standin.gem5 });

interface Row { id: string; status: string; failureKind?: string; failureDetail?: string; measurement?: { cpi: number } }
async function records(name: string): Promise<Row[]> {
  const listed = await lapidary(['runs', checkpoints, '--name', name, '--json'], { env: env() });
  expect(listed.exitCode, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as Row[];
}

beforeAll(async () => {
  checkpoints = join(work(), 'cpts');
  standin = writeStandin(join(work(), 'standin'));
  const made = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.05', '--directory', checkpoints, '--max-checkpoints', '3', '--stdout', '/dev/null'], { env: { ...process.env, STEP_MS: '20' } });
  expect(made.exitCode, made.stderr).toBe(0);
}, 120_000);

describe('a local batch where one run fails in lapidary\'s own bookkeeping', () => {
  it('records a malformed result line and an unwritable info.json as Failed with the reason; the other run finishes', async () => {
    standin.behave('books', 'cpt.1', 'malformed-result');
    standin.behave('books', 'cpt.2', 'unwritable-info');
    standin.behave('books', 'cpt.3', 'slow');
    const run = await lapidary(['parallel-simulate', '-d', checkpoints, '-j', '3', '--name', 'books'], { env: env() });
    expect(run.stderr).not.toMatch(/LAPIDARY_INTERNAL/);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/books: 1 finished, 2 failed, 0 timed out, 0 killed/);
    const [first, second, third] = await records('books');
    expect(first).toMatchObject({ id: 'books-cpt.1', status: 'Failed', failureKind: 'result-unreadable' });
    expect(first!.failureDetail).toMatch(/lapidary-result line cannot be read .*"cause": "lapidary detailed reg/);
    expect(second).toMatchObject({ id: 'books-cpt.2', status: 'Failed', failureKind: 'bookkeeping' });
    expect(second!.failureDetail).toMatch(/could not record the end of this run in .*runs\/books\/cpt\.2: EISDIR.*info\.json/);
    expect(third).toMatchObject({ id: 'books-cpt.3', status: 'Finished', measurement: { cpi: standin.cpi('cpt.3') } });
    expect(standinProcesses('books')).toEqual([]);
  }, 120_000);
});
