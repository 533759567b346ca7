import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { runIdentity } from '../../src/simulate/identity.js';
import { RunStore } from '../../src/simulate/records.js';
import type { RunTask } from '../../src/simulate/run-types.js';
import { CLI } from '../helpers/paths.js';

const work = mkdtempSync(join(tmpdir(), 'lapidary-records-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function task(checkpoint: string, identity = 'id-1'): RunTask {
  return {
    id: `o3-${checkpoint}`, name: 'o3', checkpoint, identity,
    invocation: {
      gem5: '/bin/true', outdir: join(work, 'runs', checkpoint), checkpoint: join(work, checkpoint), exe: '/bin/true', cwd: work,
      memSize: 536870912n, cpu: 'o3', caches: '', stdin: '/dev/null', stdout: 'out', stderr: 'err', redirects: [],
    },
  };
}

describe('run records', () => {
  it('keep a run through its statuses, with its cause and measurement, across reopening', () => {
    const store = new RunStore(work);
    store.create(task('cpt.10'), 'local', { cpu: 'o3' });
    store.create(task('cpt.2'), 'local', { cpu: 'o3' });
    store.update('o3-cpt.2', { status: 'Running', startedAt: '2026-01-01T00:00:00.000Z', pid: 4242 });
    store.update('o3-cpt.2', { status: 'Finished', endedAt: '2026-01-01T00:01:00.000Z', exitCause: 'lapidary detailed region done' }, { cpi: 1.25, cycles: 125, instructions: 100 });
    store.update('o3-cpt.10', { status: 'Failed', failureKind: 'fatal', failureDetail: 'fatal: something' });
    store.close();
    const again = new RunStore(work);
    const all = again.list();
    expect(all.map((r) => r.id)).toEqual(['o3-cpt.2', 'o3-cpt.10']); // numeric checkpoint order
    expect(all[0]).toMatchObject({ status: 'Finished', pid: 4242, exitCause: 'lapidary detailed region done', measurement: { cpi: 1.25 }, params: { cpu: 'o3' } });
    expect(again.list({ status: 'Failed' }).map((r) => r.failureDetail)).toEqual(['fatal: something']);
    again.close();
  });

  it('cache file hashes by path, size, modification and status-change time and inode', () => {
    const store = new RunStore(work);
    const key = { size: 10, mtimeMs: 1000, ctimeMs: 1001, ino: 7 };
    store.rememberHash('/x', key, 'abc');
    expect(store.cachedHash('/x', key)).toBe('abc');
    expect(store.cachedHash('/x', { ...key, size: 11 })).toBeUndefined();
    expect(store.cachedHash('/x', { ...key, ctimeMs: 2000 })).toBeUndefined();
    expect(store.cachedHash('/x', { ...key, ino: 8 })).toBeUndefined();
    store.close();
  });

  it('identify a run by gem5, script, manifest, system file and parameters, whatever the key order', () => {
    const base = { gem5: 'g', script: 's', manifest: 'm', system: '', params: { cpu: 'o3', caches: 'c' } };
    expect(runIdentity(base)).toBe(runIdentity({ ...base, params: { caches: 'c', cpu: 'o3' } }));
    expect(runIdentity(base)).not.toBe(runIdentity({ ...base, params: { cpu: 'o3', caches: 'd' } }));
    expect(runIdentity(base)).not.toBe(runIdentity({ ...base, gem5: 'h' }));
    expect(runIdentity(base)).not.toBe(runIdentity({ ...base, system: 'sha256 of an edited system file' }));
  });

  it('open from two processes at once on a new database (a batch starting while lapidary runs polls it)', async () => {
    // SQLite answers one of two writers racing to create the database SQLITE_BUSY at once; before
    // RunStore retried, about 4 rounds in 10 failed with "database is locked" on this machine.
    for (let round = 0; round < 12; round++) {
      const dir = join(work, `race-${round}`);
      mkdirSync(dir);
      const both = await Promise.all([0, 1].map(() => execa('node', [CLI, 'runs', dir, '--json'], { reject: false })));
      for (const run of both) expect(run.exitCode, `round ${round}: ${run.stderr}`).toBe(0);
    }
  }, 120_000);
});
