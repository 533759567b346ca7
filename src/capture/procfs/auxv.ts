
/** Auxiliary vector entry types used by lapidary (linux/include/uapi/linux/auxvec.h). */
export const AT_NULL = 0n;
export const AT_IGNORE = 1n;
export const AT_SYSINFO_EHDR = 33n;
