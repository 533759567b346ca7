import { createReadStream, createWriteStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isReopenableDevicePath } from '../capture/fds.js';
import { UsageError } from '../errors.js';

/** File name, in the checkpoint directory, of a pipe's contents read before the program starts. */
export const CAPTURED_STDIN_FILE = 'stdin.captured';

/** The stdin a target is started with, and the note every checkpoint carries about it. */
export interface PreparedStdin {
  /** Absolute path the launcher opens read-only as fd 0. */
  path: string;
  /** Set when lapidary read a pipe, FIFO or socket to its end into `path` (what and how many bytes). */
  note?: string;
}

/** The descriptor of lapidary's own that `path` names (/dev/stdin, /dev/fd/N, /proc/self/fd/N), if any. */
function ownDescriptor(path: string): number | undefined {
  if (path === '/dev/stdin') return 0;
  const match = new RegExp(`^/(?:dev/fd|proc/(?:self|${process.pid})/fd)/(\\d+)$`).exec(path);
  return match === null ? undefined : Number(match[1]);
}

/**
 * Make `--stdin` something a checkpoint can hold. gem5 gives a restored program its stdin as a
 * file it opens at offset 0 (src/sim/fd_array.cc:64-76): a regular file works (its unread rest
 * goes into each checkpoint), a /dev/null-like device is reopened as itself, but what a pipe
 * still held at the checkpoint is gone. So a pipe, FIFO or socket (`--stdin /dev/stdin` with
 * lapidary's stdin piped, `--stdin some.fifo`) is read to its end first, into
 * `<directory>/stdin.captured`, and the program reads that file. Links are resolved here,
 * in lapidary: `/dev/stdin` opened by the launcher would be gdb's stdin, not lapidary's.
 * Reading waits for the writer to close its end (a FIFO also for a writer to open it).
 * @throws UsageError for a terminal, another device, a directory, or a path that does not exist.
 */
export async function prepareStdin(path: string, directory: string): Promise<PreparedStdin> {
  const st = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--stdin ${path} cannot be opened: ${error.code ?? error.message}`, { hint: 'give a regular file, a pipe or /dev/null' });
  });
  const real = await realpath(path).catch(() => path);
  if (st.isFile()) return { path: real };
  if (st.isCharacterDevice() && isReopenableDevicePath(real)) return { path: real };
  if (st.isFIFO() || st.isSocket()) {
    const dest = join(directory, CAPTURED_STDIN_FILE);
    const out = createWriteStream(dest);
    // A socket cannot be opened by path (ENXIO): lapidary's own descriptor is read instead.
    const own = ownDescriptor(path);
    const source = own !== undefined ? createReadStream('', { fd: own, autoClose: false }) : createReadStream(path);
    await pipeline(source, out).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`--stdin ${path} could not be read to its end: ${error.code ?? error.message}`, { hint: 'give a regular file instead' });
    });
    return {
      path: dest,
      note: `--stdin ${path} was ${st.isFIFO() ? 'a pipe or FIFO' : 'a socket'}: lapidary read it to its end (${out.bytesWritten} bytes) into ${dest} before starting the program, which reads that file as stdin`,
    };
  }
  const kind = st.isCharacterDevice() ? 'a terminal or other character device' : st.isDirectory() ? 'a directory' : 'not a regular file';
  throw new UsageError(`--stdin ${path} is ${kind}; a checkpoint cannot hold what the program would read from it`, {
    hint: 'give a regular file (or a pipe, which lapidary reads to its end first), or /dev/null',
  });
}
