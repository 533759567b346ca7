import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isReopenableDevicePath } from '../capture/fds.js';
import { CheckpointError } from '../errors.js';
import { readManifest, type CheckpointManifest, type StdioRecord } from '../gem5/checkpoint/manifest.js';
import { sha256File } from '../gem5/checkpoint/write.js';
import type { Gem5Invocation } from '../gem5/run/invocation.js';

/** The parts of a gem5 invocation that come from the checkpoint rather than from the user. */
export type PreparedRun = Pick<Gem5Invocation, 'checkpoint' | 'exe' | 'cwd' | 'memSize' | 'stdin' | 'stdout' | 'stderr' | 'redirects'> & {
  manifest: CheckpointManifest;
};

/** Program output files inside a run directory. */
export const PROGRAM_STDOUT = 'program.stdout';
export const PROGRAM_STDERR = 'program.stderr';

/**
 * The file gem5 gives the restored program as stdin. gem5 opens a Process's input at offset 0
 * and restores no entry for fds 0-2 (src/sim/fd_array.cc:50-76, 379), so a stdin file partly
 * read before the checkpoint is replaced by its unread rest: `cpt.N/stdin.rest`, which create
 * wrote and the manifest's checksums cover, or, for a checkpoint written before create kept it,
 * a copy made from the recorded offset into `outdir`. Devices like /dev/zero are reopened as
 * themselves; anything else (a pipe, a terminal: create noted it) becomes /dev/null.
 */
async function stdinFor(record: StdioRecord | undefined, checkpoint: string, outdir: string): Promise<string> {
  if (record === undefined) return '/dev/null';
  if (!record.isFile) return isReopenableDevicePath(record.target) ? record.target : '/dev/null';
  if (record.rest !== undefined) return join(checkpoint, record.rest);
  const offset = BigInt(record.offset);
  if (offset === 0n) return record.target;
  const rest = join(outdir, 'stdin.rest');
  await pipeline(createReadStream(record.target, { start: Number(offset) }), createWriteStream(rest));
  return rest;
}

/**
 * Prepare a run directory for restoring `checkpointDir`: check the files the program had open
 * are unchanged (sha256), give files that were open for writing a private copy of their
 * contents at the checkpoint (so restores never touch the native files or each other), and
 * wire stdin/stdout/stderr as the manifest recorded.
 *
 * gem5 redirects directories, not files (RedirectPath appends '/' to every path,
 * src/sim/redirect_path.cc), so each directory holding such a file is redirected to a mirror
 * under `<outdir>/files/<absolute dir>` first and to itself second: gem5 takes the first host
 * path where the file exists (src/sim/process.cc checkPathRedirect), so the private copies are
 * used, other files of the directory are read where they are, and new files land in the mirror.
 * @throws CheckpointError when the checkpoint is not lapidary's or an input file changed.
 */
export async function prepareRun(checkpointDir: string, outdir: string): Promise<PreparedRun> {
  const checkpoint = resolve(checkpointDir);
  const manifest = await readManifest(checkpoint);
  await mkdir(outdir, { recursive: true });
  const mirrored = new Set<string>();
  for (const file of manifest.files) {
    if (file.snapshot !== undefined) {
      const copy = join(outdir, 'files', file.path);
      await mkdir(dirname(copy), { recursive: true });
      await copyFile(join(checkpoint, file.snapshot), copy);
      mirrored.add(dirname(file.path));
      continue;
    }
    const exists = await stat(file.path).then(() => true, () => false);
    // Directories and devices have no contents to compare (their sha256 is recorded empty).
    if (!exists || (file.sha256 !== '' && (await sha256File(file.path)) !== file.sha256)) {
      throw new CheckpointError(`${file.path} (fd ${file.fd}) ${exists ? 'changed' : 'disappeared'} since the checkpoint was taken`, {
        hint: 'restore the original file: gem5 reopens it at the recorded offset and would read different bytes',
      });
    }
  }
  return {
    manifest,
    checkpoint,
    exe: manifest.target.exeCopy !== undefined ? join(checkpoint, manifest.target.exeCopy) : manifest.target.exe,
    cwd: manifest.target.cwd,
    memSize: BigInt(manifest.gem5.memSize),
    stdin: await stdinFor(manifest.stdio.stdin, checkpoint, outdir),
    stdout: join(outdir, PROGRAM_STDOUT),
    stderr: join(outdir, PROGRAM_STDERR),
    redirects: [...mirrored].map((dir): [string, string[]] => [dir, [join(outdir, 'files', dir), dir]]),
  };
}
