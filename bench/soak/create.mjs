// create soak: `lapidary create` on a program with a large heap, again and again, each run ended
// by a random fault: SIGINT, SIGTERM, SIGKILL, or a file system that fills up (a tmpfs of its own).
// At the end it reports checkpoints lost (complete when the fault came, missing or invalid
// afterwards), checkpoints invalid, orphaned target processes, unfinished partial directories
// and wrong error reports. The goal is 0 for each. Not a test: run it by hand, as root (tmpfs).
// Usage: npm run build && node bench/soak/create.mjs [SECONDS=600] [HEAP_MIB=1024] [SEED]
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';

const seconds = Number(process.argv[2] ?? 600);
const heapMib = Number(process.argv[3] ?? 1024);
let seed = Number(process.argv[4] ?? Date.now() % 100000) >>> 0;
/** mulberry32: a small seeded generator, so a run with a given SEED can be repeated. */
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
}
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'bin.js');
const work = mkdtempSync(join(tmpdir(), 'lapidary-soak-'));
const binary = join(work, 'compressible-heap');
execFileSync('cc', ['-O2', '-I', join(root, 'fixtures', 'c'), '-o', binary, join(root, 'fixtures', 'c', 'compressible-heap.c')]);

// A tmpfs of about one and a half checkpoints (the heap deflates to about half): the second fills it.
const full = join(work, 'full');
mkdirSync(full);
let tmpfs = true;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${Math.round(heapMib * 0.8)}m`, 'lapidary-soak', full], { stdio: 'pipe' });
} catch (error) {
  tmpfs = false;
  console.log(`no ENOSPC faults: cannot mount a tmpfs (${String(error.stderr ?? error).trim()})`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const names = (dir) => (existsSync(dir) ? readdirSync(dir) : []);
const checkpoints = (dir) => names(dir).filter((n) => /^cpt\.\d+$/.test(n));
const partials = (dir) => names(dir).filter((n) => /^\.cpt\.\d+\.partial-/.test(n));

/** Live processes running the soak's binary (the target, its snapshot children). */
function targets() {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/exe`) === binary && !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].startsWith('Z');
    } catch {
      return false;
    }
  });
}

async function sha256(path) {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Why `dir` is not a whole checkpoint, or undefined: checksums as the manifest says, the image as long as its pages. */
async function defect(dir) {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'lapidary.json'), 'utf8'));
    for (const [file, digest] of Object.entries(manifest.checksums)) {
      if ((await sha256(join(dir, file))) !== digest) return `${file}: sha256 differs from the manifest`;
    }
    let bytes = 0;
    await pipeline(createReadStream(join(dir, 'system.physmem.store0.pmem')), createGunzip(), async function* (chunks) {
      for await (const chunk of chunks) bytes += chunk.length;
    });
    if (bytes !== manifest.memory.pagesStored * 4096) return `pmem holds ${bytes} bytes for ${manifest.memory.pagesStored} pages`;
    return undefined;
  } catch (error) {
    return String(error);
  }
}

const totals = { runs: 0, faults: {}, complete: 0, lost: 0, invalid: 0, orphans: 0, partialsLeft: 0, partialsNotRemoved: 0, wrongReport: 0, slowestInterruptMs: 0, interruptsOver1s: 0 };
const problems = [];
let reuse; // a directory a SIGKILLed run left without checkpoints: the next run goes there
const deadline = Date.now() + seconds * 1000;
for (let run = 1; Date.now() < deadline; run++) {
  const fault = ['SIGINT', 'SIGTERM', 'SIGKILL', ...(tmpfs ? ['ENOSPC'] : [])][Math.floor(random() * (tmpfs ? 4 : 3))];
  const dir = fault === 'ENOSPC' ? join(full, `run${run}`) : reuse ?? join(work, `run${run}`);
  const stalePartials = partials(dir);
  reuse = undefined;
  const child = spawn(process.execPath, [cli, 'create', '--cmd', binary, '--interval', '2', '--directory', dir, '--stdout', '/dev/null'], {
    env: { ...process.env, HEAP_MIB: String(heapMib), STEP_MS: '20' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  // The exit of lapidary itself (its stderr may stay open a little longer in a dying target).
  let exitAt;
  child.on('exit', () => { exitAt = performance.now(); });
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  // The fault comes 1-60 s after the launch: before, during or between checkpoint writes (on a
  // loaded 2-core machine the first 1 GiB checkpoint takes over 20 s).
  const delay = 1000 + random() * 59_000;
  let completeAtFault = [];
  let sentAt;
  const early = await Promise.race([exited, sleep(delay).then(() => undefined)]);
  if (early === undefined && fault !== 'ENOSPC') {
    completeAtFault = checkpoints(dir).filter((n) => existsSync(join(dir, n, 'lapidary.json')));
    sentAt = performance.now();
    child.kill(fault);
  }
  const { code } = await exited;
  totals.runs++;
  totals.faults[fault] = (totals.faults[fault] ?? 0) + 1;
  const expected = { SIGINT: /LAPIDARY_INTERRUPTED/, SIGTERM: /LAPIDARY_INTERRUPTED/, SIGKILL: /^/, ENOSPC: /LAPIDARY_NO_SPACE/ }[fault];
  const wantCode = { SIGINT: 130, SIGTERM: 130, SIGKILL: null, ENOSPC: 1 }[fault];
  if (early === undefined || fault === 'ENOSPC') {
    if (code !== wantCode || !expected.test(stderr) || /LAPIDARY_INTERNAL|LAPIDARY_GDB_DIED/.test(stderr)) {
      totals.wrongReport++;
      problems.push(`run ${run} (${fault}): exit ${code}: ${stderr.split('\n').filter((l) => l.startsWith('error')).join(' ') || 'no error line'}`);
    }
  }
  const tookMs = sentAt === undefined ? undefined : Math.round(exitAt - sentAt);
  if (tookMs !== undefined && fault !== 'SIGKILL') {
    totals.slowestInterruptMs = Math.max(totals.slowestInterruptMs, tookMs);
    if (tookMs > 1000) totals.interruptsOver1s++;
  }
  if (stalePartials.length > 0 && partials(dir).some((p) => stalePartials.includes(p))) {
    totals.partialsNotRemoved++;
    problems.push(`run ${run}: stale partials ${stalePartials.join(', ')} not removed`);
  }
  await sleep(1000); // gdb ends the target of a SIGKILLed lapidary on its own
  const orphans = targets();
  if (orphans.length > 0) {
    totals.orphans += orphans.length;
    problems.push(`run ${run} (${fault}): ${orphans.length} target process(es) left: ${orphans.join(' ')}`);
    for (const pid of orphans) process.kill(pid, 'SIGKILL');
  }
  const kept = checkpoints(dir);
  // Complete: on disk when the fault came, or reported by a progress line.
  const reported = stderr.split('\n').filter((l) => /^cpt\.\d+ /.test(l)).map((l) => l.split(' ')[0]);
  for (const name of [...new Set([...completeAtFault, ...reported])].filter((n) => !kept.includes(n))) {
    totals.lost++;
    problems.push(`run ${run} (${fault}): ${name} was complete at the fault and is gone`);
  }
  for (const name of kept) {
    const why = await defect(join(dir, name));
    if (why !== undefined) {
      totals.invalid++;
      problems.push(`run ${run} (${fault}): ${name} invalid: ${why}`);
    }
  }
  totals.complete += kept.length;
  const left = partials(dir);
  if (left.length > 0 && fault !== 'SIGKILL') {
    totals.partialsLeft += left.length;
    problems.push(`run ${run} (${fault}): partial directories left: ${left.join(', ')}`);
  }
  if (fault === 'SIGKILL' && kept.length === 0 && left.length > 0) reuse = dir;
  else rmSync(dir, { recursive: true, force: true }); // free the disk (and the tmpfs) for the next run
  console.log(`run ${run}: ${fault}${early !== undefined ? ' (ended first)' : ''} after ${(delay / 1000).toFixed(1)} s, exit ${code}${tookMs !== undefined ? ` ${tookMs} ms later` : ''}, ${kept.length} checkpoint(s) kept${left.length > 0 ? `, ${left.length} partial(s) left` : ''}`);
}
if (tmpfs) execFileSync('umount', [full]);
rmSync(work, { recursive: true, force: true });
console.log(JSON.stringify({ seed: process.argv[4] ?? 'time', ...totals }, null, 2));
for (const problem of problems) console.log(`problem: ${problem}`);
process.exitCode = problems.length === 0 ? 0 : 1;
