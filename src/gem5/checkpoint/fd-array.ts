import type { FileDescriptor } from '../../process/types.js';
import { bool, dec, type CptSection } from './ini.js';

/** FDArray::_numFDs (src/sim/fd_array.hh:150); asserted on restore. */
export const NUM_FDS = 1024;

/** FDEntry::FDClass (src/sim/fd_entry.hh:55-64). */
const FD_FILE = 2;
const FD_NULL = 6;

/** open(2) flags a reopen must not repeat: they would create, truncate or refuse the file. */
const O_CREAT = 0o100;
const O_EXCL = 0o200;
const O_TRUNC = 0o1000;
export const REOPEN_STRIPPED_FLAGS = O_CREAT | O_EXCL | O_TRUNC;

/**
 * `[…fdarray]` and its 1024 `Entry<fd>` sections (src/sim/fd_array.cc:355-446,
 * src/sim/fd_entry.cc:39-101). Regular files are reopened by absolute path at their offset with
 * O_CREAT/O_EXCL/O_TRUNC stripped; every other descriptor is fd_null, i.e. closed after
 * restore (gem5 drops pipe, device and socket entries anyway). Entries 0-2 are written for
 * inspection only: restore takes stdio from the Process parameters.
 * @param pathFor maps a descriptor to the path gem5 should open (the native path by default).
 */
export function fdArraySections(
  prefix: string,
  fds: readonly FileDescriptor[],
  pathFor: (fd: FileDescriptor) => string = (fd) => fd.target,
): CptSection[] {
  const byNumber = new Map(fds.map((fd) => [fd.fd, fd]));
  const sections: CptSection[] = [{ name: prefix, entries: [['size', dec(NUM_FDS)]] }];
  for (let n = 0; n < NUM_FDS; n++) {
    const fd = byNumber.get(n);
    if (fd !== undefined && fd.disposition !== 'closed') {
      sections.push({
        name: `${prefix}.Entry${n}`,
        entries: [
          ['class', dec(FD_FILE)],
          ['_closeOnExec', bool(fd.closeOnExec)],
          ['_flags', dec(fd.flags & ~REOPEN_STRIPPED_FLAGS)],
          ['_fileName', pathFor(fd)],
          ['_fileOffset', dec(fd.offset)],
          ['_mode', '0'],
        ],
      });
    } else {
      sections.push({ name: `${prefix}.Entry${n}`, entries: [['class', dec(FD_NULL)]] });
    }
  }
  return sections;
}
