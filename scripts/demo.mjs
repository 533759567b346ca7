// The README's main job: checkpoints of a built-in real workload (xz compressing a generated
// text corpus), then, when gem5 is found, the last checkpoint restored and run to its end.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'bin.js');
const out = join(root, 'demo-output');
const run = (...args) => execFileSync(process.execPath, [cli, ...args], { stdio: 'inherit', cwd: root });

rmSync(out, { recursive: true, force: true });
const checkpoints = join(out, 'xz-checkpoints');
run('create', '--bench', 'xz', '--size', 'small', '--interval', '0.01', '--directory', checkpoints);
run('inspect', join(checkpoints, 'cpt.1'));
const last = readdirSync(checkpoints).filter((n) => /^cpt\.\d+$/.test(n)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))).pop();
try {
  run('simulate', '--start-checkpoint', join(checkpoints, last), '--outdir', join(out, 'm5out'));
} catch {
  console.error('lapidary demo: simulation skipped or failed (is gem5 built? set GEM5 or gem5_path in lapidary.yaml); the checkpoints are in', checkpoints);
}
