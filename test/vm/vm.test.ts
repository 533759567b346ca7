import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { launchTarget, type LaunchedTarget, type TargetSpec } from '../../src/create/launch.js';
import { runIntervalCheckpoints } from '../../src/create/interval.js';
import { GEM5_GLIBC_TUNABLES, targetEnvironment, type NativeEnvironment } from '../../src/create/native-env.js';
import { VmBootError } from '../../src/errors.js';
import { launchTargetInVm, type VmLaunchedTarget } from '../../src/vm/launch.js';
import { readCheckpoint, type CheckpointOnDisk } from '../helpers/checkpoints.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { fixture, ROOT } from '../helpers/paths.js';
import { processesMatching, waitForNoProcess } from '../helpers/processes.js';
import { nativeRemainder, restore } from '../helpers/restore.js';
import { VM_AVAILABLE, VM_SKIP_REASON } from './helpers.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-vm-test-');
/** Kernels and images for the tests, kept between runs. */
export const TEST_CACHE = join(ROOT, 'build', 'vm-cache');
const native: NativeEnvironment = { aslr: false, bindNow: true, glibcTunables: GEM5_GLIBC_TUNABLES, opensslIa32cap: '', removeVdso: true };
const QEMU_PROCESS = /qemu-system-x86_64$/;

function cpuidSpec(dir: string): TargetSpec {
  mkdirSync(dir, { recursive: true });
  const exe = fixture('vm-cpuid');
  return {
    exe, argv: [exe], env: targetEnvironment({ PATH: '/usr/bin:/bin', STEPS: '12', STEP_MS: '100' }, native, dir), cwd: dir,
    stdin: '/dev/null', stdout: join(dir, 'out.txt'), stderr: join(dir, 'err.txt'),
  };
}

/**
 * Checkpoint the fixture every 0.4 s until it exits; the checkpoint directories, oldest first.
 * Without copy-on-write snapshots: over `target extended-remote` in all-stop mode gdb cannot
 * release the snapshot child while the target runs on (docs/vm.md).
 */
async function checkpointAll(target: LaunchedTarget, spec: TargetSpec, directory: string): Promise<string[]> {
  const outcome = await runIntervalCheckpoints(
    target, { directory, spec, options: {}, compressionLevel: 1, snapshot: false }, { intervalSeconds: 0.4 },
    { signal: new AbortController().signal, onCheckpoint: () => undefined },
  );
  expect(outcome.exit?.code).toBe(0);
  return readdirSync(directory).filter((n) => n.startsWith('cpt.')).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))).map((n) => join(directory, n));
}

/** The shape of a checkpoint: section and key names (indices folded), manifest keys, file-backed mappings. */
function shape(cpt: CheckpointOnDisk) {
  const keys = new Set<string>();
  for (const section of cpt.sections) {
    const name = section.name.replace(/\d+/g, 'N');
    for (const [key] of section.entries) keys.add(`${name}:${key}`);
    keys.add(name);
  }
  return {
    keys: [...keys].sort(),
    manifest: Object.keys(cpt.manifest).sort(),
    files: [...new Set(cpt.manifest.mappings.map((m) => m.path).filter((p): p is string => p !== undefined && p.startsWith('/')))].sort(),
  };
}

describe.skipIf(!VM_AVAILABLE)(`the target in a QEMU guest that hides what gem5 lacks${VM_SKIP_REASON}`, () => {
  let vmCheckpoints: string[] = [];
  let vmStdout = Buffer.alloc(0);
  let hostCheckpoints: string[] = [];
  let hostStdout = Buffer.alloc(0);

  it('a program that checks CPUID itself takes the SSE path in the VM and the AVX2 path here; the checkpoints have the bare-metal structure', async () => {
    const vmDir = join(work(), 'vm');
    const spec = cpuidSpec(vmDir);
    const progress: string[] = [];
    let target: VmLaunchedTarget | undefined;
    try {
      target = await launchTargetInVm(spec, native, { start: 'main', cacheDir: TEST_CACHE, onProgress: (m) => progress.push(m) });
      expect(['kvm', 'tcg']).toContain(target.accel);
      expect(target.cpuModel).toMatch(/-avx2/);
      expect(target.vdsoRemoved).toBe(true);
      vmCheckpoints = await checkpointAll(target, spec, join(vmDir, 'cpts'));
    } finally {
      await target?.shutdown();
    }
    expect(progress.join('\n')).toMatch(/vm: (KVM|TCG)/);
    vmStdout = readFileSync(spec.stdout);
    expect(vmStdout.toString()).toMatch(/^path: sse\n/);
    expect(vmStdout.toString()).not.toMatch(/avx2/);
    expect(vmCheckpoints.length).toBeGreaterThanOrEqual(1);

    const hostDir = join(work(), 'host');
    const hostSpec = cpuidSpec(hostDir);
    const host = await launchTarget(hostSpec, native, { start: 'main' });
    try {
      hostCheckpoints = await checkpointAll(host, hostSpec, join(hostDir, 'cpts'));
    } finally {
      await host.session.close();
    }
    hostStdout = readFileSync(hostSpec.stdout);
    const hostOut = hostStdout.toString();
    if (/avx2/.test(readFileSync('/proc/cpuinfo', 'utf8'))) expect(hostOut).toMatch(/^path: avx2\n/);
    // Same program, same sums: only the path name differs.
    expect(vmStdout.toString().replace(/sse/g, 'X')).toBe(hostOut.replace(/avx2/g, 'X'));

    const vm = shape(readCheckpoint(vmCheckpoints[vmCheckpoints.length - 1]!));
    const bare = shape(readCheckpoint(hostCheckpoints[hostCheckpoints.length - 1]!));
    expect(vm.manifest).toEqual(bare.manifest);
    expect(vm.keys).toEqual(bare.keys);
    expect(vm.files).toEqual(bare.files);
    const cpt = readCheckpoint(vmCheckpoints[0]!);
    expect(cpt.pages().size).toBeGreaterThan(10);
    expect(cpt.manifest.stdio.stdout?.target).toBe(spec.stdout);
    expect(await waitForNoProcess(QEMU_PROCESS, 5000)).toEqual([]);
  }, 600_000);

  it.skipIf(GEM5 === undefined)(`the VM checkpoints restore in gem5 and finish with the native output${GEM5_SKIP_REASON}`, async () => {
    expect(vmCheckpoints.length).toBeGreaterThanOrEqual(1);
    for (const cpt of [vmCheckpoints[0]!, vmCheckpoints[vmCheckpoints.length - 1]!]) {
      const restored = await restore(cpt, `${cpt}-m5out`);
      expect(restored.exitCode, `${restored.stdout}\n${restored.stderr}`).toBe(0);
      expect(restored.stdout).toMatch(/exit cause: exiting with last active thread context \(code 0\)/);
      expect(restored.programStdout.toString()).toBe(nativeRemainder(vmStdout, cpt).toString());
    }
  }, 1_800_000);

  it.skipIf(GEM5 === undefined)(`the bare-metal checkpoint of the AVX2 path fails in gem5 (panic or wrong output)${GEM5_SKIP_REASON}`, async (context) => {
    if (!hostStdout.toString().startsWith('path: avx2')) context.skip();
    const cpt = hostCheckpoints[0]!;
    const restored = await restore(cpt, `${cpt}-m5out`);
    const expected = nativeRemainder(hostStdout, cpt).toString();
    const failed = restored.exitCode !== 0 || restored.programStdout.toString() !== expected
      || /instruction '.*' unimplemented|Unrecognized\/invalid instruction/.test(restored.stdout + restored.stderr);
    expect(failed, `${restored.stdout}\n${restored.programStdout.toString()}`).toBe(true);
  }, 1_800_000);

  it('a QEMU that cannot start the guest gives VmBootError with its error lines, and leaves no QEMU', async () => {
    const dir = join(work(), 'broken');
    const spec = cpuidSpec(dir);
    const error = await launchTargetInVm(spec, native, { start: 'main', cacheDir: TEST_CACHE, shares: [`/nonexistent-lapidary-share-${process.pid}`] })
      .then(async (target) => { await target.shutdown(); return undefined; }, (e: unknown) => e);
    expect(error).toBeInstanceOf(VmBootError);
    expect((error as VmBootError).message).toMatch(/QEMU exited[\s\S]*guest console \(last lines\):[\s\S]*qemu: .*nonexistent-lapidary-share/);
    expect(await waitForNoProcess(QEMU_PROCESS, 5000)).toEqual([]);
  }, 300_000);

  /**
   * A lapidary process driving the VM (the CLI's signal handling: installSignalCleanup with an
   * onSignal that only sets the exit code) is interrupted while the guest boots, or while it
   * takes checkpoints back to back; QEMU must be gone within a few seconds.
   */
  it.each([
    ['SIGINT', 'boot'], ['SIGTERM', 'boot'], ['SIGINT', 'capture'], ['SIGTERM', 'capture'],
  ] as const)('%s during %s leaves no QEMU running', async (signal, phase) => {
    const dir = join(work(), `signal-${signal}-${phase}`);
    const spec = cpuidSpec(dir);
    spec.env = targetEnvironment({ PATH: '/usr/bin:/bin', STEPS: '100000', STEP_MS: '20' }, native, dir);
    const driver = join(dir, 'driver.mjs');
    const dist = (path: string) => JSON.stringify(join(ROOT, 'dist', path));
    writeFileSync(driver, `
import { installSignalCleanup } from ${dist('gdb/cleanup.js')};
import { launchTargetInVm } from ${dist('vm/launch.js')};
import { takeCheckpoint } from ${dist('create/checkpoint.js')};
installSignalCleanup({ onSignal: () => { process.exitCode = 130; } });
const spec = ${JSON.stringify(spec)};
const target = await launchTargetInVm(spec, ${JSON.stringify(native)}, { start: 'main', cacheDir: ${JSON.stringify(TEST_CACHE)}, onProgress: (m) => console.log(m) });
try {
  console.log('LAUNCHED');
  for (let i = 1; ; i++) {
    const { written } = await takeCheckpoint(target, { directory: ${JSON.stringify(join(dir, 'cpts'))}, spec, options: {}, compressionLevel: 1, snapshot: false }, i, 0);
    await written;
    console.log('CHECKPOINT ' + i);
  }
} finally {
  await target.shutdown();
}
`);
    const before = new Set(processesMatching(QEMU_PROCESS));
    const child = spawn('node', [driver], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const seen = (pattern: RegExp) => new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(output)) resolve();
      };
      child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); check(); });
      child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      void exited.then(() => reject(new Error(`the driver exited before ${pattern}: ${output}`)));
    });
    if (phase === 'boot') {
      await seen(/vm: image/);
      // Wait until QEMU itself runs, so the signal lands during the guest's boot.
      for (let i = 0; i < 200 && processesMatching(QEMU_PROCESS).every((pid) => before.has(pid)); i++) await new Promise((r) => setTimeout(r, 25));
      expect(output).not.toMatch(/LAUNCHED/);
    } else {
      await seen(/CHECKPOINT 1\b/);
    }
    const ours = processesMatching(QEMU_PROCESS).filter((pid) => !before.has(pid));
    expect(ours.length, output).toBe(1);
    child.kill(signal);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    const survivors = (await waitForNoProcess(QEMU_PROCESS, 10_000)).filter((pid) => !before.has(pid));
    expect(survivors, output).toEqual([]);
    expect(child.exitCode ?? child.signalCode, output).not.toBeNull();
  }, 300_000);
});
