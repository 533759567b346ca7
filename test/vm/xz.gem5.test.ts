import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../src/bench/catalog/corpus.js';
import { checkpointNames } from '../helpers/checkpoints.js';
import { lapidary } from '../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { nativeRemainder, restore } from '../helpers/restore.js';
import { VM_AVAILABLE, VM_SKIP_REASON } from './helpers.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-vm-xz-');
const env = { ...process.env, GEM5: GEM5 ?? '' };

/**
 * liblzma 5.4 computes xz's default CRC64 check with PCLMULQDQ, chosen by its own CPUID test
 * (no environment switch): checkpointed on this host, the restored xz stops gem5 on an
 * unimplemented instruction; checkpointed under --vm, whose CPU hides PCLMULQDQ, it restores and
 * finishes byte-identical to the native run.
 */
describe.skipIf(!VM_AVAILABLE || GEM5 === undefined)(`xz (default check) under --vm restores in gem5${VM_SKIP_REASON || GEM5_SKIP_REASON}`, () => {
  it('fails in gem5 from a bare-metal checkpoint and finishes byte-identical from a VM checkpoint', async () => {
    writeFileSync(join(work(), 'input.txt'), corpus(1 << 20));
    const cmd = `/usr/bin/xz -1 -c ${join(work(), 'input.txt')}`;

    const host = await lapidary(['create', '--cmd', cmd, '--interval', '0.005', '--max-checkpoints', '1', '--directory', join(work(), 'host'), '--stdout', join(work(), 'host.xz')], { env });
    expect(host.exitCode, host.stderr).toBe(0);
    const fromHost = await restore(join(work(), 'host', 'cpt.1'), join(work(), 'host-m5out'));
    expect(fromHost.exitCode).toBe(1);
    expect(fromHost.stderr).toMatch(/Unrecognized\/invalid instruction executed/);

    const vm = await lapidary(['create', '--cmd', cmd, '--vm', '--interval', '0.05', '--directory', join(work(), 'vm'), '--stdout', join(work(), 'vm.xz')], { env, timeoutMs: 900_000 });
    expect(vm.exitCode, vm.stderr).toBe(0);
    expect(vm.stderr).toMatch(/the program exited with status 0/);
    const last = join(work(), 'vm', checkpointNames(join(work(), 'vm')).pop()!);
    const restored = await restore(last, join(work(), 'vm-m5out'));
    expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
    expect(restored.programStdout.equals(nativeRemainder(readFileSync(join(work(), 'vm.xz')), last))).toBe(true);
  }, 1_800_000);
});
