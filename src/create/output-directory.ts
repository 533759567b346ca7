import { readFileSync, rmSync } from 'node:fs';
import { link, mkdir, readFile, readdir, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { DirectoryBusyError, UsageError } from '../errors.js';
import { registerCleanup } from '../gdb/cleanup.js';
import { listCheckpoints } from '../gem5/checkpoint/layout.js';

/** The lock file of a create run inside its --directory (hidden: gem5 and lapidary look for `cpt.N` only). */
export const LOCK_FILE = '.lapidary-create.lock';
/** Hidden temporary checkpoint directories (gem5/checkpoint/write.ts): `.cpt.N.partial-XXXXXX`. */
const PARTIAL = /^\.cpt\.\d+\.partial-/;

/** Who holds a lock: a process, told from a later one with the same pid by its start time. */
interface LockHolder {
  pid: number;
  /** proc(5) /proc/PID/stat `starttime`: clock ticks after boot. */
  startTime: string;
  host: string;
}

function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether `holder` still runs; a holder on another machine (a shared file system) is taken to. */
function isAlive(holder: LockHolder): boolean {
  return holder.host !== hostname() || startTimeOf(holder.pid) === holder.startTime;
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.startTime === 'string' && typeof value.host === 'string') return value as LockHolder;
  } catch {
    // written by something else, or cut short by a crash
  }
  return undefined;
}

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/**
 * The --directory of one `create` run, made, checked and locked before the target starts:
 * - a path that exists but is not a directory, or a directory lapidary cannot write, is refused
 *   (UsageError);
 * - a second `create` into a directory another live one is writing is refused with the holder's
 *   pid (DirectoryBusyError), through a lock file written with O_EXCL;
 * - unfinished `.cpt.N.partial-*` directories of an earlier run that was killed (its lock is stale
 *   or it had none) are removed, and named in `removedPartials`;
 * - a directory that already holds checkpoints is refused (UsageError).
 * close() releases the lock and, after a failure, removes the directories this run made if they
 * are still empty. The lock is also removed when the process exits (cleanup.ts).
 */
export class OutputDirectory {
  private constructor(
    readonly path: string,
    /** The first directory mkdir made (path or a parent), undefined if path existed. */
    private readonly created: string | undefined,
    private readonly unregisterLock: () => void,
    /** Names of the stale partial checkpoint directories removed. */
    readonly removedPartials: string[],
    /** The pid whose stale lock was broken, if there was one. */
    readonly staleHolder: number | undefined,
  ) {}

  /** Make, lock and clean `path` (absolute). Throws UsageError or DirectoryBusyError as above. */
  static async open(path: string): Promise<OutputDirectory> {
    const existing = await stat(path).catch(() => undefined);
    if (existing !== undefined && !existing.isDirectory()) {
      throw new UsageError(`--directory ${path} is a file, not a directory`, { hint: 'name a directory for cpt.1, cpt.2, … (it is made if missing)' });
    }
    let created: string | undefined;
    try {
      created = await mkdir(path, { recursive: true });
    } catch (error) {
      throw notWritable(path, await mkdirCause(path, error));
    }
    let lock: { unregister: () => void; stale: number | undefined };
    try {
      lock = await takeLock(path);
    } catch (error) {
      await removeEmpty(path, created);
      throw error;
    }
    const directory = new OutputDirectory(path, created, lock.unregister, [], lock.stale);
    try {
      for (const name of (await readdir(path)).filter((n) => PARTIAL.test(n))) {
        await rm(join(path, name), { recursive: true, force: true });
        directory.removedPartials.push(name);
      }
      if ((await listCheckpoints(path)).length > 0) {
        throw new UsageError(`${path} already holds checkpoints`, { hint: 'choose an empty --directory; lapidary never overwrites checkpoints' });
      }
    } catch (error) {
      await directory.close(true);
      throw error;
    }
    return directory;
  }

  /** Release the lock; after a failure (`failed`), remove the directories open() made if empty. Never rejects. */
  async close(failed: boolean): Promise<void> {
    this.unregisterLock();
    await unlink(join(this.path, LOCK_FILE)).catch(() => undefined);
    if (failed) await removeEmpty(this.path, this.created);
  }
}

function notWritable(path: string, error: unknown): Error {
  const code = errnoOf(error);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EEXIST') {
    return new UsageError(`cannot write to --directory ${path} (${code})`, {
      hint: code === 'EROFS' ? 'the file system is mounted read-only; choose a --directory elsewhere' : 'choose a --directory you can write, or fix its permissions',
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Why a recursive mkdir of `path` failed: Node's recursive mkdir answers ENOENT where the
 * directory to make cannot be written (EROFS, EACCES), so the first missing directory is made
 * alone to learn the real error.
 */
async function mkdirCause(path: string, error: unknown): Promise<unknown> {
  if (errnoOf(error) !== 'ENOENT') return error;
  let missing = path;
  while (dirname(missing) !== missing && !(await stat(dirname(missing)).then(() => true, () => false))) missing = dirname(missing);
  return mkdir(missing).then(() => error, (cause: unknown) => cause);
}

/** rmdir `path` and its parents up to `created` (the first one mkdir made) while they are empty. */
async function removeEmpty(path: string, created: string | undefined): Promise<void> {
  if (created === undefined) return;
  for (let dir = path; ; dir = dirname(dir)) {
    if (!(await rmdir(dir).then(() => true, () => false))) return;
    if (dir === created || dir === dirname(dir)) return;
  }
}

/**
 * Create `<path>/.lapidary-create.lock` exclusively. A lock whose holder is gone is broken: renamed
 * aside (atomic), checked to be the one judged stale (else a newcomer's live lock is put back),
 * and removed; then the lock is taken anew.
 */
async function takeLock(path: string): Promise<{ unregister: () => void; stale: number | undefined }> {
  const file = join(path, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, startTime: startTimeOf(process.pid) ?? '', host: hostname() };
  let stale: number | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await writeFile(file, `${JSON.stringify(me)}\n`, { flag: 'wx' });
      return { unregister: registerCleanup(() => rmSync(file, { force: true })), stale };
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw notWritable(path, error);
    }
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released meanwhile
    let holder = parseHolder(text);
    if (holder === undefined) {
      // A lock being written this instant, or one a crash cut short: look again once.
      await new Promise((resolve) => setTimeout(resolve, 100));
      holder = parseHolder(await readFile(file, 'utf8').catch(() => ''));
    }
    if (holder !== undefined && isAlive(holder)) {
      throw new DirectoryBusyError(`${path} is being written by another lapidary create (pid ${holder.pid}${holder.host !== me.host ? ` on ${holder.host}` : ''})`, {
        hint: 'wait for that run to end, or give this one another --directory',
      });
    }
    const aside = `${file}.stale-${process.pid}`;
    if (!(await rename(file, aside).then(() => true, () => false))) continue;
    const moved = await readFile(aside, 'utf8').catch(() => '');
    if (moved !== text && parseHolder(moved) !== undefined && isAlive(parseHolder(moved)!)) {
      await link(aside, file).catch(() => undefined);
    } else {
      stale = holder?.pid;
    }
    await unlink(aside).catch(() => undefined);
  }
  throw new DirectoryBusyError(`${path} is being locked and unlocked by other lapidary create runs`, { hint: 'give this run another --directory' });
}
