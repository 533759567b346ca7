import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const workDir = testWorkDir('lapidary-command-');

/**
 * A checkout whose node_modules already is npm ci's install (links to this checkout's packages,
 * with setup.sh's record of the lock file it came from), so setup.sh skips npm ci.
 */
function installedCheckout(): string {
  const checkout = join(workDir(), 'checkout');
  for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'src', 'scripts', 'config']) {
    cpSync(join(ROOT, entry), join(checkout, entry), { recursive: true });
  }
  const modules = join(checkout, 'node_modules');
  mkdirSync(modules);
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules', entry), join(modules, entry));
  const lock = createHash('sha256').update(readFileSync(join(checkout, 'package-lock.json'))).digest('hex');
  writeFileSync(join(modules, '.lapidary-setup'), `${lock} node-abi-${process.versions.modules}\n`);
  return checkout;
}

describe('the lapidary command', () => {
  it('scripts/setup.sh puts a lapidary on PATH (npm link into npm\'s global bin directory) that runs the checkout', async () => {
    const checkout = installedCheckout();
    // npm's global prefix: a temporary one here, /usr for Debian's Node.js.
    const prefix = join(workDir(), 'prefix');
    const setup = await execa('bash', [join(checkout, 'scripts', 'setup.sh')], {
      env: { npm_config_prefix: prefix, npm_config_offline: 'true' }, reject: false, stdin: 'ignore', timeout: 600_000,
    });
    expect(setup.exitCode, `${setup.stdout}\n${setup.stderr}`).toBe(0);
    expect(setup.stdout).toContain('node_modules is already npm ci\'s install of package-lock.json for this Node.js');
    expect(setup.stdout).toContain(`the lapidary command is ${join(prefix, 'bin', 'lapidary')}`);
    const path = `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`;
    const which = await execa('sh', ['-c', 'command -v lapidary'], { env: { PATH: path }, extendEnv: false, stdin: 'ignore' });
    expect(which.stdout).toBe(join(prefix, 'bin', 'lapidary'));
    const list = await execa('lapidary', ['bench', 'list'], { env: { PATH: path }, extendEnv: false, reject: false, stdin: 'ignore', cwd: prefix });
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^\s+xz\s+LZMA2 compression/m);
  }, 600_000);
});
