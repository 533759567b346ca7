
/** Auxiliary vector entry types used by lapidary (linux/include/uapi/linux/auxvec.h). */
export const AT_NULL = 0n;
export const AT_IGNORE = 1n;
export const AT_SYSINFO_EHDR = 33n;

/** Parse the binary /proc/PID/auxv: pairs of little-endian u64 (type, value), ending with AT_NULL. */
export function parseAuxv(bytes: Uint8Array): Array<[type: bigint, value: bigint]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: Array<[bigint, bigint]> = [];
  for (let at = 0; at + 16 <= bytes.byteLength; at += 16) {
    const type = view.getBigUint64(at, true);
    if (type === AT_NULL) break;
    entries.push([type, view.getBigUint64(at + 8, true)]);
  }
  return entries;
}
