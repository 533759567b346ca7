// The README's main job (npm run demo): checkpoints of a built-in real workload (xz compressing
// a generated text corpus) every 20,000,000 instructions from main, then, when gem5 is found, the
// last checkpoint restored in gem5 and run to the program's end. Everything goes to demo-output/
// in the current directory.
//
// Exact instruction counts (not wall-clock intervals, whose checkpoints depend on the machine's
// load) make the checkpoints the same on every run with the same xz, glibc and environment
// variables (they are on the program's stack, so another variable moves it): 15 of them.
//
// Exit status: 0 when the checkpoints were taken and simulated; lapidary's own status when a
// step failed (its error is printed); 3 when gem5 was not found, so nothing was simulated.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../dist/config/load.js';
import { findGem5 } from '../dist/gem5/run/locate.js';

const GEM5_MISSING = 3;
const cli = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const cwd = process.cwd();
const out = join(cwd, 'demo-output');
const checkpoints = join(out, 'xz-checkpoints');
const say = (line) => console.error(`lapidary demo: ${line}`);

/** Run one lapidary command; on failure (its error already printed) end the demo with its status. */
function lapidary(what, ...args) {
  const { status, signal, error } = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', cwd });
  if (status === 0) return;
  say(`${what} failed (${error?.message ?? (signal !== null ? `killed by ${signal}` : `exit status ${status}`)}); see lapidary's error above`);
  process.exit(status ?? 1);
}

rmSync(out, { recursive: true, force: true });
lapidary('taking checkpoints', 'create', '--bench', 'xz', '--size', 'small', '--interval-insts', '20000000', '--directory', checkpoints);
lapidary('inspecting a checkpoint', 'inspect', join(checkpoints, 'cpt.1'));
const last = readdirSync(checkpoints).filter((n) => /^cpt\.\d+$/.test(n)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))).pop();
const simulate = ['simulate', '--start-checkpoint', relative(cwd, join(checkpoints, last)), '--outdir', relative(cwd, join(out, 'm5out'))];

const config = await loadConfig(undefined, cwd);
if (findGem5(config.gem5_path, process.env) === undefined) {
  say(`the checkpoints are in ${checkpoints}; nothing was simulated: gem5 was not found (no GEM5 environment variable, no gem5_path in lapidary.yaml)`);
  say('to get gem5 v24.0.0.1 and build it as lapidary needs it (hours on 2 cores; run again, it resumes; it writes gem5_path into lapidary.yaml):');
  console.error('    apt-get install git scons python3-dev zlib1g-dev');
  console.error('    git clone --depth 1 --branch v24.0.0.1 https://github.com/gem5/gem5.git ~/gem5');
  console.error('    lapidary gem5 build --source ~/gem5');
  say('then run');
  console.error(`    lapidary ${simulate.join(' ')}`);
  say('or npm run demo again');
  process.exit(GEM5_MISSING);
}
lapidary('simulating the last checkpoint in gem5', ...simulate);
say(`done: the checkpoints are in ${checkpoints}, gem5's output in ${join(out, 'm5out')}`);
