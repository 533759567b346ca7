// Functional warming against detailed warm-up alone (SMARTS, Wunderlich et al., ISCA 2003, §4):
// the sampled CPI of fixtures/c/phases and the wall time of each way of warming, against the CPI
// of one full detailed run of the same program. Every configuration runs the same checkpoints
// (at every other item boundary) in gem5's O3 CPU with lapidary's default caches.
// Usage: npm run build && node bench/functional-warmup/run.mjs [ITEMS] [FUNCTIONAL] [SHORT] [MEASURED]
//   ITEMS       work items of the phases fixture (default 16; ITEMS/2 checkpoints)
//   FUNCTIONAL  atomic instructions of functional warming (default 300000; with SHORT and MEASURED it must fit in
//               the last item, about 400k instructions)
//   SHORT       detailed warm-up after functional warming, and the short detailed-only one (default 20000)
// The long detailed-only warm-up is FUNCTIONAL + SHORT instructions, so that it and functional
// warming measure the same window of every checkpoint: their per-sample CPIs compare directly.
//   MEASURED    measured instructions per sample (default 50000)
// Needs gem5 (GEM5 or gem5_path) and the compiled fixtures (build/fixtures/phases, made by the tests).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'bin.js');
const phases = join(root, 'build', 'fixtures', 'phases');
const [items, functional, short, measured] = [16, 300000, 20000, 50000].map((d, i) => Number(process.argv[2 + i] ?? d));
const long = functional + short;
const env = { ...process.env, ITEMS: String(items) };
const lapidary = (...args) => execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
const timed = (fn) => {
  const started = performance.now();
  const value = fn();
  return { value, seconds: (performance.now() - started) / 1000 };
};

const work = mkdtempSync(join(tmpdir(), 'lapidary-bench-fwarm-'));
const samples = join(work, 'samples');
const count = items / 2;
writeFileSync(join(work, 'samples.commands'), ['checkpoint', ...Array.from({ length: count - 1 }, () => ['gdb ignore 2 1', 'continue', 'checkpoint']).flat(), 'exit', ''].join('\n'));
lapidary('create', '--cmd', phases, '--breakpoints', 'item_done', '--directory', samples, '--commands', join(work, 'samples.commands'), '--stdout', '/dev/null');

const configurations = [
  { name: 'detailed-long', window: ['--warmup-insts', String(long)] },
  { name: 'detailed-short', window: ['--warmup-insts', String(short)] },
  { name: 'functional', window: ['--functional-warmup', String(functional), '--warmup-insts', String(short)] },
];
const results = configurations.map(({ name, window }) => {
  const { seconds } = timed(() => lapidary('parallel-simulate', '-d', samples, '-j', '2', '--cpu', 'o3', ...window, '--detail-insts', String(measured), '--name', name, '--rerun'));
  const { estimate } = JSON.parse(lapidary('report', samples, '--name', name, '--format', 'json', '--no-plot'));
  const cpis = new Map(JSON.parse(lapidary('runs', samples, '--name', name, '--json')).map((r) => [r.checkpoint, r.measurement?.cpi]));
  return { name, window: window.join(' '), seconds, estimate, cpis };
});

writeFileSync(join(work, 'main.commands'), 'checkpoint\nexit\n');
lapidary('create', '--cmd', phases, '--breakpoints', 'main', '--directory', join(work, 'main'), '--commands', join(work, 'main.commands'), '--stdout', '/dev/null');
const full = timed(() => lapidary('simulate', '--start-checkpoint', join(work, 'main', 'cpt.1'), '--cpu', 'o3', '--outdir', join(work, 'full')));
const stats = readFileSync(join(work, 'full', 'stats.txt'), 'utf8');
const value = (name) => Number(new RegExp(`^${name.replace(/\./g, '\\.')}\\s+(\\S+)`, 'm').exec(stats)[1]);
const fullCpi = value('system.switch_cpus.numCycles') / value('system.switch_cpus.commitStats0.numInsts');

console.log(`phases fixture, ITEMS=${items}: ${count} checkpoints, O3, ${measured} measured instructions per sample, -j 2`);
console.log(`full detailed run: CPI ${fullCpi.toFixed(4)}, ${full.seconds.toFixed(1)} s wall`);
for (const r of results) {
  const e = r.estimate;
  const error = ((e.mean - fullCpi) / fullCpi) * 100;
  const inside = fullCpi >= e.ciLow && fullCpi <= e.ciHigh ? 'inside' : 'outside';
  console.log(`${r.name.padEnd(15)} ${r.window.padEnd(52)} CPI ${e.mean.toFixed(4)} (95% CI ${e.ciLow.toFixed(4)} – ${e.ciHigh.toFixed(4)}, full run ${inside}), error ${error >= 0 ? '+' : ''}${error.toFixed(1)}%, ${r.seconds.toFixed(1)} s wall`);
}
// Same windows: how far functional warming's per-sample CPI is from the long detailed warm-up's.
const reference = results[0].cpis;
const differences = [...results[2].cpis].filter(([c, cpi]) => cpi !== undefined && reference.get(c) !== undefined).map(([c, cpi]) => Math.abs(cpi - reference.get(c)) / reference.get(c));
console.log(`functional vs detailed-long on the same windows: mean |ΔCPI| ${(differences.reduce((a, b) => a + b, 0) / differences.length * 100).toFixed(2)}%, max ${(Math.max(...differences) * 100).toFixed(2)}% over ${differences.length} samples; wall time ${(results[2].seconds / results[0].seconds).toFixed(2)}x`);
console.log(`(work directory ${work})`);
