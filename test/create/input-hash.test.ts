import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { checkpointNames, readCheckpoint } from '../helpers/checkpoints.js';
import { fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-input-hash-');

/**
 * The sha256 recorded for a read-only file gem5 reopens must describe the file at the
 * checkpoint's stop, or say that it does not. The fixture's fd 4 (write-only, same file) is
 * snapshotted while the target is stopped, so its sha256 is the file at the stop.
 */
describe('sha256 of read-only input files (real gdb, interval mode)', () => {
  async function checkpoints(mode: 'always' | 'after-stop') {
    const file = join(work(), `${mode}.txt`);
    writeFileSync(file, 'generation 00000000\n');
    const dir = join(work(), mode);
    const made = await lapidary(['create', '--cmd', `${fixture('rewrite-input')} ${file}`, '--interval', '0.25', '--max-checkpoints', '3',
      '--directory', dir, '--stdout', join(work(), `${mode}.out`)], { env: { ...process.env, REWRITE: mode, STEPS: '100000' } });
    expect(made.exitCode, made.stderr).toBe(0);
    const names = checkpointNames(dir);
    expect(names).toHaveLength(3);
    return names.map((name) => {
      const { manifest } = readCheckpoint(join(dir, name));
      const readOnly = manifest.files.find((f) => f.fd === 3)!;
      const atStop = manifest.files.find((f) => f.fd === 4)!;
      expect(readOnly.writable).toBe(false);
      expect(atStop.snapshot).toBe('files/fd4');
      return { readOnly, atStopSha256: atStop.sha256, notes: manifest.notes, file, stderr: made.stderr };
    });
  }

  /** Either the hash is of the file at the stop, or the manifest and the progress line say it is not. */
  function expectFaithfulOrNoted(cpt: Awaited<ReturnType<typeof checkpoints>>[number]) {
    const note = `${cpt.file} (fd 3) changed after the checkpoint's stop (size, mtime or ctime differ from then): its recorded sha256 is of the later contents, not those the native program had`;
    if (cpt.readOnly.sha256AfterStop === true) {
      expect(cpt.notes).toContain(note);
      expect(cpt.stderr).toContain(`  note: ${note}\n`);
    } else {
      expect(cpt.readOnly.sha256).toBe(cpt.atStopSha256);
      expect(cpt.notes).not.toContain(note);
    }
  }

  it('a file rewritten every millisecond: hashed while stopped when written within 100 ms of the stamp, else noted', async () => {
    for (const cpt of await checkpoints('always')) expectFaithfulOrNoted(cpt);
  }, 300_000);

  it('a file rewritten only when the target resumes from a stop: the change after the stop is noted', async () => {
    const cpts = await checkpoints('after-stop');
    for (const cpt of cpts) expectFaithfulOrNoted(cpt);
    // The fixture rewrites the file as soon as it resumes, long before lapidary hashes it.
    expect(cpts.filter((c) => c.readOnly.sha256AfterStop === true).length).toBeGreaterThanOrEqual(2);
  }, 300_000);
});
