import { execFile } from 'node:child_process';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { VmImageError } from '../errors.js';
import type { CpioEntry } from './cpio.js';

const run = promisify(execFile);

/**
 * The shared libraries a dynamically linked program loads at start (its DT_NEEDED closure and
 * its ELF interpreter, PT_INTERP), as absolute paths, from `ldd` (glibc's, which runs the
 * program's dynamic loader with LD_TRACE_LOADED_OBJECTS=1: ld.so(8)). A static program has none.
 * Libraries loaded later with dlopen(3) are not found: give them as extra inputs.
 * @throws VmImageError when a library is "not found".
 */
export async function sharedLibraries(program: string): Promise<string[]> {
  let output: string;
  try {
    output = (await run('ldd', [program], { env: { ...process.env, LC_ALL: 'C' } })).stdout;
  } catch (error) {
    const text = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
    if (/not a dynamic executable|statically linked/.test(text)) return [];
    throw new VmImageError(`cannot list the libraries of ${program}: ${text.trim() || (error as Error).message}`);
  }
  const libraries: string[] = [];
  for (const line of output.split('\n')) {
    const missing = /^\s*(\S+) => not found/.exec(line);
    if (missing) throw new VmImageError(`${program} needs ${missing[1]}, which the dynamic loader does not find`, { hint: 'install it, or set LD_LIBRARY_PATH for lapidary as for the program' });
    const mapped = /=>\s+(\/\S+)\s+\(/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (mapped) libraries.push(mapped[1]!);
  }
  return libraries;
}

/**
 * The guest root under construction: host files placed at their host paths, with every
 * directory and symbolic link on the way reproduced (Debian 12 has /lib -> usr/lib, /bin ->
 * usr/bin, …), so a path that works on the host works in the guest.
 */
export class GuestTree {
  private readonly entries = new Map<string, CpioEntry>();

  /** Entries in insertion order (parents before children). */
  list(): CpioEntry[] {
    return [...this.entries.values()];
  }

  /** Regular files added, by guest path. */
  files(): string[] {
    return this.list().filter((e) => e.kind === 'file').map((e) => e.path);
  }

  private add(entry: CpioEntry): void {
    if (!this.entries.has(entry.path)) this.entries.set(entry.path, entry);
  }

  /**
   * Reproduce the directories and symbolic links of `path` (absolute) in the guest; returns the
   * path with every link resolved. Links are followed up to 40 times (as the kernel's MAXSYMLINKS).
   */
  async directoryPath(path: string, depth = 0): Promise<string> {
    if (depth > 40) throw new VmImageError(`too many levels of symbolic links at ${path}`);
    let current = '/';
    for (const part of path.split('/').filter((p) => p !== '' && p !== '.')) {
      if (part === '..') { current = dirname(current); continue; }
      const next = join(current, part);
      const st = await lstat(next).catch(() => undefined);
      if (st?.isSymbolicLink()) {
        const target = await readlink(next);
        this.add({ kind: 'symlink', path: next, target });
        current = await this.directoryPath(isAbsolute(target) ? target : resolve(current, target), depth + 1);
      } else {
        this.add({ kind: 'dir', path: next, mode: st?.isDirectory() ? st.mode & 0o7777 : 0o755 });
        current = next;
      }
    }
    return current;
  }

  /** Add the host file `path` (following links, which are reproduced) at the same path. */
  async addFile(path: string, depth = 0): Promise<void> {
    if (depth > 40) throw new VmImageError(`too many levels of symbolic links at ${path}`);
    const dir = await this.directoryPath(dirname(path));
    const at = join(dir, path.split('/').pop()!);
    const st = await lstat(at).catch((error: NodeJS.ErrnoException) => {
      throw new VmImageError(`cannot put ${path} into the guest image: ${error.code ?? error.message}`);
    });
    if (st.isSymbolicLink()) {
      const target = await readlink(at);
      this.add({ kind: 'symlink', path: at, target });
      await this.addFile(isAbsolute(target) ? target : resolve(dir, target), depth + 1);
    } else if (st.isDirectory()) {
      await this.addTree(at);
    } else if (st.isFile()) {
      if (!this.entries.has(at)) this.add({ kind: 'file', path: at, mode: st.mode & 0o7777, data: await readFile(at) });
    } else {
      throw new VmImageError(`${path} is not a regular file or directory; it cannot go into the guest image`);
    }
  }

  /** Add a directory and everything under it. */
  async addTree(path: string): Promise<void> {
    const dir = await this.directoryPath(path);
    for (const name of (await readdir(dir)).sort()) await this.addFile(join(dir, name));
  }

  /** Add a file with given content at `path` (its directories are created plainly). */
  async addContent(path: string, data: Buffer | string, mode = 0o644): Promise<void> {
    const dir = await this.directoryPath(dirname(path));
    this.add({ kind: 'file', path: join(dir, path.split('/').pop()!), mode, data: Buffer.isBuffer(data) ? data : Buffer.from(data) });
  }

  /** Add a program and every library it loads at start. */
  async addProgram(path: string): Promise<void> {
    await this.addFile(path);
    for (const library of await sharedLibraries(path)) await this.addFile(library);
  }
}
