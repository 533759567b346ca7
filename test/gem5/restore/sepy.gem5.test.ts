import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { lapidary } from '../../helpers/cli.js';
import { checkpointNames } from '../../helpers/checkpoints.js';
import { GEM5, GEM5_SKIP_REASON } from '../../helpers/gem5.js';
import { fixture } from '../../helpers/paths.js';
import { nativeRemainder } from '../../helpers/restore.js';
import { testWorkDir } from '../../helpers/work-dir.js';

const work = testWorkDir('lapidary-sepy-');

/** gem5's own se.py, in the source tree the gem5 binary was built in (…/build/X86/gem5.opt). */
const SE_PY = GEM5 === undefined ? undefined : join(dirname(dirname(dirname(GEM5))), 'configs', 'deprecated', 'example', 'se.py');
const seReason = SE_PY !== undefined && !existsSync(SE_PY) ? ` [skipped: no configs/deprecated/example/se.py beside ${GEM5}]` : GEM5_SKIP_REASON;

/**
 * The checkpoints restore with gem5's own configs/deprecated/example/se.py -r k: the cpt.N
 * layout, section names and pmem are what se.py expects, not only what lapidary's script expects.
 */
describe.skipIf(SE_PY === undefined || !existsSync(SE_PY))(`gem5's se.py restores lapidary checkpoints with -r k${seReason}`, () => {
  /** gem5.opt se.py -r k for checkpoint k of `dir`, the program's stdout in `programOut`. */
  async function sePy(binary: string, dir: string, k: number, programOut: string, env: NodeJS.ProcessEnv = process.env) {
    const manifest = JSON.parse(readFileSync(join(dir, `cpt.${k}`, 'lapidary.json'), 'utf8')) as { gem5: { memSize: string } };
    return execa(GEM5!, [
      `--outdir=${join(work(), `m5out-${k}-${binary.replace(/\W/g, '_')}`)}`, SE_PY!, `--cmd=${binary}`, `--checkpoint-dir=${dir}`, '-r', String(k),
      `--mem-size=${manifest.gem5.memSize}B`, `--output=${programOut}`,
    ], { reject: false, timeout: 900_000, env });
  }

  it('restores checkpoint k of a C fixture (image stored uncompressed) and finishes with the native output', async () => {
    const dir = join(work(), 'cpts');
    const out = join(work(), 'native.out');
    const env = { ...process.env, STEP_MS: '40', STEPS: '8' };
    // --compression 0: every member of the image in deflate stored blocks, read by gem5's gzread.
    const made = await lapidary(['create', '--cmd', fixture('int-loop'), '--interval', '0.1', '--compression', '0', '--directory', dir, '--stdout', out], { env });
    expect(made.exitCode, made.stderr).toBe(0);
    const native = readFileSync(out);
    for (const k of [1, 2]) {
      const programOut = join(work(), `se-${k}.out`);
      const run = await sePy(fixture('int-loop'), dir, k, programOut, env);
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/Exiting @ tick \d+ because exiting with last active thread context/);
      expect(readFileSync(programOut).toString()).toBe(nativeRemainder(native, join(dir, `cpt.${k}`)).toString());
    }
  }, 1_800_000);

  it('restores the last checkpoint of Debian xz and finishes byte-identical', async () => {
    // se.py redirects the program's /proc, /sys and /tmp to m5out/fs/ and empties m5out/fs/tmp
    // (configs/common/FileSystemConfig.py, gem5 v24.0): a file the program had open under /tmp is
    // not found on restore. Its input lives outside /tmp here, as it must for se.py users.
    const xzWork = mkdtempSync('/var/tmp/lapidary-sepy-xz-');
    onTestFinished(() => { if (!process.env.KEEP) rmSync(xzWork, { recursive: true, force: true }); });
    const input = join(xzWork, 'input.txt');
    writeFileSync(input, Array.from({ length: 12000 }, (_, i) => `line ${i} ${(i * 2654435761) % 1000003} lapidary gem5 checkpoint sample\n`).join(''));
    const dir = join(work(), 'xz');
    const out = join(work(), 'xz.native');
    const made = await lapidary(['create', '--cmd', `/usr/bin/xz -1 --check=crc32 -c ${input}`, '--interval', '0.005', '--directory', dir, '--stdout', out]);
    expect(made.exitCode, made.stderr).toBe(0);
    const names = checkpointNames(dir);
    expect(names.length).toBeGreaterThanOrEqual(2);
    const k = names.length;
    const programOut = join(work(), 'se-xz.out');
    const run = await sePy('/usr/bin/xz', dir, k, programOut);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    // se.py ends with sys.exit(the exit event's code): status 0 above is the program's own exit(0).
    expect(run.stdout).toMatch(/Exiting @ tick \d+ because exiting with last active thread context/);
    expect(readFileSync(programOut).equals(nativeRemainder(readFileSync(out), join(dir, `cpt.${k}`)))).toBe(true);
  }, 1_800_000);
});
