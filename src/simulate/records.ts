import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { RunMeasurement, RunRecord, RunStatus, RunTask, RunUpdate } from './run-types.js';

/** The run database inside a checkpoint directory. */
export const RUNS_DB = 'lapidary-runs.sqlite';

interface Row {
  id: string; identity: string; name: string; checkpoint: string; status: string; executor: string; outdir: string;
  created_at: string; started_at: string | null; ended_at: string | null; pid: number | null;
  exit_cause: string | null; exit_code: number | null; failure_kind: string | null; failure_detail: string | null;
  job_id: string | null; task_id: string | null; params: string; measurement: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  identity TEXT NOT NULL,
  name TEXT NOT NULL,
  checkpoint TEXT NOT NULL,
  status TEXT NOT NULL,
  executor TEXT NOT NULL,
  outdir TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT, ended_at TEXT, pid INTEGER,
  exit_cause TEXT, exit_code INTEGER, failure_kind TEXT, failure_detail TEXT,
  job_id TEXT, task_id TEXT,
  params TEXT NOT NULL,
  measurement TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_name ON runs(name, checkpoint);
-- file_hashes keyed digests by size and mtime only; file_digests replaces it (ctime and inode too)
DROP TABLE IF EXISTS file_hashes;
CREATE TABLE IF NOT EXISTS file_digests (path TEXT PRIMARY KEY, size INTEGER, mtime_ms REAL, ctime_ms REAL, ino INTEGER, sha256 TEXT);
CREATE TABLE IF NOT EXISTS batch_locks (name TEXT PRIMARY KEY, holder TEXT NOT NULL, since TEXT NOT NULL);
`;

/** What identifies one version of a file for the digest cache (from stat(2)): bytes, ms, ms, inode number. */
export interface FileKey {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** The process holding a configuration's batch lock. */
export interface LockHolder {
  host: string;
  /** Boot id (/proc/sys/kernel/random/boot_id): a pid of an earlier boot is no process at all. */
  bootId: string;
  pid: number;
  /** Start time of the process, clock ticks after boot (/proc/PID/stat field 22, proc(5)): tells a reused pid apart. */
  startTicks: string;
  /** When the lock was taken, ISO 8601. */
  since?: string;
}

const COLUMNS: Record<keyof RunUpdate, string> = {
  status: 'status', startedAt: 'started_at', endedAt: 'ended_at', pid: 'pid', exitCause: 'exit_cause', exitCode: 'exit_code',
  failureKind: 'failure_kind', failureDetail: 'failure_detail', jobId: 'job_id', taskId: 'task_id',
};

function fromRow(row: Row): RunRecord {
  const record: RunRecord = {
    id: row.id, identity: row.identity, name: row.name, checkpoint: row.checkpoint, status: row.status as RunStatus,
    executor: row.executor, outdir: row.outdir, createdAt: row.created_at, params: JSON.parse(row.params) as Record<string, unknown>,
  };
  for (const [key, column] of Object.entries(COLUMNS) as Array<[keyof RunUpdate, keyof Row]>) {
    const value = row[column];
    if (value !== null && key !== 'status') (record as unknown as Record<string, unknown>)[key] = value;
  }
  if (row.measurement !== null) record.measurement = JSON.parse(row.measurement) as RunMeasurement;
  return record;
}

/** How long opening the database keeps retrying while another lapidary holds it busy, ms. */
const OPEN_RETRY_MS = 15_000;

/**
 * Open (creating if need be) the runs database in WAL mode with its schema. Two processes that
 * open a new database at once (a batch starting, `lapidary runs` polling it) both want to write
 * it; SQLite then answers one of them SQLITE_BUSY at once, without waiting the busy timeout, to
 * break the deadlock (sqlite.org/lockingv3.html, "Writing to a database file"). So the whole
 * open is retried until OPEN_RETRY_MS have passed.
 * @throws SqliteError for anything else, or if the database stays busy.
 */
function openRunsDatabase(path: string): Database.Database {
  const deadline = Date.now() + OPEN_RETRY_MS;
  for (;;) {
    const db = new Database(path, { timeout: 5000 });
    try {
      if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') db.pragma('journal_mode = WAL');
      db.exec(SCHEMA);
      return db;
    } catch (error) {
      db.close();
      if (!String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY') || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + Math.random() * 80); // a synchronous pause
    }
  }
}

/**
 * Run records in an embedded SQLite database (`<checkpoint dir>/lapidary-runs.sqlite`), in WAL
 * mode so `lapidary runs` can read while a batch writes. Every status change is one statement,
 * so a crash loses nothing that was recorded.
 */
export class RunStore {
  private readonly db: Database.Database;

  constructor(checkpointDir: string) {
    this.db = openRunsDatabase(join(checkpointDir, RUNS_DB));
  }

  get(id: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** Runs, optionally of one status and/or configuration name, ordered by name and checkpoint number. */
  list(filter: { status?: RunStatus; name?: string } = {}): RunRecord[] {
    const rows = this.db.prepare(`SELECT * FROM runs WHERE (@status IS NULL OR status = @status) AND (@name IS NULL OR name = @name)`)
      .all({ status: filter.status ?? null, name: filter.name ?? null }) as Row[];
    const cptNumber = (r: RunRecord): number => Number(/(\d+)$/.exec(r.checkpoint)?.[1] ?? 0);
    return rows.map(fromRow).sort((a, b) => a.name.localeCompare(b.name) || cptNumber(a) - cptNumber(b));
  }

  /** Record a run about to be submitted (Created), replacing an earlier record with the same id. */
  create(task: RunTask, executor: string, params: Record<string, unknown>): RunRecord {
    this.db.prepare(`INSERT OR REPLACE INTO runs (id, identity, name, checkpoint, status, executor, outdir, created_at, params)
      VALUES (?, ?, ?, ?, 'Created', ?, ?, ?, ?)`).run(task.id, task.identity, task.name, task.checkpoint, executor, task.invocation.outdir, new Date().toISOString(), JSON.stringify(params));
    return this.get(task.id)!;
  }

  update(id: string, update: RunUpdate, measurement?: RunMeasurement): void {
    const sets: string[] = [];
    const values: Record<string, unknown> = { id };
    for (const [key, value] of Object.entries(update) as Array<[keyof RunUpdate, unknown]>) {
      if (value === undefined) continue;
      sets.push(`${COLUMNS[key]} = @${key}`);
      values[key] = value;
    }
    if (measurement !== undefined) {
      sets.push('measurement = @measurement');
      values.measurement = JSON.stringify(measurement);
    }
    if (sets.length > 0) this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run(values);
  }

  /**
   * Take the batch lock of configuration `name` for `self`, in one IMMEDIATE transaction (SQLite
   * serialises writers, so two batches starting at once cannot both take it). A lock whose
   * holder `isLive` says is gone (killed with SIGKILL, say) is taken over.
   * @returns undefined when taken, else the live holder.
   */
  acquireBatchLock(name: string, self: LockHolder, isLive: (holder: LockHolder) => boolean): LockHolder | undefined {
    return this.db.transaction((): LockHolder | undefined => {
      const row = this.db.prepare('SELECT holder, since FROM batch_locks WHERE name = ?').get(name) as { holder: string; since: string } | undefined;
      if (row !== undefined) {
        const holder = { ...(JSON.parse(row.holder) as LockHolder), since: row.since };
        if (isLive(holder)) return holder;
      }
      this.db.prepare('INSERT OR REPLACE INTO batch_locks (name, holder, since) VALUES (?, ?, ?)').run(name, JSON.stringify(self), new Date().toISOString());
      return undefined;
    }).immediate();
  }

  /** Release the batch lock of `name` if `self` holds it. */
  releaseBatchLock(name: string, self: LockHolder): void {
    this.db.prepare('DELETE FROM batch_locks WHERE name = ? AND holder = ?').run(name, JSON.stringify(self));
  }

  /**
   * A cached sha256 of a file, valid while its size, modification time, status-change time and
   * inode are those recorded: rewriting a file, even with its old mtime put back (`touch -r`),
   * changes its ctime (stat(2)).
   */
  cachedHash(path: string, key: FileKey): string | undefined {
    const row = this.db.prepare('SELECT sha256 FROM file_digests WHERE path = @path AND size = @size AND mtime_ms = @mtimeMs AND ctime_ms = @ctimeMs AND ino = @ino')
      .get({ path, ...key }) as { sha256: string } | undefined;
    return row?.sha256;
  }

  rememberHash(path: string, key: FileKey, sha256: string): void {
    this.db.prepare('INSERT OR REPLACE INTO file_digests (path, size, mtime_ms, ctime_ms, ino, sha256) VALUES (@path, @size, @mtimeMs, @ctimeMs, @ino, @sha256)').run({ path, ...key, sha256 });
  }

  close(): void {
    this.db.close();
  }
}
