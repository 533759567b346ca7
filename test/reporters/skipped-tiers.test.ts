import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { parseSkipMarker, skipMarker } from '../helpers/skip.js';

describe('skipped tiers at the end of npm test', () => {
  it('a marker is read back from a test\'s full name, wherever in the suite chain it is', () => {
    const tier = { tier: 'gem5', reason: 'no gem5.opt (none: here)', enable: 'GEM5=/x/gem5.opt npm test' };
    expect(parseSkipMarker(`restore${skipMarker(tier)} > runs the program`)).toEqual(tier);
    expect(parseSkipMarker(`outer > it${skipMarker(tier)}`)).toEqual(tier);
    expect(parseSkipMarker('outer > plain test')).toBeUndefined();
  });

  it('vitest\'s default output, run without gem5, ends with the gem5 tier, its reason and the command enabling it', async () => {
    const run = await execa(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/gem5/restore/debug-mode.gem5.test.ts', 'test/create/shell.gem5.test.ts'], {
      cwd: ROOT, env: { ...process.env, GEM5: '', CI: '1' }, reject: false, timeout: 300_000, stdin: 'ignore',
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const tail = run.stdout.slice(run.stdout.indexOf('Skipped on this machine:'));
    expect(tail.split('\n').slice(0, 4)).toEqual([
      'Skipped on this machine:',
      expect.stringMatching(/^ {2}gem5: \d+ tests in test\/create\/shell\.gem5\.test\.ts, test\/gem5\/restore\/debug-mode\.gem5\.test\.ts$/),
      '    why:    no gem5.opt (GEM5 unset, no gem5_path in a lapidary.yaml above the repository)',
      '    to run: GEM5=/path/to/gem5/build/X86/gem5.opt npm test',
    ]);
    expect(run.stdout.indexOf('Skipped on this machine:')).toBeGreaterThan(run.stdout.indexOf('Test Files'));
  }, 300_000);
});
