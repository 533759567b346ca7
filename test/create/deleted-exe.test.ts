import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointNames, readCheckpoint } from '../helpers/checkpoints.js';
import { lapidary } from '../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { fixture } from '../helpers/paths.js';
import { nativeRemainder, restore } from '../helpers/restore.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-deleted-exe-');
const env = { ...process.env, STEP_MS: '40', STEPS: '6' };

/** A copy of the unlink-self fixture, checkpointed every 0.05 s: it deletes itself at start. */
async function checkpointSelfDeleting(name: string) {
  const program = join(work(), name);
  copyFileSync(fixture('unlink-self'), program);
  const dir = join(work(), `${name}-cpts`);
  const out = join(work(), `${name}.out`);
  const run = await lapidary(['create', '--cmd', program, '--interval', '0.05', '--directory', dir, '--stdout', out], { env });
  return { program, run, dir, out };
}

describe('a program whose executable is deleted while it runs', () => {
  it('is checkpointed with a copy of its executable, which the manifest names and the progress line notes', async () => {
    const { program, run, dir } = await checkpointSelfDeleting('prog');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(existsSync(program)).toBe(false);
    const names = checkpointNames(dir);
    expect(names.length).toBeGreaterThanOrEqual(2);
    for (const name of names) {
      const { manifest } = readCheckpoint(join(dir, name));
      expect(manifest.target.exe).toBe(program);
      expect(manifest.target.exeCopy).toBe('exe/prog');
      expect(readFileSync(join(dir, name, 'exe', 'prog')).equals(readFileSync(fixture('unlink-self')))).toBe(true);
      expect(manifest.checksums['exe/prog']).toMatch(/^[0-9a-f]{64}$/);
      expect(manifest.notes.join('\n')).toContain(`the executable ${program} was deleted while the program ran`);
    }
    expect(run.stderr).toContain('was deleted while the program ran');
  }, 120_000);

  it.skipIf(GEM5 === undefined)(`restores in gem5 from the copy, with the native output${GEM5_SKIP_REASON}`, async () => {
    const { run, dir, out } = await checkpointSelfDeleting('restored');
    expect(run.exitCode, run.stderr).toBe(0);
    const first = join(dir, checkpointNames(dir)[0]!);
    const remainder = nativeRemainder(readFileSync(out), first).toString();
    expect(remainder).toMatch(/step 5 x=/);
    const restored = await restore(first, join(work(), 'm5out'));
    expect(restored.exitCode, `${restored.stdout}\n${restored.stderr}`).toBe(0);
    expect(restored.programStdout.toString()).toBe(remainder);
  }, 900_000);
});
