import { closeSync, cpSync, existsSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { testWorkDir } from '../helpers/work-dir.js';
import { writeStandin } from '../slurm/standin.js';

/**
 * A checkpoint is checked against the sha256 values its manifest records before gem5 sees it.
 * The checkpoint is of a real program (Debian's python3 holding 24 MiB of random bytes, so the
 * pmem image has several gzip members); gem5 is the stand-in of test/slurm/standin.ts, since
 * the refusal comes before gem5 would start.
 */
const work = testWorkDir('lapidary-cpt-check-');
let intact: string;
let standin: ReturnType<typeof writeStandin>;
const PMEM = 'system.physmem.store0.pmem';

/** Offset of the last gzip member of `image` (RFC 1952): the longest proper prefix that gunzips whole. */
function lastMemberStart(image: Buffer): number {
  for (let at = image.lastIndexOf(Buffer.from([0x1f, 0x8b, 0x08])); at > 0; at = image.lastIndexOf(Buffer.from([0x1f, 0x8b, 0x08]), at - 1)) {
    try {
      gunzipSync(image.subarray(0, at));
      return at;
    } catch {
      // compressed bytes that happen to look like a header
    }
  }
  return 0;
}

function copyOf(name: string): string {
  const dir = join(work(), name);
  cpSync(intact, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  intact = join(work(), 'intact');
  standin = writeStandin(join(work(), 'standin'));
  const made = await lapidary(['create', '--cmd', '/usr/bin/python3 -c "import os, time; b = os.urandom(24 << 20); time.sleep(60)"', '--interval', '3', '--max-checkpoints', '1', '--directory', intact]);
  expect(made.exitCode, made.stderr).toBe(0);
}, 180_000);

describe('checking a checkpoint against its manifest\'s sha256 values', () => {
  it('refuses a pmem image cut at a gzip member boundary (which gzip -t accepts) in inspect --check, simulate and parallel-simulate', async () => {
    const damaged = copyOf('truncated');
    const pmem = join(damaged, 'cpt.1', PMEM);
    const cut = lastMemberStart(readFileSync(pmem));
    expect(cut).toBeGreaterThan(0);
    truncateSync(pmem, cut);
    expect((await execa('gzip', ['-t', pmem], { reject: false })).exitCode).toBe(0);
    const named = new RegExp(`error\\[LAPIDARY_CHECKPOINT_INVALID\\]: ${pmem.replace(/\./g, '\\.')} is damaged: its sha256 is [0-9a-f]{16}…, the manifest records [0-9a-f]{16}… \\(${cut} bytes now\\)`);

    const inspected = await lapidary(['inspect', '--check', join(damaged, 'cpt.1')]);
    expect(inspected.exitCode).toBe(1);
    expect(inspected.stderr).toMatch(named);
    expect(inspected.stderr).toMatch(/hint: copy the checkpoint again/);

    const outdir = join(work(), 'm5out');
    const simulated = await lapidary(['simulate', '--start-checkpoint', join(damaged, 'cpt.1'), '--outdir', outdir], { env: { ...process.env, GEM5: standin.gem5 } });
    expect(simulated.exitCode).toBe(1);
    expect(simulated.stderr).toMatch(named);
    expect(existsSync(outdir)).toBe(false);

    const batch = await lapidary(['parallel-simulate', '-d', damaged, '-j', '1'], { env: { ...process.env, GEM5: standin.gem5 } });
    expect(batch.exitCode).toBe(1);
    expect(batch.stderr).toMatch(named);
    expect(existsSync(join(damaged, 'runs', 'o3', 'cpt.1'))).toBe(false);
  }, 120_000);

  it('names a damaged m5.cpt, and passes the intact checkpoint', async () => {
    const damaged = copyOf('m5cpt');
    const m5cpt = join(damaged, 'cpt.1', 'm5.cpt');
    const text = readFileSync(m5cpt, 'utf8');
    writeFileSync(m5cpt, text.replace(/^brkPoint=(\d)/m, (_, d: string) => `brkPoint=${(Number(d) + 1) % 10}`));
    expect(readFileSync(m5cpt, 'utf8')).not.toBe(text);
    const inspected = await lapidary(['inspect', '--check', join(damaged, 'cpt.1')]);
    expect(inspected.exitCode).toBe(1);
    expect(inspected.stderr).toMatch(new RegExp(`error\\[LAPIDARY_CHECKPOINT_INVALID\\]: ${m5cpt.replace(/\./g, '\\.')} is damaged`));

    const ok = await lapidary(['inspect', '--check', join(intact, 'cpt.1')]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^checked: 2 files match the sha256 recorded in lapidary\.json$/m);
  }, 120_000);

  it('parallel-simulate caches the digests, and a pmem rewritten in place with its old size and mtime is still refused', async () => {
    const dir = copyOf('cached');
    const env = { ...process.env, GEM5: standin.gem5 };
    const first = await lapidary(['parallel-simulate', '-d', dir, '-j', '1', '--name', 'cached'], { env });
    expect(first.exitCode, first.stderr).toBe(0);
    const pmem = join(dir, 'cpt.1', PMEM);
    const before = statSync(pmem);
    const reference = join(dir, 'mtime-reference');
    await execa('touch', ['-r', pmem, reference]);
    const fd = openSync(pmem, 'r+');
    writeSync(fd, Buffer.from([0x00, 0xff, 0x00, 0xff]), 0, 4, Math.floor(before.size / 2));
    closeSync(fd);
    await execa('touch', ['-r', reference, pmem]);
    expect(statSync(pmem).mtimeMs).toBe(before.mtimeMs);
    const again = await lapidary(['parallel-simulate', '-d', dir, '-j', '1', '--name', 'cached', '--rerun'], { env });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`error\\[LAPIDARY_CHECKPOINT_INVALID\\]: ${pmem.replace(/\./g, '\\.')} is damaged`));
  }, 120_000);
});
