import { stat } from 'node:fs/promises';

/**
 * What stat(2) says about a file's contents, cheap to take while the target is stopped: size
 * (bytes), and modification and status-change times (nanoseconds since the epoch). ctime cannot
 * be set back by a program (utimensat(2) moves mtime only), so a write after the stamp changes it.
 */
export interface FileStamp {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

/** Stamp `path` now (following links). Rejects as stat does (ENOENT when it is gone). */
export async function stampFile(path: string): Promise<FileStamp> {
  const st = await stat(path, { bigint: true });
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

/**
 * Whether `path` still is the file `before` described: same inode, size, mtime and ctime.
 * A file that disappeared or was replaced counts as changed.
 */
export async function unchangedSince(path: string, before: FileStamp): Promise<boolean> {
  const now = await stampFile(path).catch(() => undefined);
  return now !== undefined && now.dev === before.dev && now.ino === before.ino && now.size === before.size
    && now.mtimeNs === before.mtimeNs && now.ctimeNs === before.ctimeNs;
}

/**
 * How close to now (nanoseconds) a file's mtime or ctime must be for its stamp to prove nothing:
 * the kernel stamps writes with a clock that advances once per timer tick (≤ 10 ms at HZ=100;
 * current_time() in fs/inode.c), so a write right after the stamp may carry the same time.
 * 100 ms also covers a file server whose clock is a little ahead.
 */
export const RECENT_CHANGE_NS = 100_000_000n;

/** Whether `stamp` shows a change within RECENT_CHANGE_NS of `nowNs` (or later): a later write could go unnoticed. */
export function changedRecently(stamp: FileStamp, nowNs: bigint): boolean {
  const since = nowNs - RECENT_CHANGE_NS;
  return stamp.mtimeNs > since || stamp.ctimeNs > since;
}
