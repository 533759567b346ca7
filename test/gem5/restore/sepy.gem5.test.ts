import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { lapidary } from '../../helpers/cli.js';
import { checkpointNames } from '../../helpers/checkpoints.js';
import { GEM5, GEM5_SKIP_REASON } from '../../helpers/gem5.js';
import { fixture } from '../../helpers/paths.js';
import { nativeRemainder, restore } from '../../helpers/restore.js';
import { skipMarker } from '../../helpers/skip.js';
import { testWorkDir } from '../../helpers/work-dir.js';

const work = testWorkDir('lapidary-sepy-');

/** gem5's own se.py, in the source tree the gem5 binary was built in (…/build/X86/gem5.opt). */
const SE_PY = GEM5 === undefined ? undefined : join(dirname(dirname(dirname(GEM5))), 'configs', 'deprecated', 'example', 'se.py');
const seReason = SE_PY !== undefined && !existsSync(SE_PY)
  ? skipMarker({ tier: 'gem5 se.py', reason: `no configs/deprecated/example/se.py in the source tree of ${GEM5}`, enable: 'GEM5=<gem5 v24 source tree>/build/X86/gem5.opt npm test' })
  : GEM5_SKIP_REASON;

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

  it('restores a checkpoint taken after part of a multi-line stdin was read with --input=cpt.N/stdin.rest, as lapidary simulate does', async () => {
    // gem5 v24 skips fds 0-2 on restore and opens --input at offset 0 (src/sim/fd_array.cc:72, 379):
    // given the original file, the program would read its first lines again.
    const input = join(work(), 'lines.txt');
    writeFileSync(input, Array.from({ length: 8 }, (_, i) => `${'y'.repeat(2 + ((i * 5) % 9))} input line ${i}\n`).join(''));
    writeFileSync(join(work(), 'stdin-commands'), 'continue\ncontinue\ncheckpoint\nexit\n');
    const dir = join(work(), 'stdin');
    const env = { ...process.env, STEP_MS: '1' };
    const made = await lapidary(['create', '--cmd', fixture('stdin-lines'), '--stdin', input, '--breakpoints', 'step_done',
      '--commands', join(work(), 'stdin-commands'), '--directory', dir, '--stdout', join(work(), 'stdin-create.out')], { env });
    expect(made.exitCode, made.stderr).toBe(0);
    const native = (await execa(fixture('stdin-lines'), { env, inputFile: input, stripFinalNewline: false })).stdout;
    const cpt = join(dir, 'cpt.1');
    const remainder = nativeRemainder(Buffer.from(native), cpt).toString();
    expect(remainder.split('\n')[0]).toMatch(/^line 3 /); // the checkpoint is after lines 0-2 were read
    // The se.py arguments exactly as the shell printed them (no word needs quoting here).
    const printed = /^ {2}se\.py: gem5\.opt (.*)$/m.exec(made.stdout)?.[1];
    expect(printed, made.stdout).toContain(`--input=${cpt}/stdin.rest`);
    const [script, ...args] = printed!.split(' ');
    const programOut = join(work(), 'se-stdin.out');
    // Run from the gem5 source tree, where the printed script path (configs/…/se.py) points.
    const run = await execa(GEM5!, [`--outdir=${join(work(), 'm5out-stdin')}`, script!, ...args, `--output=${programOut}`],
      { reject: false, timeout: 900_000, env, cwd: join(dirname(SE_PY!), '..', '..', '..') });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(readFileSync(programOut).toString()).toBe(remainder);
    const simulated = await restore(cpt, join(work(), 'simulate-stdin'));
    expect(simulated.exitCode, simulated.stdout + simulated.stderr).toBe(0);
    expect(simulated.programStdout.toString()).toBe(remainder);
    expect(existsSync(join(simulated.outdir, 'stdin.rest'))).toBe(false); // simulate reads cpt.1/stdin.rest itself
  }, 1_800_000);
});
