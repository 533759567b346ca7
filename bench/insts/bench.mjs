#!/usr/bin/env node
// Instructions per second of each way to reach exact instruction positions, against native speed
// measured in the same run (machine load changes from run to run; the ratios are what compare).
//
//   npm run build && node bench/insts/bench.mjs [ROUNDS]     (ROUNDS of fixtures/c/insts-mix.c, default 44)
//
// Methods measured, all on fixtures/c/insts-mix.c (the test fixture, about 1.0e8 instructions) counted from main:
//   native                the program alone (wall clock, whole run)
//   lapinsts profile      the Valgrind profiling pass that plans markers every 10^7 instructions
//   reach, perf bp        the native run under gdb reaching every marker with kernel-counted breakpoints
//   reach, gdb bp         the same with gdb ignore-count breakpoints (first 10^6 instructions only)
//   valgrind-perf total   profile + reach: the whole cost of exact positions every 10^7
//   gdb stepi (MI)        -exec-step-instruction per instruction
//   gdb stepi N (CLI)     `stepi 5000` in one command
//   ptrace single-step    lapidary-insts-ptrace --bench-steps (raw PTRACE_SINGLESTEP)
// and the two breakpoint hit rates (hits per second) the route planner's cost model uses.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { planInstructionPoints, reachMarker, stepInstructions, PTRACE_HELPER, methodsAvailable } = await import(join(root, 'dist/insts/index.js'));
const { launchTarget } = await import(join(root, 'dist/create/launch.js'));
const { targetEnvironment, GEM5_GLIBC_TUNABLES } = await import(join(root, 'dist/create/native-env.js'));

const rounds = process.argv[2] ?? '44';
const work = mkdtempSync(join(tmpdir(), 'lapidary-bench-insts-'));
const exe = join(work, 'insts-mix');
execFileSync(process.env.CC ?? 'cc', ['-O2', '-g', '-o', exe, join(root, 'fixtures/c/insts-mix.c')]);
const native = { aslr: false, bindNow: true, glibcTunables: GEM5_GLIBC_TUNABLES, removeVdso: true };
const env = targetEnvironment({ PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' }, native, work);
const program = { exe, argv: ['insts-mix', rounds], env, cwd: work, stdin: '/dev/null', stdout: join(work, 'profile.out'), stderr: join(work, 'profile.err') };
const spec = { exe, argv: program.argv, env, cwd: work, stdin: '/dev/null', stdout: join(work, 'native.out'), stderr: join(work, 'native.err') };
const rows = [];
const row = (name, instructions, seconds, note = '') => rows.push({ name, instructions, seconds, note });

try {
  console.log('methods:', (await methodsAvailable()).map((m) => `${m.method}${m.available ? '' : ' (unavailable)'}`).join(', '));
  // Native: the whole program, best of 3.
  let nativeSeconds = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    execFileSync(exe, program.argv.slice(1), { env: Object.fromEntries(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])), cwd: work, stdio: 'ignore' });
    nativeSeconds = Math.min(nativeSeconds, (performance.now() - t) / 1000);
  }

  // The profiling pass, markers every 10^7 to the end.
  const every = 10_000_000n;
  const plan = await planInstructionPoints(program, { first: every, every }, { stopAfterLast: false });
  const total = Number(plan.totalInstructions);
  row('native', total, nativeSeconds, 'whole program, best of 3');
  row('lapinsts profile', total, plan.profileSeconds, `${plan.markers.length} markers every 10^7`);

  // Reaching every marker natively with perf breakpoints.
  const perfAvailable = (await methodsAvailable()).find((m) => m.method === 'valgrind-perf').available;
  if (perfAvailable) {
    const target = await launchTarget(spec, native, { start: 'main' });
    const t = performance.now();
    let hits = 0;
    for (const marker of plan.markers) hits += (await reachMarker(target.session, marker, { pid: target.pid })).hits;
    const seconds = (performance.now() - t) / 1000;
    await target.session.close();
    const last = Number(plan.markers.at(-1).count);
    row('reach, perf bp', last, seconds, `${hits} hits over ${plan.markers.length} markers`);
    row('valgrind-perf total', last, seconds + plan.profileSeconds * (last / total), 'profile (pro rata) + reach');
  }

  // gdb ignore-count breakpoints, planned for them, to 10^6.
  {
    const gdbPlan = await planInstructionPoints(program, [250_000n, 500_000n, 750_000n, 1_000_000n], { method: 'valgrind-gdb' });
    const target = await launchTarget(spec, native, { start: 'main' });
    const t = performance.now();
    let hits = 0;
    for (const marker of gdbPlan.markers) hits += (await reachMarker(target.session, marker, { pid: target.pid }, { method: 'valgrind-gdb' })).hits;
    const seconds = (performance.now() - t) / 1000;
    row('reach, gdb bp', 1_000_000, seconds, `${hits} hits over ${gdbPlan.markers.length} markers`);
    row('gdb ignore-count hits', hits, seconds, 'hits/s');
    // gdb single-steps.
    let t2 = performance.now();
    await stepInstructions(target.session, 2000n);
    row('gdb stepi (MI)', 2000, (performance.now() - t2) / 1000, '-exec-step-instruction each');
    t2 = performance.now();
    await target.session.console('stepi 5000');
    await target.session.waitForStop();
    row('gdb stepi N (CLI)', 5000, (performance.now() - t2) / 1000, '`stepi 5000`');
    await target.session.close();
  }

  // Raw ptrace single-steps and perf breakpoint hits, outside gdb.
  const origin = `${plan.originLocation.object}@${plan.originLocation.offset.toString(16)}`;
  const envFile = join(work, 'env');
  writeFileSync(envFile, env.map((e) => `${e}\0`).join(''));
  const steps = JSON.parse(execFileSync(PTRACE_HELPER, ['--env-file', envFile, '--cwd', work, '--stdout', join(work, 'p.out'), '--origin', origin, '--bench-steps', '100000', '--', exe, ...program.argv], { encoding: 'utf8' }).split('\n')[0]);
  row('ptrace single-step', steps.count, steps.seconds, 'PTRACE_SINGLESTEP + waitpid');
  if (perfAvailable) {
    // perf hits: reach the 10^7 marker's hot location through lapinsts' plan in a fresh gdb run, timing hits only.
    const hot = plan.markers.reduce((best, m) => {
      const hop = m.route.filter((a) => a.kind === 'hop').sort((a, b) => b.hits - a.hits)[0];
      return hop !== undefined && hop.hits > (best?.hits ?? 0) ? hop : best;
    }, undefined);
    if (hot !== undefined) {
      const target = await launchTarget(spec, native, { start: 'main' });
      const marker = { ...plan.markers[0], route: [{ ...hot, hits: Math.min(hot.hits, 200_000) }], object: hot.object, offset: hot.offset };
      const t = performance.now();
      await reachMarker(target.session, marker, { pid: target.pid }, { verify: false }).catch(() => undefined);
      row('perf breakpoint hits', marker.route[0].hits, (performance.now() - t) / 1000, 'hits/s (one hop, kernel-counted)');
      await target.session.close();
    }
  }

  const nativeRate = total / nativeSeconds;
  console.log(`\ninsts-mix ${rounds} rounds: ${total} instructions from main; ${(nativeRate / 1e6).toFixed(0)} M instructions/s natively\n`);
  console.log(`${'method'.padEnd(24)} ${'count'.padStart(12)} ${'seconds'.padStart(9)} ${'per second'.padStart(14)} ${'vs native'.padStart(11)}  note`);
  for (const r of rows) {
    const rate = r.instructions / r.seconds;
    const ratio = r.note.startsWith('hits/s') ? '' : `1/${(nativeRate / rate).toFixed(nativeRate / rate < 10 ? 1 : 0)}`;
    console.log(`${r.name.padEnd(24)} ${String(r.instructions).padStart(12)} ${r.seconds.toFixed(3).padStart(9)} ${rate.toExponential(2).padStart(14)} ${ratio.padStart(11)}  ${r.note}`);
  }
  console.log(`\nload average: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
