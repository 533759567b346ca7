import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { VmBootError, VmUnavailableError } from '../errors.js';
import { killQuietly, registerCleanup } from '../gdb/cleanup.js';
import { LineSplitter } from '../gdb/line-splitter.js';
import type { Accel } from './accel.js';
import { GUEST } from './init-script.js';

/** The QEMU binary (Debian package qemu-system-x86). */
export const QEMU = process.env.LAPIDARY_QEMU ?? 'qemu-system-x86_64';

/** Everything one guest boot needs. */
export interface VmConfig {
  /** `-kernel`: a PVH vmlinux or a bzImage. */
  kernel: string;
  /** `-initrd`: the image plus the per-boot archive. */
  initrd: string;
  accel: Accel;
  /** `-cpu` value (features.ts cpuModel). */
  cpu: string;
  memoryMiB: number;
  /** Host port forwarded to gdbserver in the guest. */
  gdbPort: number;
  /** Unix socket QEMU creates for the agent's virtio-serial port. */
  agentSocket: string;
  /** Host directories shared read-write over 9p, mounted at the same paths (tags lapidary0, …). */
  shares: ReadonlyArray<{ tag: string; path: string }>;
  /** Host files QEMU appends the guest's forwarded stdout/stderr ports to. */
  stdoutFile?: string;
  stderrFile?: string;
  /** Host file backing the shared-memory window (ivshmem-plain), and its size in bytes (a power of two). */
  shm?: { path: string; bytes: number };
}

/** Escape a value for a QEMU `-option key=value,…` list: commas are doubled (QEMU docs/system/invocation). */
export function qemuValue(text: string): string {
  return text.replace(/,/g, ',,');
}

/**
 * The QEMU command line (QEMU 7.2, docs/system/invocation.rst): no default devices, no display,
 * exit instead of rebooting; the serial console on QEMU's stdout; user networking restricted to
 * the forwarded gdbserver port (`restrict=on`: the guest reaches nothing outside); a
 * virtio-serial controller with the agent's port (a unix-socket chardev) and the forwarded stdio
 * ports (file chardevs appending to host files); one virtio-9p device per shared directory
 * (`security_model=none`: files are created as the user running lapidary); the ivshmem window.
 */
export function qemuArguments(config: VmConfig): string[] {
  const args = [
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-machine', 'pc', '-accel', config.accel, '-cpu', config.cpu,
    '-m', String(config.memoryMiB), '-smp', '1',
    '-kernel', config.kernel, '-initrd', config.initrd,
    '-append', 'console=ttyS0 earlyprintk=serial,ttyS0 panic=-1 loglevel=4 tsc=reliable no_timer_check mitigations=off',
    '-chardev', 'stdio,id=console,signal=off', '-serial', 'chardev:console',
    '-netdev', `user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:${config.gdbPort}-${GUEST.address}:${GUEST.gdbserverPort}`,
    '-device', 'virtio-net-pci,netdev=net0,romfile=',
    '-device', 'virtio-serial-pci,id=vser',
    '-chardev', `socket,id=agent,path=${qemuValue(config.agentSocket)},server=on,wait=off`,
    '-device', `virtserialport,bus=vser.0,chardev=agent,name=${GUEST.agentPort}`,
  ];
  for (const [file, port, id] of [[config.stdoutFile, GUEST.stdoutPort, 'tstdout'], [config.stderrFile, GUEST.stderrPort, 'tstderr']] as const) {
    if (file === undefined) continue;
    args.push('-chardev', `file,id=${id},path=${qemuValue(file)},append=on`, '-device', `virtserialport,bus=vser.0,chardev=${id},name=${port}`);
  }
  for (const share of config.shares) {
    args.push('-fsdev', `local,id=${share.tag},path=${qemuValue(share.path)},security_model=none`,
      '-device', `virtio-9p-pci,fsdev=${share.tag},mount_tag=${share.tag}`);
  }
  if (config.shm !== undefined) {
    args.push('-object', `memory-backend-file,id=shm,size=${config.shm.bytes},mem-path=${qemuValue(config.shm.path)},share=on`,
      '-device', 'ivshmem-plain,memdev=shm');
  }
  return args;
}

/** A free TCP port on 127.0.0.1 (the kernel's choice for port 0; QEMU binds it shortly after). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Lines of the guest console kept for error messages. */
const CONSOLE_LINES = 60;

/** How the boot went, for progress output and benchmarks. */
export interface BootTimes {
  /** From spawning QEMU to the guest's /init printing its first line, ms. */
  initMs?: number;
  /** From spawning QEMU to init reporting the agent and gdbserver started, ms. */
  readyMs: number;
}

/**
 * A running QEMU that lapidary owns: spawned in its own process group, with a cleanup hook
 * (src/gdb/cleanup.ts) that SIGKILLs that group if lapidary exits or is interrupted, and (when
 * util-linux's setpriv exists) PR_SET_PDEATHSIG=SIGKILL, so even a SIGKILLed lapidary leaves no QEMU.
 */
export class QemuVm {
  private readonly consoleLines: string[] = [];
  private stderrTail = '';
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;
  private readonly unregister: () => void;
  private readonly listeners = new Set<(line: string) => void>();

  private constructor(private readonly child: ChildProcess, readonly config: VmConfig) {
    const pid = child.pid!;
    this.unregister = registerCleanup(() => killQuietly(-pid));
    const splitter = new LineSplitter();
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const raw of splitter.push(chunk)) this.onConsole(raw);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4096);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.unregister();
        killQuietly(-pid);
        resolve();
      });
    });
  }

  /**
   * Spawn QEMU for `config`.
   * @throws VmUnavailableError when qemu-system-x86_64 cannot be run.
   */
  static spawn(config: VmConfig): QemuVm {
    const args = qemuArguments(config);
    const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
    const [command, argv] = setpriv !== undefined ? [setpriv, ['--pdeathsig', 'KILL', '--', QEMU, ...args]] : [QEMU, args];
    const child = spawn(command, argv, { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    if (child.pid === undefined) {
      throw new VmUnavailableError(`cannot run ${QEMU}`, { hint: 'install the Debian package qemu-system-x86' });
    }
    child.on('error', () => undefined);
    child.stdin!.on('error', () => undefined);
    return new QemuVm(child, config);
  }

  /** QEMU's pid (also its process group id). */
  get pid(): number {
    return this.child.pid!;
  }

  /** Whether QEMU is still running. */
  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** The last `lines` lines the guest printed on its console (kernel messages, init, the target's unredirected output), plus QEMU's own errors. */
  consoleTail(lines = 25): string {
    const tail = this.consoleLines.slice(-lines).map((l) => `  | ${l}`);
    const stderr = this.stderrTail.trim();
    const shown = [...tail, ...(stderr ? stderr.split('\n').slice(-5).map((l) => `  qemu: ${l}`) : [])];
    return shown.length > 0 ? shown.join('\n') : '  (nothing: the guest stopped before its kernel set up the serial console, e.g. too little memory for the kernel and image)';
  }

  /** Call `listener` with every console line from now on; returns a function that stops it. */
  onConsoleLine(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Wait until the guest's init reports the agent and gdbserver started.
   * @param initTimeoutMs how long /init may take to print its first line (a guest kernel that
   * hangs, as under a nested hypervisor that cannot run it, is given up on then).
   * @throws VmBootError (with `initSeen`) when QEMU exits, init fails, or a deadline passes; QEMU is then killed.
   */
  async waitReady(options: { timeoutMs: number; initTimeoutMs?: number }): Promise<BootTimes> {
    const started = performance.now();
    let initMs: number | undefined;
    let remove = (): void => undefined;
    let timer: NodeJS.Timeout | undefined;
    const problem = await new Promise<string | undefined>((resolve) => {
      const check = (line: string): void => {
        if (line.includes(GUEST.initMarker)) initMs ??= performance.now() - started;
        if (line.includes(GUEST.readyMarker)) resolve(undefined);
        if (line.includes(GUEST.failMarker)) resolve(`the guest's init failed: ${line.slice(line.indexOf(GUEST.failMarker) + GUEST.failMarker.length).trim()}`);
      };
      for (const line of this.consoleLines) check(line);
      remove = this.onConsoleLine(check);
      void this.exited.then(() => resolve(`QEMU exited (${this.exitInfo?.signal ?? `status ${this.exitInfo?.code}`}) before the guest was ready`));
      const tick = (): void => {
        const elapsed = performance.now() - started;
        if (options.initTimeoutMs !== undefined && initMs === undefined && elapsed > options.initTimeoutMs) {
          resolve(`the guest kernel did not start /init within ${Math.round(options.initTimeoutMs / 1000)} s`);
        } else if (elapsed > options.timeoutMs) {
          resolve(`the guest was not ready within ${Math.round(options.timeoutMs / 1000)} s`);
        } else {
          timer = setTimeout(tick, 100);
        }
      };
      tick();
    });
    remove();
    clearTimeout(timer);
    if (problem === undefined) return { ...(initMs !== undefined ? { initMs } : {}), readyMs: performance.now() - started };
    // Let the last console lines and QEMU's error arrive before reporting them.
    await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 300))]);
    await this.kill();
    const error = new VmBootError(`${problem}; guest console (last lines):\n${this.consoleTail()}`, {
      hint: 'see docs/vm.md ("When the VM fails"); LAPIDARY_VM_ACCEL=tcg forces software emulation',
    });
    (error as VmBootError & { initSeen: boolean }).initSeen = initMs !== undefined;
    throw error;
  }

  /** SIGKILL QEMU's process group and wait for it to end. Idempotent. */
  async kill(): Promise<void> {
    if (this.exitInfo === undefined) killQuietly(-this.pid);
    await this.exited;
  }

  /** Wait up to `ms` for QEMU to exit by itself (after the guest powered off); then kill it. */
  async waitExit(ms: number): Promise<void> {
    await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, ms).unref())]);
    await this.kill();
  }

  private onConsole(raw: string): void {
    // The console is a serial line: drop carriage returns and terminal escape sequences.
    const line = raw.replace(/\r/g, '').replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1bc/g, '');
    this.consoleLines.push(line);
    if (this.consoleLines.length > CONSOLE_LINES) this.consoleLines.shift();
    for (const listener of this.listeners) listener(line);
  }
}
