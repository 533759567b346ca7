import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { methodsAvailable } from '../../src/insts/index.js';
import { parseBbFile, vectorInstructions } from '../../src/simpoint/bb-file.js';
import type { Gem5SimpointJson } from '../../src/simpoint/output.js';
import { lapidary } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const available = (await methodsAvailable()).some((m) => m.method === 'valgrind-gdb' && m.available);
const work = testWorkDir('lapidary-simpoint-cli-');

describe('lapidary simpoint', () => {
  it('refuses a zero interval and a fractional --max-k before running anything', async () => {
    for (const bad of [['--simpoint-interval', '0'], ['--max-k', '2.5'], ['--warmup-insts', '-1']]) {
      const run = await lapidary(['simpoint', '--cmd', fixture('phases'), '-d', join(work(), 'bad'), ...bad]);
      expect(run.exitCode, run.stderr).toBe(2);
      expect(run.stderr).toContain(bad[0]!);
    }
  });

  it.skipIf(!available)('profiles the phases fixture and writes SimPoint\'s files and gem5\'s JSON, the same for the same seed', async () => {
    const dirs = [join(work(), 'a'), join(work(), 'b')];
    const env = { ...process.env, ITEMS: '12', WORK: '4' };
    for (const d of dirs) {
      const run = await lapidary(['simpoint', '--cmd', fixture('phases'), '-d', d, '--simpoint-interval', '200000', '--max-k', '10', '--warmup-insts', '50000', '--seed', '9'], { env });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/profiled \d+ instructions from main/);
      expect(run.stdout).toMatch(/^cluster {2}interval/);
    }
    const read = (d: string, f: string): string => readFileSync(join(d, f), 'utf8');
    for (const f of ['simpoints', 'weights', 'simpoint.json', 'bbv.bb']) expect(read(dirs[1]!, f)).toBe(read(dirs[0]!, f));
    const vectors = parseBbFile(read(dirs[0]!, 'bbv.bb'));
    expect(vectors.slice(0, -1).every((v) => vectorInstructions(v) === 200_000)).toBe(true);
    const json = JSON.parse(read(dirs[0]!, 'simpoint.json')) as Gem5SimpointJson;
    expect(json).toMatchObject({ simpoint_interval: 200_000, warmup_interval: 50_000 });
    expect(json.simpoint_list.length).toBeGreaterThanOrEqual(4);
    expect(json.simpoint_list.every((i) => i >= 0 && i < vectors.length)).toBe(true);
    expect(json.weight_list.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    expect(read(dirs[0]!, 'program.stdout')).toMatch(/^items 12 total \d+\n$/);
  });
});
