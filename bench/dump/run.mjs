// Dump benchmark: capture a process with a large heap with lapidary and with gdb's gcore, at the
// same stop of the same process, and print throughput and pause with ratios against gcore.
// Usage: npm run build && node bench/dump/run.mjs [MiB=1024] [random|structured|both]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchTarget } from '../../dist/create/launch.js';
import { takeCheckpoint } from '../../dist/create/checkpoint.js';
import { GEM5_GLIBC_TUNABLES, targetEnvironment } from '../../dist/create/native-env.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const mib = Number(process.argv[2] ?? 1024);
const fills = (process.argv[3] ?? 'both') === 'both' ? ['random', 'structured'] : [process.argv[3]];
const work = mkdtempSync(join(tmpdir(), 'lapidary-bench-dump-'));
const binary = join(work, 'heap');
execFileSync('cc', ['-O2', '-o', binary, join(here, 'heap.c')]);
const native = { aslr: false, bindNow: true, glibcTunables: GEM5_GLIBC_TUNABLES, opensslIa32cap: '', removeVdso: true };
const MiB = 1024 * 1024;

async function once(fill) {
  const spec = { exe: binary, argv: [binary, String(mib), fill], env: targetEnvironment(process.env, native, work), cwd: work, stdin: '/dev/null', stdout: '/dev/null', stderr: '/dev/null' };
  const target = await launchTarget(spec, native, { start: 'main' });
  try {
    await target.session.send('-break-insert heap_ready');
    await target.session.send('-exec-continue');
    await target.session.waitForStop();
    const totals = {};
    let pauseMs;
    for (const [index, level] of [[1, 1], [2, 0]]) {
      const started = performance.now();
      const taken = await takeCheckpoint(target, { directory: join(work, fill), spec, options: {}, compressionLevel: level }, index, 0);
      const summary = await taken.written;
      totals[level] = { ms: performance.now() - started, summary };
      pauseMs ??= taken.pauseMs;
    }
    const core = join(work, `${fill}.core`);
    const gcoreStart = performance.now();
    await target.session.console(`gcore ${core}`);
    const gcoreMs = performance.now() - gcoreStart;
    const coreBytes = statSync(core).size;
    rmSync(core);
    rmSync(join(work, fill), { recursive: true });
    return { fill, pauseMs, totals, gcoreMs, bytes: totals[1].summary.bytesStored, compressed: totals[1].summary.bytesCompressed, coreBytes };
  } finally {
    await target.session.close();
  }
}

console.log(`dump of a ${mib} MiB heap: lapidary (pause = capture while stopped; total = until cpt.N is on disk, gzip level 1 and stored) vs gdb gcore, same process, same stop`);
for (const fill of fills) {
  const r = await once(fill);
  const rate = (bytes, ms) => (bytes / MiB / (ms / 1000)).toFixed(0);
  console.log(`${fill.padEnd(10)} image ${(r.bytes / MiB).toFixed(0)} MiB -> ${(r.compressed / MiB).toFixed(0)} MiB gz; core ${(r.coreBytes / MiB).toFixed(0)} MiB`);
  console.log(`  lapidary pause  ${r.pauseMs.toFixed(0).padStart(6)} ms  ${rate(r.bytes, r.pauseMs).padStart(5)} MiB/s   ${(r.gcoreMs / r.pauseMs).toFixed(1)}x faster than gcore`);
  for (const level of [1, 0]) {
    const { ms } = r.totals[level];
    console.log(`  lapidary total  ${ms.toFixed(0).padStart(6)} ms  ${rate(r.bytes, ms).padStart(5)} MiB/s   ${(r.gcoreMs / ms).toFixed(1)}x gcore   (--compression ${level}${level === 0 ? ', stored' : ''})`);
  }
  console.log(`  gdb gcore       ${r.gcoreMs.toFixed(0).padStart(6)} ms  ${rate(r.coreBytes, r.gcoreMs).padStart(5)} MiB/s   (the target is stopped throughout)`);
}
rmSync(work, { recursive: true, force: true });
