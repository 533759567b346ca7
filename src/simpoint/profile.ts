import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InstsError, type CodeLocation, type ProgramSpec } from '../insts/index.js';
import { prepareProfile, runLapinsts, withDir } from '../insts/plan.js';
import { parseBbFile, vectorInstructions, type BasicBlockVector } from './bb-file.js';

/** SimPoint's usual interval (SimPoint 3.0 paper, section 3: 10 million instructions per interval). */
export const DEFAULT_SIMPOINT_INTERVAL = 10_000_000n;

/** A block of the BBV: a straight run of instructions that execute together (a lapinsts segment). */
export interface BbvBlock extends CodeLocation {
  /** The id used in the `.bb` text (from 1, in order of first execution). */
  id: number;
  /** Instructions in the block. */
  instructions: number;
  /** Address (in the profiling run) of the first instruction of the Valgrind superblock the block was cut from. */
  superblock: bigint;
  /** Address of the block's first instruction in the profiling run. */
  address: bigint;
}

/** Basic-block vectors of one profiling run, from main. */
export interface BbvProfile {
  /** Instructions per interval (the last interval may be shorter). */
  interval: bigint;
  /** One vector per interval: interval k covers positions k·interval .. (k+1)·interval − 1 from main. */
  vectors: BasicBlockVector[];
  blocks: BbvBlock[];
  /** Instructions from main to the program's end. */
  totalInstructions: bigint;
  /** The `.bb` text exactly as the tool wrote it (SimPoint 3.2 reads it with -loadFVFile). */
  bbText: string;
  /** Wall-clock seconds of the profiling run. */
  profileSeconds: number;
  /** Conditions under which native counts may differ (signals, no native stack). */
  warnings: string[];
}

/**
 * The BBV profiling pass: run the program once under the lapinsts Valgrind tool exactly as the
 * native run will run it (as planInstructionPoints does), to its end, writing a basic-block vector
 * per `interval` instructions from main. Every full interval is checked to hold exactly `interval`
 * instructions and the intervals to add up to the tool's own count of the run.
 * @throws InstsError if the tools are missing, the program cannot be profiled (threads, an exec),
 * it does not end normally, or the vectors disagree with the instruction count.
 */
export async function profileBasicBlocks(
  program: ProgramSpec,
  options: { interval?: bigint; removeVdso?: boolean; timeoutMs?: number; signal?: AbortSignal; keepDir?: string } = {},
): Promise<BbvProfile> {
  const interval = options.interval ?? DEFAULT_SIMPOINT_INTERVAL;
  if (interval <= 0n) throw new InstsError(`the SimPoint interval must be positive (got ${interval})`);
  return withDir(options.keepDir, async (dir) => {
    const setup = await prepareProfile(program, 'main', options.removeVdso ?? true, dir);
    const bbFile = join(dir, 'lapinsts.bb');
    const { lines, end, seconds } = await runLapinsts(program, setup, dir, [
      `--lapinsts-bbv-interval=${interval}`, `--lapinsts-bbv-out=${bbFile}`,
    ], options);
    if (!end.complete) throw new InstsError(`the BBV profiling run of ${program.exe} did not reach the program's end (exit ${end.exitCode})`);
    const bbText = await readFile(bbFile, 'utf8');
    const vectors = parseBbFile(bbText);
    const total = BigInt(end.instructions);
    let sum = 0n;
    vectors.forEach((v, k) => {
      const n = BigInt(vectorInstructions(v));
      sum += n;
      const full = k < vectors.length - 1 || total % interval === 0n;
      if (full ? n !== interval : n > interval) {
        throw new InstsError(`BBV interval ${k} of ${program.exe} holds ${n} instructions, not ${interval}`, { hint: 'report this: the lapinsts segment counts disagree with each other' });
      }
    });
    if (sum !== total) throw new InstsError(`the BBV intervals of ${program.exe} add up to ${sum} instructions, but the run executed ${total}`);
    const blocks = lines.filter((l) => l.event === 'block').map((l): BbvBlock => ({
      id: l.id as number,
      instructions: l.instructions as number,
      superblock: BigInt(l.superblock as string),
      address: BigInt(l.address as string),
      object: l.object as string,
      offset: BigInt(l.offset as string),
    }));
    const warnings = [...setup.warnings];
    if (!end.stackMirrored) warnings.push('the profiling run did not use the native initial stack');
    if (end.signals > 0) warnings.push(`the program handled ${end.signals} signal(s) during profiling: asynchronous signals arrive at other instructions natively`);
    return { interval, vectors, blocks, totalInstructions: total, bbText, profileSeconds: seconds, warnings };
  });
}
