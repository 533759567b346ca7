import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BreakpointSession } from '../../src/create/breakpoints.js';
import type { CheckpointSettings } from '../../src/create/checkpoint.js';
import { launchTarget, type TargetSpec } from '../../src/create/launch.js';
import { GEM5_GLIBC_TUNABLES, targetEnvironment } from '../../src/create/native-env.js';
import { readCheckpoint } from '../helpers/checkpoints.js';
import { fixture } from '../helpers/paths.js';
import { processesMatching } from '../helpers/processes.js';

const work = mkdtempSync(join(tmpdir(), 'lapidary-snapshot-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('copy-on-write snapshots', () => {
  it('hold exactly the pages a stop-the-world read finds, leave no child behind, and do not disturb the program', async () => {
    const native = { aslr: false, bindNow: true, glibcTunables: GEM5_GLIBC_TUNABLES, opensslIa32cap: '', removeVdso: true };
    const out = join(work, 'out');
    const env = { ...process.env, STEP_MS: '1', STEPS: '5' };
    const spec: TargetSpec = {
      exe: fixture('heap'), argv: [fixture('heap')], env: targetEnvironment(env, native, work), cwd: work,
      stdin: '/dev/null', stdout: out, stderr: '/dev/null',
    };
    const target = await launchTarget(spec, native, { start: 'entry' });
    try {
      const base: Omit<CheckpointSettings, 'snapshot'> = { directory: work, spec, options: {}, compressionLevel: 1 };
      const viaSnapshot = await BreakpointSession.plant(target, { ...base, snapshot: true }, ['step_done']);
      expect((await viaSnapshot.continue()).text).toMatch(/breakpoint \d+ hit in step_done/);
      await viaSnapshot.continue();
      const first = await viaSnapshot.checkpoint();
      // a second session on the same stopped target, reading memory directly (numbering restarts: another directory)
      const stopTheWorld = await BreakpointSession.plant(target, { ...base, directory: join(work, 'direct'), snapshot: false }, []);
      const second = await stopTheWorld.checkpoint();
      const a = readCheckpoint(first.path);
      const b = readCheckpoint(second.path);
      expect(a.manifest.registers).toEqual(b.manifest.registers);
      const pagesA = a.pages();
      const pagesB = b.pages();
      expect([...pagesA.keys()]).toEqual([...pagesB.keys()]);
      for (const [addr, page] of pagesA) expect(page.equals(pagesB.get(addr)!), `page 0x${addr.toString(16)}`).toBe(true);
      expect(processesMatching(/build\/fixtures\/heap$/)).toHaveLength(1);
      while (!(await viaSnapshot.continue()).exited) {
        // run to the end through the remaining breakpoint hits
      }
    } finally {
      await target.session.close();
    }
    const reference = await execa(fixture('heap'), { env });
    expect(readFileSync(out, 'utf8')).toBe(`${reference.stdout}\n`);
  });
});
