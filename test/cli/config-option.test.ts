import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { lapidary } from '../helpers/cli.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-config-option-');

/** Arguments each verb needs besides -c, so that only the configuration can make it fail. */
const VERB_ARGS: Record<string, (dir: string) => string[]> = {
  create: (dir) => ['create', '--cmd', '/bin/true', '--interval', '1', '--directory', join(dir, 'cpts')],
  simulate: (dir) => ['simulate', '--start-checkpoint', join(dir, 'cpts', 'cpt.1')],
  'parallel-simulate': (dir) => ['parallel-simulate', '-d', join(dir, 'cpts')],
  runs: (dir) => ['runs', dir],
  cancel: (dir) => ['cancel', dir],
  report: (dir) => ['report', dir],
  inspect: (dir) => ['inspect', join(dir, 'cpts', 'cpt.1')],
  bench: () => ['bench', 'list'],
  config: () => ['config', 'init', '--force'],
  vm: () => ['vm', 'status'],
  'run-task': (dir) => ['run-task', join(dir, 'task.json')],
  gem5: (dir) => ['gem5', 'build', '--source', dir, '--dry-run'],
  simpoint: (dir) => ['simpoint', '--cmd', '/bin/true', '--directory', join(dir, 'simpoints')],
};
/** Verbs whose -c names the file they write (tested below and in test/gem5/build.test.ts). */
const WRITERS = ['config', 'gem5'];

describe('-c/--config on every verb', () => {
  it('every verb of lapidary --help (and the hidden run-task) is covered here', async () => {
    const help = await lapidary(['--help']);
    const verbs = [...help.stdout.matchAll(/^ {2}lapidary (\S+)/gm)].map((m) => m[1]);
    expect(verbs.length).toBeGreaterThan(5);
    expect([...verbs, 'run-task'].sort()).toEqual(Object.keys(VERB_ARGS).sort());
  });

  it.each(Object.keys(VERB_ARGS).filter((v) => !WRITERS.includes(v)))('%s reads the file -c names, relative to the current directory, and stops at an invalid one', async (verb) => {
    const dir = join(work(), verb);
    mkdirSync(join(dir, 'elsewhere'), { recursive: true });
    writeFileSync(join(dir, 'elsewhere', 'bad.yaml'), 'simulation:\n  jobs: 0\n');
    const run = await lapidary([...VERB_ARGS[verb]!(dir), '-c', 'elsewhere/bad.yaml'], { cwd: dir });
    expect(run.stderr.trim().split('\n')[0]).toBe(`error[LAPIDARY_CONFIG_INVALID]: ${join(dir, 'elsewhere', 'bad.yaml')}:2: simulation.jobs: found 0, expected a number >= 1`);
    expect(run.exitCode).toBe(2);
    const missing = await lapidary([...VERB_ARGS[verb]!(dir), '--config', 'none.yaml'], { cwd: dir });
    expect(missing.stderr).toContain(`error[LAPIDARY_CONFIG_INVALID]: cannot read ${join(dir, 'none.yaml')}`);
    expect(missing.exitCode).toBe(2);
  });

  it('bench list runs with a valid -c file, and config init -c writes the starter file there', async () => {
    const dir = join(work(), 'valid');
    mkdirSync(dir, { recursive: true });
    const init = await lapidary(['config', 'init', '-c', 'site.yaml'], { cwd: dir });
    expect(init.exitCode, init.stderr).toBe(0);
    expect(existsSync(join(dir, 'lapidary.yaml'))).toBe(false);
    await expect(loadConfig(join(dir, 'site.yaml'), dir)).resolves.toMatchObject({ simulation: { cpu: 'o3' } });
    const list = await lapidary(['bench', 'list', '-c', 'site.yaml'], { cwd: dir });
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stdout).toContain('Built-in workloads');
  });
});
