import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lapidary } from './cli.js';
import { GEM5 } from './gem5.js';

/** The result of restoring one checkpoint with `lapidary simulate` and running it to the end. */
export interface Restored {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** What the restored program wrote to its stdout in gem5. */
  programStdout: Buffer;
  outdir: string;
}

/**
 * `lapidary simulate --start-checkpoint <cpt> --cpu atomic` into `outdir`, with the test's gem5.
 * The CPU is named so that a simulation.cpu in a lapidary.yaml above the repository does not
 * change what the restore tests run; `extra` may name another.
 */
export async function restore(checkpoint: string, outdir: string, extra: string[] = []): Promise<Restored> {
  const cpu = extra.includes('--cpu') ? [] : ['--cpu', 'atomic'];
  const run = await lapidary(['simulate', '--start-checkpoint', checkpoint, '--outdir', outdir, ...cpu, ...extra], {
    env: { ...process.env, GEM5: GEM5 ?? '' },
    timeoutMs: 900_000,
  });
  let programStdout = Buffer.alloc(0);
  try {
    programStdout = readFileSync(join(outdir, 'program.stdout'));
  } catch {
    // gem5 did not get far enough to create it
  }
  return { ...run, programStdout, outdir };
}

/**
 * The bytes a native run wrote to stdout after a checkpoint: what gem5 must write after restoring
 * it. A program that had closed its stdout by then (zstd does before it exits) writes nothing more.
 */
export function nativeRemainder(nativeStdout: Buffer, checkpointDir: string): Buffer {
  const manifest = JSON.parse(readFileSync(join(checkpointDir, 'lapidary.json'), 'utf8')) as { stdio: { stdout?: { offset: string } } };
  const offset = manifest.stdio.stdout === undefined ? nativeStdout.length : Number(manifest.stdio.stdout.offset);
  return nativeStdout.subarray(offset);
}
