import { NUM_FDS } from '../gem5/checkpoint/fd-array.js';
import type { FileDescriptor } from '../process/types.js';
import type { RawFileDescriptor } from './procfs/fdinfo.js';

/** Character devices whose meaning does not depend on the process: safe to reopen by path. */
const REOPENABLE_DEVICES = new Set(['/dev/null', '/dev/zero', '/dev/random', '/dev/urandom', '/dev/full']);
const PROCESS_SPECIFIC = /^\/(proc|sys)\//;

/** Whether `path` names a device whose meaning does not depend on the process (/dev/null, /dev/zero, …). */
export function isReopenableDevicePath(path: string): boolean {
  return REOPENABLE_DEVICES.has(path);
}

/** Whether a descriptor is such a device, open as a character device. */
export function isReopenableDevice(fd: Pick<FileDescriptor, 'type' | 'target'>): boolean {
  return fd.type === 'chardev' && isReopenableDevicePath(fd.target);
}

/** O_ACCMODE and O_RDONLY (asm-generic/fcntl.h). */
export const O_ACCMODE = 0o3;
export const O_RDONLY = 0o0;

/** Whether a descriptor was opened for writing (O_WRONLY or O_RDWR). */
export function isWritable(fd: Pick<FileDescriptor, 'flags'>): boolean {
  return (fd.flags & O_ACCMODE) !== O_RDONLY;
}

/**
 * Decide how each descriptor survives restore. gem5 v24 reinstalls only regular-file entries
 * (src/sim/fd_array.cc:355-446), reopening them by path: so regular files, directories and
 * process-independent devices are reopened; pipes, sockets, eventfds, epoll, deleted files and
 * /proc or /sys files are closed after restore, each with the reason the user is warned with.
 * Descriptors 0-2 are the program's stdio, which gem5 takes from its Process parameters.
 * Descriptors >= 1024 are closed too: gem5 v24's fd table is a fixed std::array of 1024 entries
 * (FDArray::_numFDs, src/sim/fd_array.hh:150), unserialize asserts the checkpoint's table has
 * that size (src/sim/fd_array.cc:375-376), and a system call on a larger fd fails the bounds
 * assertion of FDArray::getFDEntry (src/sim/fd_array.cc:322): gem5.opt aborts.
 */
export function classifyDescriptors(raw: readonly RawFileDescriptor[]): FileDescriptor[] {
  return raw.map((fd): FileDescriptor => {
    if (fd.fd <= 2) return { ...fd, disposition: 'stdio' };
    const closed = (reason: string): FileDescriptor => ({ ...fd, disposition: 'closed', reason });
    if (fd.fd >= NUM_FDS) return closed(`gem5 v24's fd table holds descriptors 0-${NUM_FDS - 1} only (src/sim/fd_array.hh:150); a system call on it after restore fails the assertion in gem5's FDArray::getFDEntry (src/sim/fd_array.cc:322) and gem5.opt aborts`);
    if (!fd.target.startsWith('/')) return closed(`${fd.target} is not a file gem5 can reopen`);
    if (fd.target.endsWith(' (deleted)')) return closed('the file was deleted while open');
    if (PROCESS_SPECIFIC.test(fd.target)) return closed('/proc and /sys files describe the native process, not the simulated one');
    if (fd.type === 'file' || fd.type === 'directory') return { ...fd, disposition: 'reopen' };
    if (isReopenableDevice(fd)) return { ...fd, disposition: 'reopen' };
    return closed(`${fd.type} ${fd.target} cannot be reopened in gem5`);
  });
}
