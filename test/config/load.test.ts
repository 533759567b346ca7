import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { lapidary } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'lapidary-config-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function configFile(name: string, text: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'lapidary.yaml'), text);
  return dir;
}

async function failure(dir: string): Promise<ConfigError> {
  try {
    await loadConfig(undefined, dir);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('lapidary.yaml', () => {
  it('is found upward from the current directory, and relative paths are made absolute against it', async () => {
    const dir = configFile('found', 'gem5_path: build/X86/gem5.opt\nspec2017:\n  install_path: ../spec\n');
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    const config = await loadConfig(undefined, join(dir, 'a', 'b'));
    expect(config.file).toBe(join(dir, 'lapidary.yaml'));
    expect(config.gem5_path).toBe(join(dir, 'build/X86/gem5.opt'));
    expect(config.spec2017?.install_path).toBe(join(work, 'spec'));
  });

  it('names file, line, field, what was found and what is expected for a wrong type', async () => {
    const dir = configFile('type', 'gem5_path: /opt/gem5\nsimulation:\n  cpu: o3\n  jobs: many\n');
    const error = await failure(dir);
    expect(error.message).toBe(`${join(dir, 'lapidary.yaml')}:4: simulation.jobs: found "many", expected a value of type integer`);
  });

  it('rejects an unknown key with its line', async () => {
    const dir = configFile('unknown', 'gem5_path: /opt/gem5\nsimulation:\n  cpu: o3\n  warmup: 10\n');
    const error = await failure(dir);
    expect(error.message).toBe(`${join(dir, 'lapidary.yaml')}:4: simulation.warmup: unknown key`);
  });

  it('rejects a value outside an enumeration', async () => {
    const dir = configFile('enum', 'simulation:\n  cpu: pentium\n');
    expect((await failure(dir)).message).toMatch(/lapidary\.yaml:2: simulation\.cpu: found "pentium", expected one of "atomic", "timing", "minor", "o3"/);
  });

  it('requires the SPEC install path when a spec2017 section exists', async () => {
    const dir = configFile('spec', 'spec2017:\n  size: ref\n');
    expect((await failure(dir)).message).toMatch(/lapidary\.yaml:2: spec2017: missing the key install_path/);
  });

  it('reports bad YAML with line and column', async () => {
    const dir = configFile('yaml', 'gem5_path: /opt/gem5\nsimulation: [unclosed\n');
    expect((await failure(dir)).message).toMatch(/lapidary\.yaml:\d+:\d+: not valid YAML: /);
  });

  it('gives one clear error through the CLI, exit status 2', async () => {
    const dir = configFile('cli', 'simulation:\n  jobs: 0\n');
    const run = await lapidary(['parallel-simulate', '-d', dir], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      `error[LAPIDARY_CONFIG_INVALID]: ${join(dir, 'lapidary.yaml')}:2: simulation.jobs: found 0, expected a number >= 1`,
      '  hint: lapidary --config-help prints every key with its meaning',
    ]);
  });

  it('says where gem5 was looked for when the configured gem5 path does not exist', async () => {
    const dir = configFile('nogem5', 'gem5_path: /nonexistent/gem5/build/X86/gem5.opt\n');
    mkdirSync(join(dir, 'cpts', 'cpt.1'), { recursive: true });
    const run = await lapidary(['simulate', '--start-checkpoint', join(dir, 'cpts', 'cpt.1')], { cwd: dir, env: { ...process.env, GEM5: '' } });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/error\[LAPIDARY_(GEM5_NOT_FOUND|CHECKPOINT_INVALID)\]/);
  });

  it('lapidary config init writes a starter file that validates, and --config-help documents every key', async () => {
    const dir = join(work, 'init');
    mkdirSync(dir);
    expect((await lapidary(['config', 'init'], { cwd: dir })).exitCode).toBe(0);
    await expect(loadConfig(undefined, dir)).resolves.toMatchObject({ simulation: { cpu: 'o3' } });
    expect((await lapidary(['config', 'init'], { cwd: dir })).stderr).toMatch(/already exists/);
    const help = await lapidary(['--config-help']);
    for (const key of ['gem5_path', 'simulation.warmup_insts', 'spec2017.install_path', 'spec2017.size']) expect(help.stdout).toContain(key);
  });
});
