import { chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const workDir = testWorkDir('lapidary-setup-');

/** scripts/debian-packages.txt without its comments. */
const PACKAGES = readFileSync(join(ROOT, 'scripts', 'debian-packages.txt'), 'utf8')
  .split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));

/** A PATH directory holding only node: every other tool lapidary runs is missing. */
function nodeOnlyPath(): string {
  const dir = join(workDir(), 'node-only-bin');
  mkdirSync(dir, { recursive: true });
  try {
    symlinkSync(process.execPath, join(dir, 'node'));
  } catch {
    // made by an earlier test
  }
  return dir;
}

/** An empty dpkg database, as on a machine where none of the packages is installed (dpkg reads DPKG_ADMINDIR). */
function emptyDpkgDatabase(): string {
  const dir = join(workDir(), 'dpkg');
  mkdirSync(join(dir, 'info'), { recursive: true });
  mkdirSync(join(dir, 'updates'), { recursive: true });
  writeFileSync(join(dir, 'status'), '');
  for (const sub of [dir, join(dir, 'info'), join(dir, 'updates')]) chmodSync(sub, 0o755);
  return dir;
}

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

describe('scripts/setup.sh', () => {
  it('as a user other than root, prints the apt-get line that installs every missing Debian package and stops before npm ci', async () => {
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];
    // The script and its package list, where that user can read them (a checkout under /root is not).
    const checkout = join(workDir(), 'checkout');
    mkdirSync(join(checkout, 'scripts'), { recursive: true });
    for (const file of ['setup.sh', 'debian-packages.txt']) copyFileSync(join(ROOT, 'scripts', file), join(checkout, 'scripts', file));
    for (const dir of [workDir(), checkout, join(checkout, 'scripts')]) chmodSync(dir, 0o755);
    const [file, ...args] = [...asUser, 'bash', join(checkout, 'scripts', 'setup.sh')];
    const result = await execa(file!, args, {
      reject: false,
      stdin: 'ignore',
      env: { PATH: process.env.PATH, HOME: '/nonexistent', DPKG_ADMINDIR: emptyDpkgDatabase() },
      extendEnv: false,
      timeout: 60_000,
    });
    expect(result.exitCode).toBe(1);
    const line = `apt-get install -y --no-install-recommends ${PACKAGES.join(' ')}`;
    expect(result.stdout.split('\n')).toContain(`  apt-get update && ${line}`);
    expect(result.stdout).toContain(`missing Debian packages: ${PACKAGES.join(' ')}`);
    expect(result.stdout).not.toContain('npm ci');
    // The line is one apt-get accepts: every name is a Debian 12 package (here, installed).
    const simulated = await execa('apt-get', ['--simulate', 'install', '--no-install-recommends', ...PACKAGES], { reject: false, stdin: 'ignore' });
    expect(simulated.stderr).not.toMatch(/Unable to locate package/);
    expect(simulated.exitCode).toBe(0);
  });
});

describe('a missing tool is a lapidary error naming its Debian package, without a stack trace', () => {
  it('npm run build without a C compiler', async () => {
    const env: NodeJS.ProcessEnv = { PATH: nodeOnlyPath() };
    const result = await execa('node', [join(ROOT, 'scripts', 'build-native.mjs')], { reject: false, stdin: 'ignore', env, extendEnv: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('build-native: no C compiler: "cc" is not in PATH; install the Debian package gcc (apt-get install gcc');
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('create without gdb', async () => {
    const result = await lapidary(['create', '--bench', 'xz', '--size', 'small', '--interval', '0.1', '--directory', join(workDir(), 'no-gdb')], {
      env: { PATH: nodeOnlyPath() },
      cwd: workDir(),
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error\[LAPIDARY_GDB_DIED\]: gdb is not installed \(no executable "gdb" in PATH\)/m);
    expect(result.stderr).toContain('hint: install the Debian package gdb (apt-get install gdb');
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });
});
