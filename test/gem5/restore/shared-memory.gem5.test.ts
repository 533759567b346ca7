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
});
