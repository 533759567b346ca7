import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAtBreakpoints } from '../../helpers/breakpoint-checkpoints.js';
import { GEM5, GEM5_SKIP_REASON } from '../../helpers/gem5.js';
import { fixture } from '../../helpers/paths.js';
import { restore } from '../../helpers/restore.js';
import { testWorkDir } from '../../helpers/work-dir.js';

const work = testWorkDir('lapidary-high-fd-gem5-');

/** What the note on a descriptor >= 1024 says gem5 does, checked in gem5. */
describe.skipIf(GEM5 === undefined)(`a descriptor >= 1024 in gem5${GEM5_SKIP_REASON}`, () => {
  it('gem5.opt aborts on FDArray::getFDEntry\'s assertion when the restored program reads fd 1500, as the note says', async () => {
    const input = join(work(), 'input.txt');
    writeFileSync(input, 'sixteen bytes...'.repeat(8));
    const dir = join(work(), 'cpts');
    const made = await createAtBreakpoints(`${fixture('high-fd')} ${input}`, 'step_done', ['checkpoint', 'exit'], dir,
      { stdout: join(work(), 'out'), env: { ...process.env, STEP_MS: '1' } });
    expect(made.exitCode, made.stderr).toBe(0);
    expect(made.stdout).toContain('  note: fd 1500 (');
    const restored = await restore(join(dir, 'cpt.1'), join(work(), 'm5out'));
    expect(restored.exitCode).not.toBe(0);
    expect(readFileSync(join(restored.outdir, 'simerr.txt'), 'utf8')).toContain('src/sim/fd_array.cc:322: std::shared_ptr<gem5::FDEntry> gem5::FDArray::getFDEntry(int): Assertion');
  }, 1_800_000);
});
