/**
 * Writer for the "newc" cpio format, the one the Linux kernel unpacks as an initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte ASCII header per
 * entry (magic 070701, thirteen 8-digit hex fields), the NUL-terminated name, padding to 4
 * bytes, the data, padding to 4 bytes; the archive ends with an entry named TRAILER!!!.
 * Several archives may be concatenated: the kernel unpacks them in order.
 */

/** One archive member. Directories must come before what they contain. */
export type CpioEntry =
  | { kind: 'file'; path: string; mode: number; data: Buffer }
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'symlink'; path: string; target: string };

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function header(ino: number, mode: number, nlink: number, size: number, nameSize: number): string {
  const fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, nameSize, 0];
  return `070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`;
}

const pad4 = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4);

/** Encode entries (paths without a leading slash are taken relative to /) as one newc archive. Owner root, mtime 0. */
export function encodeCpio(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const add = (name: string, mode: number, nlink: number, data: Buffer): void => {
    const nameBytes = Buffer.from(`${name}\0`, 'utf8');
    const head = Buffer.from(header(ino++, mode, nlink, data.length, nameBytes.length), 'latin1');
    parts.push(head, nameBytes, pad4(head.length + nameBytes.length), data, pad4(data.length));
  };
  for (const entry of entries) {
    const name = entry.path.replace(/^\/+/, '');
    if (entry.kind === 'file') add(name, S_IFREG | (entry.mode & 0o7777), 1, entry.data);
    else if (entry.kind === 'dir') add(name, S_IFDIR | (entry.mode & 0o7777), 2, Buffer.alloc(0));
    else add(name, S_IFLNK | 0o777, 1, Buffer.from(entry.target, 'utf8'));
  }
  add('TRAILER!!!', 0, 1, Buffer.alloc(0));
  return Buffer.concat(parts);
}
