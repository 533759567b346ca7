// parallel-simulate benchmark: wall time of the same batch with 1 worker and with 2, and
// lapidary's own overhead per run (planning, records, collection) against gem5's run time.
// Usage: npm run build && node bench/parallel/run.mjs [CHECKPOINT_DIR|-] [CPU] [WARMUP] [DETAIL]
// Without a directory (or with -), checkpoints of the built-in xz workload are made first. Needs gem5.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
const lapidary = (...args) => execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
let dir = process.argv[2] === '-' ? undefined : process.argv[2];
if (dir === undefined) {
  dir = join(mkdtempSync(join(tmpdir(), 'lapidary-bench-parallel-')), 'xz');
  lapidary('create', '--bench', 'xz', '--size', 'small', '--interval', '0.01', '--directory', dir, '--max-checkpoints', '5');
}
const checkpoints = readdirSync(dir).filter((n) => /^cpt\.\d+$/.test(n)).length;
const window = ['--cpu', process.argv[3] ?? 'timing', '--warmup-insts', process.argv[4] ?? '1000000', '--detail-insts', process.argv[5] ?? '200000'];

function batch(jobs) {
  const name = `bench-j${jobs}`;
  const started = performance.now();
  lapidary('parallel-simulate', '-d', dir, '-j', String(jobs), ...window, '--name', name, '--rerun');
  const wallMs = performance.now() - started;
  const records = JSON.parse(lapidary('runs', dir, '--name', name, '--json'));
  const gem5Ms = records.map((r) => Date.parse(r.endedAt) - Date.parse(r.startedAt));
  return { jobs, wallMs, gem5Ms, finished: records.filter((r) => r.status === 'Finished').length };
}

console.log(`parallel-simulate of ${checkpoints} checkpoints (${window.join(' ')}), same checkpoints, same run`);
const one = batch(1);
const two = batch(2);
for (const r of [one, two]) {
  const sum = r.gem5Ms.reduce((a, b) => a + b, 0);
  console.log(`-j ${r.jobs}: wall ${(r.wallMs / 1000).toFixed(1)} s, ${r.finished}/${r.gem5Ms.length} finished, gem5 ${(sum / r.gem5Ms.length / 1000).toFixed(2)} s per run`);
}
// With one worker every second of wall time is either gem5 or lapidary: the difference is lapidary's
// own cost per run (planning, records, preparing the run directory, collecting stats.txt).
const serial = one.gem5Ms.reduce((a, b) => a + b, 0);
const overhead = (one.wallMs - serial) / one.gem5Ms.length;
console.log(`lapidary overhead: ${(overhead / 1000).toFixed(2)} s per run, ${((overhead * one.gem5Ms.length / serial) * 100).toFixed(1)}% of gem5's run time`);
const ideal = checkpoints / Math.ceil(checkpoints / 2);
console.log(`speed-up of -j 2 over -j 1: ${(one.wallMs / two.wallMs).toFixed(2)}x (ideal ${ideal.toFixed(2)}x for ${checkpoints} runs on 2 workers)`);
