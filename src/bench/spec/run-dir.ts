/**
 * Build a benchmark's run directory the way runcpu's setup does (harness `setup_rundirs()` →
 * `copy_input_files_to()` → object.pm `generate_inputs()`, then `pre_run()`), so that the native
 * run under gdb and the later gem5 restore open the same files at the same absolute paths.
 *
 * Idempotent: a file already in place (same size and mtime as its source, or a symlink to it) is
 * left alone, rewrites are only written when their text changes, and generated inputs are only
 * regenerated when missing or failing their MD5.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { ConfigError } from '../../errors.js';
import type { SpecInputFile } from './inputs.js';
import { rewriteTargets, rewriteText } from './pre-run.js';
import { runDirIn, withRunDir, type SpecGenerationStep, type SpecResolution } from './resolution.js';

/** How input files get into the run directory. */
export type SpecInputMode = 'copy' | 'symlink';

/** Options of `prepareRunDir`. */
export interface SpecPrepareOptions {
  /**
   * `copy` (SPEC's default; a run that rewrites an input only changes its copy) or `symlink`
   * (saves space, but a benchmark writing to an input would write into the installation).
   */
  readonly mode?: SpecInputMode;
  /** Run input-generation commands (x264's ldecod, fotonik3d's specxz); default true. */
  readonly generate?: boolean;
}

/** What `prepareRunDir` did. */
export interface SpecPreparedRunDir {
  /** The resolution, moved into the workspace; run its invocations from here. */
  readonly resolution: SpecResolution;
  readonly runDir: string;
  /** Run-directory-relative paths written this time, by kind. */
  readonly placed: readonly string[];
  readonly unchanged: readonly string[];
  readonly rewritten: readonly string[];
  readonly generated: readonly string[];
}

function sameFile(target: string, source: string, mode: SpecInputMode): boolean {
  let st;
  try {
    st = lstatSync(target);
  } catch {
    return false;
  }
  if (mode === 'symlink') return st.isSymbolicLink() && readlinkSync(target) === source;
  if (!st.isFile()) return false;
  const src = statSync(source);
  // utimes() round-trips through a float of seconds, so allow for sub-millisecond drift.
  return st.size === src.size && Math.abs(st.mtimeMs - src.mtimeMs) < 1;
}

function place(input: SpecInputFile, runDir: string, mode: SpecInputMode): boolean {
  const target = join(runDir, input.target);
  if (sameFile(target, input.source, mode)) return false;
  mkdirSync(dirname(target), { recursive: true });
  rmSync(target, { force: true, recursive: true });
  if (mode === 'symlink') symlinkSync(input.source, target);
  else {
    copyFileSync(input.source, target);
    const src = statSync(input.source);
    utimesSync(target, src.atime, src.mtime);
  }
  return true;
}

function md5Of(path: string): string {
  return createHash('md5').update(readFileSync(path)).digest('hex');
}

function upToDate(step: SpecGenerationStep): boolean {
  try {
    if (!statSync(step.generates).isFile()) return false;
  } catch {
    return false;
  }
  return step.md5 === undefined || md5Of(step.generates) === step.md5.toLowerCase();
}

async function generateInput(step: SpecGenerationStep, runDir: string): Promise<void> {
  const result = await execa(step.exe, step.argv, {
    cwd: runDir,
    stdin: 'ignore',
    stdout: { file: step.stdout },
    stderr: { file: step.stderr, append: true },
    reject: false,
  });
  if (result.failed || !upToDate(step)) {
    rmSync(step.generates, { force: true });
    const why = result.exitCode !== undefined && result.exitCode !== 0 ? `exited with ${result.exitCode}` : result.failed ? result.shortMessage : 'did not produce it correctly';
    throw new ConfigError(`generating ${step.generates} failed: ${step.exe} ${why}`, {
      hint: `see ${step.stderr}; rebuild the benchmark with runcpu --action=build if its executables are broken`,
      keptPath: step.stderr,
    });
  }
}

/**
 * Create (or refresh) the run directory of a resolution under `workspace`.
 *
 * @param workspace parent of run directories; the run directory is
 *   `<workspace>/<bench>/run/run_<tune>_<size>_<label>.0000`.
 * @returns the resolution moved to that directory, and what was written.
 * @throws ConfigError when an input-generation command fails (its stderr file is kept).
 */
export async function prepareRunDir(resolution: SpecResolution, workspace: string, options: SpecPrepareOptions = {}): Promise<SpecPreparedRunDir> {
  const mode = options.mode ?? 'copy';
  const r = withRunDir(resolution, runDirIn(resolve(workspace), resolution));
  mkdirSync(r.runDir, { recursive: true });
  const placed: string[] = [];
  const unchanged: string[] = [];
  for (const input of r.inputs) (place(input, r.runDir, mode) ? placed : unchanged).push(input.target);

  const rewritten: string[] = [];
  if (r.preRun !== undefined) {
    for (const { from, to } of rewriteTargets(r.preRun, r.inputs.map((i) => i.target))) {
      const text = rewriteText(r.preRun, readFileSync(join(r.runDir, from), 'latin1'));
      const dest = join(r.runDir, to);
      let old: string | undefined;
      try {
        old = readFileSync(dest, 'latin1');
      } catch {
        old = undefined;
      }
      if (old !== text) {
        rmSync(dest, { force: true });
        writeFileSync(dest, text, 'latin1');
        rewritten.push(to);
      }
    }
  }

  const generated: string[] = [];
  if (options.generate ?? true) {
    for (const step of r.generate) {
      if (upToDate(step)) continue;
      await generateInput(step, r.runDir);
      generated.push(step.generates.slice(r.runDir.length + 1));
    }
  }
  return { resolution: r, runDir: r.runDir, placed, unchanged, rewritten, generated };
}
