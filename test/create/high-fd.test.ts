import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAtBreakpoints } from '../helpers/breakpoint-checkpoints.js';
import { readCheckpoint } from '../helpers/checkpoints.js';
import { fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-high-fd-');

/** gem5 v24's fd table has 1024 entries (src/sim/fd_array.hh:150): a higher descriptor cannot be restored. */
describe('descriptors >= 1024 (real gdb)', () => {
  it('records fd 1500 as closed after restore, with a note in the manifest and the shell, not as a file gem5 reopens', async () => {
    const input = join(work(), 'input.txt');
    writeFileSync(input, 'sixteen bytes...'.repeat(8));
    const dir = join(work(), 'cpts');
    const made = await createAtBreakpoints(`${fixture('high-fd')} ${input}`, 'step_done', ['checkpoint', 'exit'], dir,
      { stdout: join(work(), 'out'), env: { ...process.env, STEP_MS: '1' } });
    expect(made.exitCode, made.stderr).toBe(0);
    const { manifest } = readCheckpoint(join(dir, 'cpt.1'));
    expect(manifest.files.map((f) => f.fd)).not.toContain(1500);
    const reason = "gem5 v24's fd table holds descriptors 0-1023 only (src/sim/fd_array.hh:150); a system call on it after restore fails the assertion in gem5's FDArray::getFDEntry (src/sim/fd_array.cc:322) and gem5.opt aborts";
    expect(manifest.closedFds).toContainEqual(expect.objectContaining({ fd: 1500, reason }));
    const note = `fd 1500 (${input}) is closed after restore: ${reason}`;
    expect(manifest.notes).toContain(note);
    expect(made.stdout).toContain(`  note: ${note}\n`);
  }, 300_000);
});
