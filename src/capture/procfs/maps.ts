import type { ProcAccess } from '../proc-access.js';
import { UnsupportedTargetError } from '../../errors.js';
import type { MemoryRegion, RegionKind } from '../../process/types.js';

const MAPS_LINE = /^([0-9a-f]+)-([0-9a-f]+) ([r-])([w-])([x-])([ps]) ([0-9a-f]+) ([0-9a-f]+:[0-9a-f]+) (\d+)\s*(.*)$/;
/** What the kernel appends to the path of an unlinked file in /proc/PID/maps, exe and fd links (fs/d_path.c). */
export const DELETED_SUFFIX = ' (deleted)';

/**
 * Parse the text of /proc/PID/maps into regions, in address order.
 * Format: proc(5), "/proc/pid/maps": `start-end perms offset dev inode pathname`.
 * @throws UnsupportedTargetError on a line that does not follow that format.
 */
export function parseMaps(text: string): MemoryRegion[] {
  const regions: MemoryRegion[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = MAPS_LINE.exec(line);
    if (!m) throw new UnsupportedTargetError(`cannot parse /proc/PID/maps line: ${JSON.stringify(line)}`);
    const [, start, end, r, w, x, ps, offset, device, inode, rawPath] = m as unknown as string[];
    const deleted = rawPath!.endsWith(DELETED_SUFFIX);
    const path = deleted ? rawPath!.slice(0, -DELETED_SUFFIX.length) : rawPath!;
    const region: MemoryRegion = {
      start: BigInt(`0x${start}`),
      end: BigInt(`0x${end}`),
      prot: { read: r === 'r', write: w === 'w', exec: x === 'x' },
      shared: ps === 's',
      offset: BigInt(`0x${offset}`),
      device: device!,
      inode: Number(inode),
      deleted,
      kind: regionKind(path),
    };
    if (path !== '') region.path = path;
    regions.push(region);
  }
  return regions;
}

function regionKind(path: string): RegionKind {
  if (path === '') return 'anon';
  if (path === '[heap]') return 'heap';
  if (path === '[stack]') return 'stack';
  if (path === '[vdso]') return 'vdso';
  if (path === '[vvar]' || path === '[vvar_vclock]') return 'vvar';
  if (path === '[vsyscall]') return 'vsyscall';
  if (path.startsWith('[')) return 'anon'; // e.g. [anon:name] from PR_SET_VMA_ANON_NAME
  return 'file';
}

/** Read and parse /proc/PID/maps. */
export async function readMaps(proc: ProcAccess, pid: number): Promise<MemoryRegion[]> {
  return parseMaps((await proc.readFile(`/proc/${pid}/maps`)).toString('utf8'));
}
