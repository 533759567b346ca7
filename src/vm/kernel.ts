import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { VmUnavailableError } from '../errors.js';

const run = promisify(execFile);

/**
 * Kernel modules the guest loads, by name: PCI virtio transport, the NIC (gdbserver's port is
 * forwarded through QEMU user networking), virtio-serial ports (the agent and forwarded stdio),
 * and 9p over virtio (host directories the target writes to).
 */
export const GUEST_MODULES = ['virtio_pci', 'virtio_net', 'virtio_console', '9pnet_virtio', '9p'] as const;

/** A Debian kernel usable for the guest. */
export interface GuestKernel {
  /** `uname -r` of the kernel, e.g. `6.1.0-56-amd64`. */
  version: string;
  /** The bzImage from the Debian package (/boot/vmlinuz-VERSION). */
  image: string;
  /** /lib/modules/VERSION. */
  modulesDir: string;
  /** Module files (relative to modulesDir) to load, dependencies first. */
  modules: string[];
}

/** Compare `6.1.0-56-amd64`-like versions numerically, part by part. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    const d = Number.isInteger(nx) && Number.isInteger(ny) ? nx - ny : x.localeCompare(y);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The module files needed for GUEST_MODULES from modules.dep (kmod's format: `path: dep dep…`,
 * dependencies of dependencies included), in load order; built-in ones (modules.builtin) need none.
 * @returns undefined with the missing module when the kernel lacks one.
 */
export function moduleLoadOrder(modulesDep: string, builtin: string, wanted: readonly string[]): { modules: string[] } | { missing: string } {
  const deps = new Map<string, string[]>();
  const byName = new Map<string, string>();
  const nameOf = (path: string) => basename(path).replace(/\.ko(\.[a-z]+)?$/, '').replace(/-/g, '_');
  for (const line of modulesDep.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const path = line.slice(0, colon);
    deps.set(path, line.slice(colon + 1).trim().split(/\s+/).filter((d) => d !== ''));
    byName.set(nameOf(path), path);
  }
  const builtIn = new Set(builtin.split('\n').filter((l) => l !== '').map(nameOf));
  const order: string[] = [];
  const visit = (path: string): void => {
    if (order.includes(path)) return;
    for (const dep of deps.get(path) ?? []) visit(dep);
    order.push(path);
  };
  for (const name of wanted) {
    const key = name.replace(/-/g, '_');
    if (builtIn.has(key)) continue;
    const path = byName.get(key);
    if (path === undefined) return { missing: name };
    visit(path);
  }
  return { modules: order };
}

/**
 * Find the kernel for the guest: `explicit` (a /boot/vmlinuz-VERSION path) or the newest
 * /boot/vmlinuz-* whose /lib/modules/VERSION has every GUEST_MODULES module (Debian's
 * linux-image-amd64 has them; linux-image-cloud-amd64 lacks 9p).
 * @throws VmUnavailableError naming the Debian package to install.
 */
export async function findGuestKernel(explicit?: string): Promise<GuestKernel> {
  const candidates = explicit !== undefined ? [explicit]
    : (await readdir('/boot').catch(() => [] as string[])).filter((f) => f.startsWith('vmlinuz-')).map((f) => join('/boot', f))
      .sort((a, b) => compareVersions(basename(b).slice(8), basename(a).slice(8)));
  const rejected: string[] = [];
  for (const image of candidates) {
    const version = basename(image).replace(/^vmlinuz-/, '');
    const modulesDir = join('/lib/modules', version);
    const dep = await readFile(join(modulesDir, 'modules.dep'), 'utf8').catch(() => undefined);
    if (dep === undefined) { rejected.push(`${image}: no ${modulesDir}/modules.dep`); continue; }
    const builtin = await readFile(join(modulesDir, 'modules.builtin'), 'utf8').catch(() => '');
    const order = moduleLoadOrder(dep, builtin, GUEST_MODULES);
    if ('missing' in order) { rejected.push(`${image}: no ${order.missing} module`); continue; }
    try {
      await stat(image);
    } catch {
      rejected.push(`${image}: unreadable`);
      continue;
    }
    return { version, image, modulesDir, modules: order.modules };
  }
  throw new VmUnavailableError(
    candidates.length === 0 ? 'no Debian kernel in /boot for the VM guest' : `no usable kernel for the VM guest (${rejected.join('; ')})`,
    { hint: 'install the Debian package linux-image-amd64 (it has the virtio and 9p modules the guest needs)' },
  );
}

/** XEN_ELFNOTE_PHYS32_ENTRY (xen/include/public/elfnote.h): the PVH entry point QEMU boots an uncompressed vmlinux through. */
const XEN_ELFNOTE_PHYS32_ENTRY = 18;

/** Whether `elf` (a 64-bit little-endian ELF) has a Xen PVH entry note. */
export function hasPvhNote(elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) return false;
  const phoff = Number(elf.readBigUInt64LE(32));
  const phentsize = elf.readUInt16LE(54);
  const phnum = elf.readUInt16LE(56);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (elf.readUInt32LE(ph) !== 4) continue; // PT_NOTE
    const offset = Number(elf.readBigUInt64LE(ph + 8));
    const size = Number(elf.readBigUInt64LE(ph + 32));
    for (let at = offset; at + 12 <= offset + size;) {
      const namesz = elf.readUInt32LE(at);
      const descsz = elf.readUInt32LE(at + 4);
      const type = elf.readUInt32LE(at + 8);
      const name = elf.subarray(at + 12, at + 12 + namesz).toString('latin1').replace(/\0+$/, '');
      if (name === 'Xen' && type === XEN_ELFNOTE_PHYS32_ENTRY) return true;
      at += 12 + Math.ceil(namesz / 4) * 4 + Math.ceil(descsz / 4) * 4;
    }
  }
  return false;
}

/** Decompress the payload of a bzImage (xz, gzip or zstd, whichever magic comes first). */
async function decompressPayload(bz: Buffer, scratch: string): Promise<Buffer | undefined> {
  const magics: Array<[Buffer, 'xz' | 'gzip' | 'zstd']> = [
    [Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), 'xz'],
    [Buffer.from([0x1f, 0x8b, 0x08]), 'gzip'],
    [Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 'zstd'],
  ];
  const found = magics.map(([magic, kind]) => ({ at: bz.indexOf(magic), kind })).filter((m) => m.at >= 0).sort((a, b) => a.at - b.at);
  for (const { at, kind } of found) {
    try {
      if (kind === 'gzip') return gunzipSync(bz.subarray(at));
      await writeFile(scratch, bz.subarray(at));
      const tool = kind === 'xz' ? ['xz', ['-dc', '--single-stream', scratch]] as const : ['zstd', ['-dcq', scratch]] as const;
      const { stdout } = await run(tool[0], [...tool[1]], { encoding: 'buffer', maxBuffer: 1 << 30 });
      return stdout;
    } catch {
      // not this one, or the tool is missing: try the next magic
    }
  }
  return undefined;
}

/**
 * The file QEMU's `-kernel` should boot. An uncompressed vmlinux with a PVH note boots directly
 * at its 32-bit entry (QEMU hw/i386/x86.c, pvh); that skips the bzImage decompressor, which
 * takes about a minute under TCG (measured: 70 s vs 6 s to the guest's init on this machine)
 * and hangs under some nested hypervisors. The vmlinux is extracted once (xz from xz-utils for
 * Debian's kernels) and kept in `cacheDir`; the bzImage is used when that is impossible.
 */
export async function bootableKernel(kernel: GuestKernel, cacheDir: string): Promise<{ path: string; pvh: boolean }> {
  const bz = await readFile(kernel.image);
  const hash = createHash('sha256').update(bz).digest('hex').slice(0, 16);
  const dir = join(cacheDir, 'kernels');
  const target = join(dir, `vmlinux-${kernel.version}-${hash}`);
  if (await stat(target).then((s) => s.size > 0, () => false)) return { path: target, pvh: true };
  await mkdir(dir, { recursive: true });
  const scratch = `${target}.${process.pid}.payload`;
  const elf = await decompressPayload(bz, scratch);
  await rm(scratch, { force: true });
  if (elf === undefined || !hasPvhNote(elf)) return { path: kernel.image, pvh: false };
  await writeFile(`${target}.${process.pid}`, elf);
  await rename(`${target}.${process.pid}`, target);
  return { path: target, pvh: true };
}
