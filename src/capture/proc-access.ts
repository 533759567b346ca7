import { execFile } from 'node:child_process';
import { open, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** Positional reads from a file-like source, as FileHandle.read does. */
export interface RandomReader {
  /**
   * Read up to `length` bytes at byte `position` into `buffer` at `offset`; resolves the count read:
   * fewer at EOF or at an unreadable page, 0 at EOF or (/proc/PID/mem) once the process's memory
   * is gone; rejects with EIO when the first byte is unreadable memory.
   */
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

/** The size of a file and its data extents, `[start, end)` byte offsets, ascending. */
export interface DataExtents {
  size: bigint;
  extents: Array<[bigint, bigint]>;
}

/** The native helper answering ProcAccess.dataExtents on this machine (src/native/data-extents.c). */
const DATA_EXTENTS_HELPER = fileURLToPath(new URL('../../dist/native/lapidary-data-extents', import.meta.url));

/** The native helper answering ProcAccess.touchedPages on this machine (src/native/touched-pages.c). */
const TOUCHED_PAGES_HELPER = fileURLToPath(new URL('../../dist/native/lapidary-touched-pages', import.meta.url));

/** Parse lapidary-data-extents output: `size N`, then `START END` lines. */
export function parseDataExtents(text: string): DataExtents {
  const [sizeLine, ...lines] = text.trim().split('\n');
  const size = /^size (\d+)$/.exec(sizeLine ?? '');
  if (size === null) throw new Error(`lapidary-data-extents printed ${JSON.stringify(text)}`);
  return { size: BigInt(size[1]!), extents: lines.filter((l) => l !== '').map((l) => l.split(' ').map(BigInt) as [bigint, bigint]) };
}

/** What fstat says a descriptor or path is. */
export type FileKind = 'file' | 'chardev' | 'blockdev' | 'directory' | 'fifo' | 'socket' | 'other';

/**
 * Access to the target machine's /proc and the target's memory. Capture reads everything
 * through this, so the same code captures a process on this machine (LocalProcAccess) or inside
 * a VM through an agent.
 */
export interface ProcAccess {
  readFile(path: string): Promise<Buffer>;
  readlink(path: string): Promise<string>;
  readdir(path: string): Promise<string[]>;
  /** The kind of file `path` is (following links), or undefined if it cannot be stat'ed. */
  kind(path: string): Promise<FileKind | undefined>;
  /** /proc/PID/mem, /proc/PID/pagemap and the like, for positional reads. */
  openReader(path: string): Promise<RandomReader>;
  /**
   * The data extents of file `path` within `[offset, offset + length)` bytes, found with lseek(2)
   * SEEK_DATA/SEEK_HOLE, without reading or allocating anything; undefined when the file cannot
   * be opened or does not answer SEEK_DATA (SysV shm). Absent where no helper can ask (a VM).
   */
  dataExtents?(path: string, offset: bigint, length: bigint): Promise<DataExtents | undefined>;
  /**
   * The runs `[start, end)` (byte addresses, page-aligned, ascending) of pages present or swapped
   * in process `pid` within `[start, end)`, from the kernel's page-table walk (ioctl PAGEMAP_SCAN,
   * Linux 6.7+); undefined when the kernel lacks it or the scan fails (the caller reads
   * /proc/PID/pagemap instead). Absent where no helper can ask (a VM).
   */
  touchedPages?(pid: number, start: bigint, end: bigint): Promise<Array<[bigint, bigint]> | undefined>;
}

/** /proc of this machine, through Node's fs. */
export const LOCAL_PROC: ProcAccess = {
  readFile: (path) => readFile(path),
  readlink: (path) => readlink(path),
  readdir: (path) => readdir(path),
  kind: async (path) => {
    const st = await stat(path).catch(() => undefined);
    if (st === undefined) return undefined;
    return st.isFile() ? 'file' : st.isCharacterDevice() ? 'chardev' : st.isBlockDevice() ? 'blockdev'
      : st.isDirectory() ? 'directory' : st.isFIFO() ? 'fifo' : st.isSocket() ? 'socket' : 'other';
  },
  openReader: async (path) => {
    const handle = await open(path, 'r');
    return {
      read: async (buffer, offset, length, position) => (await handle.read(buffer, offset, length, position)).bytesRead,
      close: () => handle.close(),
    };
  },
  dataExtents: async (path, offset, length) => {
    try {
      const { stdout } = await promisify(execFile)(DATA_EXTENTS_HELPER, [path, offset.toString(), length.toString()], { maxBuffer: 256 * 1024 * 1024 });
      return parseDataExtents(stdout);
    } catch {
      return undefined; // cannot be opened (no CAP_SYS_ADMIN for map_files) or no usable SEEK_DATA: exit status 1 or 2
    }
  },
  touchedPages: async (pid, start, end) => {
    try {
      const { stdout } = await promisify(execFile)(TOUCHED_PAGES_HELPER, [String(pid), start.toString(16), end.toString(16)], { maxBuffer: 256 * 1024 * 1024 });
      return stdout.split('\n').filter((l) => l !== '').map((l) => l.split(' ').map((h) => BigInt(`0x${h}`)) as [bigint, bigint]);
    } catch {
      return undefined; // no PAGEMAP_SCAN (Linux < 6.7), or the process is gone: the pagemap read finds out
    }
  },
};
