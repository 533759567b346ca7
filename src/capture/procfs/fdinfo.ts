import type { ProcAccess } from '../proc-access.js';
import type { FileDescriptor } from '../../process/types.js';

/** O_CLOEXEC as the kernel reports it in fdinfo `flags` (asm-generic/fcntl.h: 02000000). */
export const O_CLOEXEC = 0o2000000;

/**
 * Parse /proc/PID/fdinfo/N (proc(5), "/proc/pid/fdinfo"): `pos` (decimal bytes) and
 * `flags` (octal, open(2) flags including O_CLOEXEC).
 */
export function parseFdinfo(text: string): { offset: bigint; flags: number } {
  const pos = /^pos:\s+(\d+)$/m.exec(text);
  const flags = /^flags:\s+([0-7]+)$/m.exec(text);
  if (!pos || !flags) throw new Error(`fdinfo without pos/flags: ${JSON.stringify(text)}`);
  return { offset: BigInt(pos[1]!), flags: parseInt(flags[1]!, 8) };
}

/** What an open descriptor is, before lapidary decides how it survives restore. */
export type RawFileDescriptor = Omit<FileDescriptor, 'disposition' | 'reason'>;

/**
 * List the open file descriptors of PID with target, flags, offset and file type.
 * Descriptors that close while being read are skipped.
 */
export async function readFileDescriptors(proc: ProcAccess, pid: number): Promise<RawFileDescriptor[]> {
  const names = await proc.readdir(`/proc/${pid}/fd`);
  const fds: RawFileDescriptor[] = [];
  for (const name of names.map(Number).sort((a, b) => a - b)) {
    try {
      const [target, info, kind] = await Promise.all([
        proc.readlink(`/proc/${pid}/fd/${name}`),
        proc.readFile(`/proc/${pid}/fdinfo/${name}`),
        proc.kind(`/proc/${pid}/fd/${name}`),
      ]);
      const { offset, flags } = parseFdinfo(info.toString('utf8'));
      fds.push({
        fd: name,
        target,
        flags: flags & ~O_CLOEXEC,
        offset,
        closeOnExec: (flags & O_CLOEXEC) !== 0,
        type: kind ?? 'other',
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return fds;
}
