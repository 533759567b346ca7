import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointNames, readCheckpoint } from '../helpers/checkpoints.js';
import { lapidary } from '../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { fixture } from '../helpers/paths.js';
import { nativeRemainder, restore } from '../helpers/restore.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-restart-');

/**
 * int-loop sleeps 400 ms between its steps with the nanosleep system call, so checkpoints every
 * 0.15 s stop it inside nanosleep, which the kernel would continue with restart_syscall
 * (-ERESTART_RESTARTBLOCK, kernel/time/hrtimer.c) — a call gem5 v24 does not have.
 */
describe('a checkpoint taken inside nanosleep (real program under gdb)', () => {
  const made = (async () => {
    const dir = join(work(), 'cpts');
    const out = join(work(), 'native.out');
    const run = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.15', '--directory', dir, '--stdout', out], {
      env: { ...process.env, STEP_MS: '400', STEPS: '3' },
    });
    const inside = checkpointNames(dir).map((c) => join(dir, c)).filter((c) => readCheckpoint(c).manifest.notes.some((n) => n.includes('inside nanosleep')));
    return { run, dir, out, inside };
  })();

  it('restarts nanosleep itself (rax = 35 at the syscall instruction) and says what gem5 cannot do', async () => {
    const { run, inside } = await made;
    expect(run.exitCode, run.stderr).toBe(0);
    expect(inside.length, run.stderr).toBeGreaterThanOrEqual(1);
    for (const cpt of inside) {
      const checkpoint = readCheckpoint(cpt);
      const note = checkpoint.manifest.notes.find((n) => n.includes('inside nanosleep'))!;
      expect(note).toContain('which the kernel would continue with restart_syscall for the time left; gem5 v24 has no restart_syscall (src/arch/x86/linux/syscall_tbl64.cc:269)');
      expect(note).toContain('a relative timeout starts again in full');
      const rip = BigInt(checkpoint.manifest.registers.rip);
      const page = checkpoint.pages().get(rip & ~0xfffn)!;
      const at = Number(rip & 0xfffn);
      expect([page[at], page[at + 1]]).toEqual([0x0f, 0x05]); // syscall
      // rax (the first 8 bytes, little-endian): __NR_nanosleep, not restart_syscall (219)
      expect(checkpoint.value('system.cpu.xc.0', 'regs.integer')?.split(' ').slice(0, 8)).toEqual(['35', '0', '0', '0', '0', '0', '0', '0']);
    }
    expect(run.stderr).toContain('inside nanosleep');
  }, 120_000);

  it.skipIf(GEM5 === undefined)(`restores in gem5 and runs to the end with the native output${GEM5_SKIP_REASON}`, async () => {
    const { out, inside } = await made;
    const cpt = inside[0]!;
    const restored = await restore(cpt, join(work(), 'm5out'));
    expect(restored.exitCode, `${restored.stdout}\n${restored.stderr}`).toBe(0);
    const remainder = nativeRemainder(readFileSync(out), cpt).toString();
    expect(remainder).toMatch(/^step 2 /m);
    expect(restored.programStdout.toString()).toBe(remainder);
  }, 900_000);
});
