import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VmUnavailableError } from '../errors.js';
import { LAUNCHER } from '../create/launch.js';
import { encodeCpio, type CpioEntry } from './cpio.js';
import { GuestTree } from './guest-files.js';
import { initScript, GUEST } from './init-script.js';
import type { GuestKernel } from './kernel.js';

/** lapidary's in-guest agent, built from src/native/vm-agent.c by `npm run build`. */
export const AGENT = fileURLToPath(new URL('../../dist/native/lapidary-vm-agent', import.meta.url));

/** Bumped when the image layout changes, so old cached images are not reused. */
const IMAGE_FORMAT = 'lapidary-vm-image/1';

/** Host programs the guest runs, with the Debian package that provides each. */
const GUEST_TOOLS = [
  { path: '/bin/busybox', package: 'busybox-static' },
  { path: '/usr/bin/gdbserver', package: 'gdbserver' },
] as const;

/** Small host files that make the guest's user space behave like the host's. */
const ETC_FILES = ['/etc/ld.so.cache', '/etc/passwd', '/etc/group', '/etc/nsswitch.conf', '/etc/localtime'];

/** What goes into an image besides lapidary's own guest tools. */
export interface ImageContents {
  /** The target: its executable (and libraries), and the input files its command line names. */
  target?: { exe: string; argv: readonly string[]; cwd: string; stdin?: string };
  /** More files or directories to include at their host paths (inputs the command line does not name, dlopen'ed libraries). */
  inputs?: readonly string[];
}

/** A built (or cached) guest image. */
export interface GuestImage {
  /** The initramfs (newc cpio), under the cache directory. */
  path: string;
  /** sha256 of everything in the image: its name in the cache. */
  key: string;
  bytes: number;
  files: number;
  /** Input files of the target found on its command line or given, as included. */
  inputs: string[];
  /** Whether this call built it (false: it was in the cache already). */
  built: boolean;
  /** Milliseconds spent collecting, hashing and (when built) writing. */
  ms: number;
}

/** Metadata kept next to each cached image (`<key>.json`), shown by `lapidary vm status`. */
export interface ImageRecord {
  format: string;
  key: string;
  createdAt: string;
  kernel: string;
  target: string | null;
  inputs: string[];
  files: number;
  bytes: number;
}

/** Whether `path` names a regular file. */
async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/**
 * The input files a command line names: each argument (or the value after `=` in `--opt=VALUE`)
 * that is an existing regular file, resolved against the working directory, plus stdin's file.
 */
export async function commandLineInputs(target: NonNullable<ImageContents['target']>): Promise<string[]> {
  const found: string[] = [];
  const candidates = target.argv.slice(1).flatMap((arg) => (arg.includes('=') ? [arg, arg.slice(arg.indexOf('=') + 1)] : [arg]));
  if (target.stdin !== undefined && target.stdin.startsWith('/')) candidates.push(target.stdin);
  for (const candidate of candidates.filter((c) => c !== '')) {
    const path = resolve(target.cwd, candidate);
    if (!found.includes(path) && !path.startsWith('/proc/') && !path.startsWith('/dev/') && await isFile(path)) found.push(path);
  }
  return found;
}

/** Digest of the entries: paths, kinds, modes, link targets and content hashes. */
function digest(entries: readonly CpioEntry[], kernel: GuestKernel): string {
  const hash = createHash('sha256').update(`${IMAGE_FORMAT}\n${kernel.version}\n`);
  for (const e of entries) {
    hash.update(`${e.kind}\0${e.path}\0`);
    if (e.kind === 'file') hash.update(`${e.mode}\0${createHash('sha256').update(e.data).digest('hex')}\n`);
    else if (e.kind === 'dir') hash.update(`${e.mode}\n`);
    else hash.update(`${e.target}\n`);
  }
  return hash.digest('hex');
}

/**
 * Collect the guest root: busybox (the shell and tools /init uses), gdbserver, the agent and
 * lapidary's launcher, each with its shared libraries; the kernel modules the guest needs; the
 * target with its libraries and input files; all at their host paths. Then reuse the cached
 * image with the same content hash, or write a new one (`<cacheDir>/images/<key>.cpio`).
 * @throws VmUnavailableError naming the Debian package of a missing guest tool.
 */
export async function ensureGuestImage(contents: ImageContents, kernel: GuestKernel, cacheDir: string): Promise<GuestImage> {
  const started = performance.now();
  for (const tool of GUEST_TOOLS) {
    if (!(await isFile(tool.path))) throw new VmUnavailableError(`${tool.path} is missing; the VM guest needs it`, { hint: `install the Debian package ${tool.package}` });
  }
  for (const own of [AGENT, LAUNCHER]) {
    if (!(await isFile(own))) throw new VmUnavailableError(`${own} is missing`, { hint: 'run npm run build' });
  }
  const tree = new GuestTree();
  await tree.addContent('/init', initScript({ agent: AGENT }), 0o755);
  for (const tool of GUEST_TOOLS) await tree.addProgram(tool.path);
  await tree.addProgram(AGENT);
  await tree.addProgram(LAUNCHER);
  const modules: string[] = [];
  for (const module of kernel.modules) {
    const path = join(kernel.modulesDir, module);
    await tree.addFile(path);
    modules.push(path);
  }
  await tree.addContent(GUEST.modulesFile, `${modules.join('\n')}\n`);
  for (const file of ETC_FILES) if (await isFile(file)) await tree.addFile(file);
  await tree.directoryPath('/tmp');
  const inputs: string[] = [];
  if (contents.target !== undefined) {
    await tree.addProgram(contents.target.exe);
    inputs.push(...await commandLineInputs(contents.target));
    // The working directory is not put into the image: it is shared from the host at boot (guest-run.ts).
  }
  for (const extra of contents.inputs ?? []) if (!inputs.includes(resolve(extra))) inputs.push(resolve(extra));
  for (const input of inputs) await tree.addFile(input);
  const entries = tree.list();
  const key = digest(entries, kernel);
  const dir = join(cacheDir, 'images');
  const path = join(dir, `${key}.cpio`);
  const existing = await stat(path).catch(() => undefined);
  const files = entries.filter((e) => e.kind === 'file').length;
  if (existing !== undefined) {
    return { path, key, bytes: existing.size, files, inputs, built: false, ms: performance.now() - started };
  }
  await mkdir(dir, { recursive: true });
  const archive = encodeCpio(entries);
  const temporary = `${path}.${process.pid}`;
  await writeFile(temporary, archive);
  await rename(temporary, path);
  const record: ImageRecord = {
    format: IMAGE_FORMAT,
    key,
    createdAt: new Date().toISOString(),
    kernel: kernel.version,
    target: contents.target === undefined ? null : [contents.target.exe, ...contents.target.argv.slice(1)].join(' '),
    inputs,
    files,
    bytes: archive.length,
  };
  await writeFile(join(dir, `${key}.json`), `${JSON.stringify(record, null, 2)}\n`);
  return { path, key, bytes: archive.length, files, inputs, built: true, ms: performance.now() - started };
}

/** The images in the cache, newest first. */
export async function listCachedImages(cacheDir: string): Promise<ImageRecord[]> {
  const dir = join(cacheDir, 'images');
  const names = await readdir(dir).catch(() => [] as string[]);
  const records: ImageRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      records.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as ImageRecord);
    } catch {
      // a half-written record: ignore
    }
  }
  return records.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
