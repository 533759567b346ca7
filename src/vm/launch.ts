import { existsSync, rmSync, statSync } from 'node:fs';
import { appendFile, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LapidaryError, MiCommandError, VmAgentError, VmBootError, VmGdbServerError } from '../errors.js';
import { LAUNCHER, type LaunchedTarget, type StartPoint, type TargetSpec } from '../create/launch.js';
import type { NativeEnvironment } from '../create/native-env.js';
import { registerCleanup } from '../gdb/cleanup.js';
import { GdbSession } from '../gdb/session.js';
import { execArguments, execRun, fileExecAndSymbols, gdbSet } from '../mi/commands/index.js';
import { chooseAccel, type Accel, type AccelChoice } from './accel.js';
import { AgentClient } from './agent-client.js';
import { vmCacheDir } from './cache.js';
import { encodeCpio } from './cpio.js';
import { cpuModel, hiddenFeatures, parseCpuFeatures } from './features.js';
import { planGuestRun } from './guest-run.js';
import { ensureGuestImage } from './image.js';
import { GUEST } from './init-script.js';
import { bootableKernel, findGuestKernel } from './kernel.js';
import { freeLoopbackPort, QemuVm, type BootTimes, type VmConfig } from './qemu.js';
import { configureLaunchSession, finishStart, launcherSpec } from '../create/start.js';

/** Options of launchTargetInVm. */
export interface VmLaunchOptions {
  start: StartPoint;
  /** `--vm-cpu`: changes to the hidden CPU features (features.ts parseCpuFeatures). Default: hide DEFAULT_HIDDEN_FEATURES. */
  cpuFeatures?: string;
  /** Accelerator; default $LAPIDARY_VM_ACCEL or `auto` (KVM when it works here, else TCG). */
  accel?: AccelChoice;
  /** Guest memory in MiB; default 2048. */
  memoryMiB?: number;
  /** Cache of kernels and images; default vmCacheDir(). */
  cacheDir?: string;
  /** A /boot/vmlinuz-VERSION to use instead of the newest suitable one. */
  kernel?: string;
  /** More input files or directories to put into the image at their host paths. */
  inputs?: readonly string[];
  /** More host directories the target writes to, shared with the guest. */
  shares?: readonly string[];
  /** Record the gdb/MI conversation here. */
  transcript?: string;
  /** Deadline for the guest to boot, ms; default 60 000 under KVM, 300 000 under TCG. */
  bootTimeoutMs?: number;
  /** Stream memory reads through a shared-memory window (ivshmem) rather than the virtio-serial port; default true. */
  sharedMemory?: boolean;
  /** Progress messages (image built or reused, accelerator, boot time), one line each. */
  onProgress?: (message: string) => void;
}

/** What the VM run looks like, for progress output, manifests and benchmarks. */
export interface VmRunInfo {
  accelReason: string;
  /** QEMU features hidden from the guest's CPUID. */
  hiddenFeatures: string[];
  kernel: string;
  imageKey: string;
  imageBuilt: boolean;
  imageBytes: number;
  inputs: string[];
  shares: string[];
  boot: BootTimes;
  /** Whether the agent streams memory through the shared-memory window (else through the virtio-serial port). */
  agentSharedMemory: boolean;
  gdbPort: number;
  notes: string[];
}

/** A target stopped at its start point inside a lapidary-owned QEMU guest. */
export interface VmLaunchedTarget extends LaunchedTarget {
  /** Close the gdb session, power the guest off and make sure QEMU is gone. Idempotent; never rejects. */
  shutdown(): Promise<void>;
  accel: Accel;
  /** The `-cpu` value QEMU runs with. */
  cpuModel: string;
  vm: VmRunInfo;
}

/** Where the launcher's spec file goes in the guest. */
const GUEST_SPEC = '/tmp/lapidary/spec';
/** Size of the shared-memory window, bytes (ivshmem needs a power of two; one agent read). */
const SHM_BYTES = 16 * 1024 * 1024;


/** Resources of one launch, released in reverse by release(). */
class Resources {
  vm: QemuVm | undefined;
  agent: AgentClient | undefined;
  session: GdbSession | undefined;
  private readonly unregisterFiles: () => void;
  private released: Promise<void> | undefined;

  constructor(readonly runDir: string, readonly shmPath: string) {
    this.unregisterFiles = registerCleanup(() => {
      rmSync(shmPath, { force: true });
      rmSync(runDir, { recursive: true, force: true });
    });
  }

  release(): Promise<void> {
    this.released ??= (async () => {
      await this.session?.close();
      if (this.vm?.running) {
        // A clean power-off lets the guest's 9p writes finish; QEMU is killed if it takes longer.
        await Promise.race([this.agent?.powerOff().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
        await this.vm.waitExit(3000);
      }
      await this.agent?.close();
      await this.vm?.kill();
      await rm(this.shmPath, { force: true });
      await rm(this.runDir, { recursive: true, force: true });
      this.unregisterFiles();
    })();
    return this.released;
  }
}

/** Boot the guest with one accelerator; resolves once init reports the agent and gdbserver started. */
async function boot(
  accel: Accel,
  resources: Resources,
  base: Omit<VmConfig, 'accel' | 'cpu' | 'gdbPort'>,
  hidden: readonly string[],
  timeoutMs: number | undefined,
): Promise<{ vm: QemuVm; times: BootTimes; cpu: string }> {
  const cpu = cpuModel(accel, hidden);
  const gdbPort = await freeLoopbackPort();
  const vm = QemuVm.spawn({ ...base, accel, cpu, gdbPort });
  resources.vm = vm;
  const times = await vm.waitReady({
    timeoutMs: timeoutMs ?? (accel === 'kvm' ? 60_000 : 300_000),
    ...(accel === 'kvm' ? { initTimeoutMs: 30_000 } : {}),
  });
  return { vm, times, cpu };
}

/**
 * Run the target inside a QEMU guest whose CPU hides the ISA extensions gem5 v24 cannot execute,
 * and stop it at its start point, exactly as launchTarget does on this machine: the guest image
 * (kernel from the Debian package, busybox, gdbserver, agent, launcher, target, libraries,
 * inputs) is built or taken from the cache; QEMU boots it (KVM when usable, else TCG; a KVM guest
 * whose kernel does not reach /init in 30 s is retried under TCG); gdb connects with
 * `target extended-remote 127.0.0.1:PORT` (GDB manual, "Connecting to a Remote Target", and
 * gdbserver's `--multi`), runs lapidary-exec there with `set remote exec-file` and `catch exec`
 * (exec events over the remote protocol: GDB manual, "Remote Protocol" / "General Query Packets",
 * `exec-events`), removes the vDSO, and runs to `main` unless `start` is `entry`.
 *
 * The returned target's `proc` reads the guest's /proc and the target's memory through the agent,
 * so capture, the checkpoint writer and the layout are the same code as on bare metal. The caller
 * must call `shutdown()` (its `session.close()` alone leaves the VM running until lapidary exits).
 * @throws VmUnavailableError, VmImageError, VmBootError, VmAgentError, VmGdbServerError,
 * TargetExitedError; the VM is shut down before any of them is thrown.
 */
export async function launchTargetInVm(spec: TargetSpec, native: NativeEnvironment, options: VmLaunchOptions): Promise<VmLaunchedTarget> {
  const progress = options.onProgress ?? (() => undefined);
  const cacheDir = vmCacheDir(options.cacheDir);
  const hidden = hiddenFeatures(parseCpuFeatures(options.cpuFeatures));
  const kernel = await findGuestKernel(options.kernel);
  const bootable = await bootableKernel(kernel, cacheDir);
  const image = await ensureGuestImage({ target: { exe: spec.exe, argv: spec.argv, cwd: spec.cwd, stdin: spec.stdin }, inputs: options.inputs ?? [] }, kernel, cacheDir);
  progress(`vm: image ${image.key.slice(0, 12)} ${image.built ? 'built' : 'reused'} (${image.files} files, ${(image.bytes / 2 ** 20).toFixed(1)} MiB, ${Math.round(image.ms)} ms)`);
  const plan = planGuestRun(spec, options.shares ?? []);
  const runDir = await mkdtemp(join(tmpdir(), 'lapidary-vm-'));
  const shmDir = existsSync('/dev/shm') && statSync('/dev/shm').isDirectory() ? '/dev/shm' : runDir;
  const resources = new Resources(runDir, join(shmDir, `lapidary-vm-${process.pid}-${runDir.slice(-6)}`));
  try {
    const initrd = join(runDir, 'initrd.cpio');
    await copyFile(image.path, initrd);
    await appendFile(initrd, encodeCpio([
      { kind: 'dir', path: '/lapidary', mode: 0o755 },
      { kind: 'file', path: GUEST.sharesFile, mode: 0o644, data: Buffer.from(plan.shares.map((s) => `${s.tag}\t${s.path}\n`).join('')) },
    ]));
    const base = {
      kernel: bootable.path, initrd, memoryMiB: options.memoryMiB ?? 2048,
      agentSocket: join(runDir, 'agent.sock'), shares: plan.shares,
      ...(plan.stdoutFile !== undefined ? { stdoutFile: plan.stdoutFile } : {}),
      ...(plan.stderrFile !== undefined ? { stderrFile: plan.stderrFile } : {}),
      ...(options.sharedMemory === false ? {} : { shm: { path: resources.shmPath, bytes: SHM_BYTES } }),
    };
    let decision = await chooseAccel(options.accel ?? (process.env.LAPIDARY_VM_ACCEL as AccelChoice | undefined) ?? 'auto');
    let booted: Awaited<ReturnType<typeof boot>>;
    try {
      booted = await boot(decision.accel, resources, base, hidden, options.bootTimeoutMs);
    } catch (error) {
      const fallback = error instanceof VmBootError && decision.accel === 'kvm' && options.accel !== 'kvm'
        && !(error as VmBootError & { initSeen?: boolean }).initSeen;
      if (!fallback) throw error;
      progress(`vm: the guest did not boot under KVM; retrying with TCG (${error.message.split('\n')[0]})`);
      decision = { accel: 'tcg', reason: 'TCG because the guest kernel did not boot under this host\'s KVM' };
      booted = await boot('tcg', resources, base, hidden, options.bootTimeoutMs);
    }
    const { vm, times, cpu } = booted;
    progress(`vm: ${decision.accel === 'kvm' ? 'KVM' : 'TCG (software emulation)'}: ${decision.reason}; -cpu ${cpu.split(',')[0]} hiding ${hidden.length} features; guest ready in ${(times.readyMs / 1000).toFixed(1)} s`);
    const agent = await AgentClient.connect(base.agentSocket, {
      timeoutMs: 30_000, alive: () => vm.running, ...(base.shm !== undefined ? { shmPath: base.shm.path } : {}),
    })
      .catch((error: unknown) => {
        if (error instanceof LapidaryError) error.message += `\nguest console (last lines):\n${vm.consoleTail()}`;
        throw error;
      });
    resources.agent = agent;
    const proc = agent.procAccess();
    await agent.writeFile(GUEST_SPEC, launcherSpec(plan.spec)).catch((error: Error) => {
      throw new VmAgentError(`the VM agent cannot write the launcher's spec: ${error.message}\nguest console (last lines):\n${vm.consoleTail()}`, {
        hint: 'ENOSPC means the guest memory is too small for its image: raise the VM memory',
      });
    });

    const session = await GdbSession.start({
      ...(existsSync(spec.cwd) ? { cwd: spec.cwd } : {}),
      ...(options.transcript ? { transcript: options.transcript } : {}),
      remoteInferiors: true,
    });
    resources.session = session;
    await configureLaunchSession(session, native);
    // The guest's files are this machine's, at the same paths: read symbols here, not over the wire.
    await gdbSet(session, 'sysroot', '/');
    const gdbPort = vm.config.gdbPort;
    try {
      await session.send(`-target-select extended-remote 127.0.0.1:${gdbPort}`);
    } catch (error) {
      throw new VmGdbServerError(`gdb cannot connect to gdbserver in the VM (127.0.0.1:${gdbPort}): ${error instanceof MiCommandError ? error.gdbMessage : (error as Error).message}\nguest console (last lines):\n${vm.consoleTail()}`);
    }
    await session.console(`set remote exec-file ${LAUNCHER}`);
    await fileExecAndSymbols(session, LAUNCHER);
    await execArguments(session, [GUEST_SPEC]);
    await session.console('catch exec');
    try {
      await execRun(session);
    } catch (error) {
      if (!(error instanceof MiCommandError)) throw error;
      throw new VmGdbServerError(`gdbserver in the VM did not start ${LAUNCHER}: ${error.gdbMessage}\nguest console (last lines):\n${vm.consoleTail()}`);
    }
    const execStop = await session.waitForStop({ timeoutMs: decision.accel === 'kvm' ? 60_000 : 300_000 });
    const started = await finishStart(session, proc, spec, native, options.start, execStop,
      () => agent.readFile(`${GUEST_SPEC}.err`).then((b) => b.toString('utf8'), () => ''), ' in the VM');
    return {
      session, proc, ...started,
      accel: decision.accel,
      cpuModel: cpu,
      vm: {
        accelReason: decision.reason, hiddenFeatures: hidden, kernel: `${kernel.version}${bootable.pvh ? ' (PVH vmlinux)' : ''}`,
        imageKey: image.key, imageBuilt: image.built, imageBytes: image.bytes, inputs: image.inputs,
        shares: plan.shares.map((s) => s.path), boot: times, agentSharedMemory: agent.sharedMemory, gdbPort, notes: plan.notes,
      },
      shutdown: () => resources.release(),
    };
  } catch (error) {
    await resources.release();
    throw error;
  }
}
