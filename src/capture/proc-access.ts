import { open, readdir, readFile, readlink, stat } from 'node:fs/promises';

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
};
