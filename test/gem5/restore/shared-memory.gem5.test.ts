import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../helpers/checkpoints.js';
import { lapidary } from '../../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../../helpers/gem5.js';
import { fixture } from '../../helpers/paths.js';
import { nativeRemainder, restore } from '../../helpers/restore.js';
import { testWorkDir } from '../../helpers/work-dir.js';

const work = testWorkDir('lapidary-shared-gem5-');
const env = { ...process.env, ROUNDS: '3', INCS: '200000' };

/**
 * shared-counter keeps counters in MAP_SHARED anonymous memory, a memfd and a SysV segment; a
 * checkpoint after its first round restores in gem5, where those mappings are private memory,
 * and the program counts on from the values at the stop to the native output.
 */
describe.skipIf(GEM5 === undefined)(`MAP_SHARED memory restored in gem5${GEM5_SKIP_REASON}`, () => {
  it('restores counters in shared anonymous memory, a memfd and SysV shm and finishes with the native output', async () => {
    writeFileSync(join(work(), 'commands'), 'checkpoint\nexit\n');
    const made = await lapidary(['create', '--cmd', fixture('shared-counter'), '--breakpoints', 'step_done', '--commands', join(work(), 'commands'),
      '--directory', join(work(), 'cpts'), '--stdout', join(work(), 'out')], { env });
    expect(made.exitCode, made.stderr).toBe(0);
    const cpt = join(work(), 'cpts', 'cpt.1');
    expect(readCheckpoint(cpt).manifest.notes.some((n) => n.startsWith('3 MAP_SHARED mapping(s)'))).toBe(true);
    const native = Buffer.from(`${(await execa(fixture('shared-counter'), { env })).stdout}\n`);
    const restored = await restore(cpt, join(work(), 'm5out'));
    expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/exit cause: exiting with last active thread context \(code 0\)/);
    const remainder = nativeRemainder(native, cpt).toString();
    expect(remainder).toMatch(/^round 1 private=400000 anon=400000 memfd=400000 sysv=400000\nround 2 /);
    expect(restored.programStdout.toString()).toBe(remainder);
  }, 1_800_000);

  it('restores a checkpoint of a 256 GiB MAP_NORESERVE region, 4 GiB of shared anonymous memory and a memfd with the memory size lapidary chose', async () => {
    const sparseEnv = { ...process.env, STEP_MS: '1', MINCORE: '0' }; // gem5 v24 has no mincore (syscall_tbl64.cc:69)
    writeFileSync(join(work(), 'sparse.commands'), 'checkpoint\nexit\n');
    const made = await lapidary(['create', '--cmd', fixture('sparse-map'), '--breakpoints', 'step_done', '--commands', join(work(), 'sparse.commands'),
      '--directory', join(work(), 'sparse'), '--stdout', join(work(), 'sparse.out')], { env: sparseEnv });
    expect(made.exitCode, made.stderr).toBe(0);
    const cpt = join(work(), 'sparse', 'cpt.1');
    expect(readCheckpoint(cpt).manifest.gem5.memSize).toBe(String(8n << 30n));
    const native = Buffer.from(`${(await execa(fixture('sparse-map'), { env: sparseEnv })).stdout}\n`);
    const restored = await restore(cpt, join(work(), 'm5out-sparse'));
    expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
    const remainder = nativeRemainder(native, cpt).toString();
    expect(remainder).toMatch(/^step 1 sum=[0-9a-f]+ .*\nstep 2 .*\nshared word=5348415245440001 memfd word=4d454d4644415441\n$/);
    expect(restored.programStdout.toString()).toBe(remainder);
  }, 1_800_000);
});
