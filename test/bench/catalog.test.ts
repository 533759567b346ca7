import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/bench/catalog/workloads.js';
import { corpus } from '../../src/bench/catalog/corpus.js';
import { checkpointNames } from '../helpers/checkpoints.js';
import { lapidary } from '../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { nativeRemainder, restore } from '../helpers/restore.js';
import { testWorkDir } from '../helpers/work-dir.js';
import { VM_AVAILABLE, VM_SKIP_REASON } from '../vm/helpers.js';

const work = testWorkDir('lapidary-catalog-');

describe('the built-in catalog of open workloads', () => {
  it('generates the same corpus bytes every time', () => {
    expect(corpus(4096)).toBe(corpus(4096));
    expect(corpus(100_000)).toHaveLength(100_000);
    expect(corpus(100_000).endsWith('\n')).toBe(true);
  });

  it.each(CATALOG.map((w) => [w.name]))('%s runs natively to completion under create with at least two checkpoints', async (name) => {
    const dir = join(work(), name);
    // Every 0.01 s, so that the shortest workloads still give two checkpoints; xz gives ~900 then
    // (192 s in CI, 300 s on 2 busy cores), hence the long timeout.
    const run = await lapidary(['create', '--bench', name, '--size', 'small', '--interval', '0.01', '--directory', dir], { timeoutMs: 900_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/the program exited with status 0/);
    expect(checkpointNames(dir).length).toBeGreaterThanOrEqual(2);
    const workload = CATALOG.find((w) => w.name === name)!;
    const invocation = workload.invocation('small');
    const direct = await execa(invocation.argv[0]!, invocation.argv.slice(1), {
      cwd: join(dir, 'workload'), encoding: 'buffer', stripFinalNewline: false,
      ...(invocation.stdin ? { inputFile: join(dir, 'workload', invocation.stdin) } : {}),
    });
    expect(readFileSync(join(dir, 'workload', `${name}.stdout`)).equals(Buffer.from(direct.stdout))).toBe(true);
  }, 900_000);
});

describe.skipIf(GEM5 === undefined)(`the catalog's last checkpoints restore in gem5 and finish with the native output${GEM5_SKIP_REASON}`, () => {
  for (const workload of CATALOG) {
    const { name, needsVm } = workload;
    // A workload that needs --vm is checkpointed in the QEMU guest, so it needs what that needs too.
    const test = needsVm === undefined ? it : it.skipIf(!VM_AVAILABLE);
    test(`${name}${needsVm === undefined ? '' : VM_SKIP_REASON}`, async () => {
      let dir = join(work(), name);
      if (needsVm !== undefined) {
        // its own CPUID dispatch picks code gem5 lacks on this host: checkpoint it in the VM
        dir = join(work(), `${name}-vm`);
        const made = await lapidary(['create', '--bench', name, '--size', 'small', '--interval', '0.05', '--directory', dir, '--vm']);
        expect(made.exitCode, made.stderr).toBe(0);
      }
      const last = join(dir, checkpointNames(dir).pop()!);
      const restored = await restore(last, join(work(), `${name}-m5out`));
      expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
      expect(restored.stdout).toMatch(/exiting with last active thread context \(code 0\)/);
      const native = readFileSync(join(dir, 'workload', `${name}.stdout`));
      expect(restored.programStdout.equals(nativeRemainder(native, last))).toBe(true);
    }, 1_800_000);
  }
});
