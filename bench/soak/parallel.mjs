// parallel-simulate soak (issue 13): random SIGKILLs (and some SIGINTs) of a local batch over
// ~20 checkpoints, each followed by a restart, until one batch runs to its end. Reports runs lost
// (not Finished at the end), doubled (a run directory written by two gem5 runs, or records for
// one checkpoint twice), gem5 processes left behind after a kill (orphans), and whether every
// checkpoint still passes `inspect --check`. Goal: 0, 0, 0, all valid.
// Usage: npm run build && GEM5=/path/to/gem5.opt node bench/soak/parallel.mjs [CHECKPOINT_DIR|-] [KILLS] [SEED]
// Without a directory (or with -), 20 checkpoints of the int-loop fixture are made first
// (build/fixtures/int-loop, compiled by the test setup). Not a timed test: run it by hand.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'bin.js');
if (!process.env.GEM5) throw new Error('set GEM5 to a gem5.opt (v24 X86)');
const lapidary = (...args) => execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
let dir = process.argv[2] === '-' ? undefined : process.argv[2];
const kills = Number(process.argv[3] ?? 6);
let seed = Number(process.argv[4] ?? 1);
/** A small deterministic generator (mulberry32), so a failing soak can be replayed with its seed. */
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
if (dir === undefined) {
  dir = join(mkdtempSync(join(tmpdir(), 'lapidary-soak-parallel-')), 'cpts');
  execFileSync(process.execPath, [cli, 'create', '--cmd', join(root, 'build', 'fixtures', 'int-loop'), '--interval', '0.03', '--directory', dir, '--max-checkpoints', '20', '--stdout', '/dev/null'], { env: { ...process.env, STEP_MS: '10', STEPS: '200' }, stdio: 'inherit' });
}
const checkpoints = readdirSync(dir).filter((n) => /^cpt\.\d+$/.test(n));
const name = 'soak';
const args = ['parallel-simulate', '-d', dir, '-j', '2', '--cpu', 'o3', '--warmup-insts', '10000', '--detail-insts', '20000', '--name', name];

/** gem5 processes of this soak's runs (their command line names the run directory). */
function gem5Processes() {
  const pids = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`--outdir=${join(dir, 'runs', name)}/`)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
console.log(`soak: ${checkpoints.length} checkpoints in ${dir}, ${kills} kills, seed ${process.argv[4] ?? 1}`);
let orphans = 0;
let rounds = 0;
for (let kill = 0; ; kill++) {
  rounds++;
  const batch = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  batch.stderr.on('data', (d) => { stderr += d; });
  const ended = new Promise((resolve) => batch.on('exit', (code, signal) => resolve({ code, signal })));
  if (kill < kills) {
    const after = 1000 + random() * 14000;
    const signal = random() < 0.75 ? 'SIGKILL' : 'SIGINT';
    const raced = await Promise.race([ended, sleep(after).then(() => undefined)]);
    if (raced === undefined) batch.kill(signal);
    const end = await ended;
    await sleep(2000);
    const left = gem5Processes();
    orphans += left.length;
    console.log(`round ${rounds}: ${raced === undefined ? `${signal} after ${(after / 1000).toFixed(1)} s` : 'ended by itself'}, exit ${end.code ?? end.signal}, gem5 left running: ${left.length}`);
    for (const pid of left) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  } else {
    const end = await ended;
    console.log(`round ${rounds}: ran to the end, exit ${end.code}; ${stderr.trim().split('\n').filter((l) => /finished|left underway/.test(l)).join(' | ')}`);
    break;
  }
}

const records = JSON.parse(lapidary('runs', dir, '--name', name, '--json'));
const ids = records.map((r) => r.checkpoint);
const lost = checkpoints.filter((c) => !records.some((r) => r.checkpoint === c && r.status === 'Finished'));
const doubledRecords = ids.filter((c, i) => ids.indexOf(c) !== i);
// one gem5 run per run directory: exactly one lapidary-result line in its simout.txt
const doubledDirs = checkpoints.filter((c) => {
  const simout = join(dir, 'runs', name, c, 'simout.txt');
  return existsSync(simout) && (readFileSync(simout, 'utf8').match(/^lapidary-result /gm) ?? []).length > 1;
});
const invalid = checkpoints.filter((c) => {
  try {
    lapidary('inspect', '--check', join(dir, c));
    return false;
  } catch {
    return true;
  }
});
console.log(`soak: ${rounds} rounds; lost ${lost.length}${lost.length ? ` (${lost.join(', ')})` : ''}, doubled ${doubledRecords.length + doubledDirs.length}, orphans ${orphans}, invalid checkpoints ${invalid.length}; records: ${[...new Set(records.map((r) => r.status))].map((s) => `${records.filter((r) => r.status === s).length} ${s}`).join(', ')}`);
process.exitCode = lost.length + doubledRecords.length + doubledDirs.length + orphans + invalid.length === 0 ? 0 : 1;
