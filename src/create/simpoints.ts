import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { InstsError, planInstructionPoints, reachMarker, type InstructionPlan, type InstsMethod } from '../insts/index.js';
import type { SimPointRecord } from '../gem5/checkpoint/manifest.js';
import { analyseSimPoints, profileBasicBlocks, simPointFileTexts, writeSimPointFiles, type BbvProfile, type SimPointAnalysis } from '../simpoint/index.js';
import { takeCheckpoint, type CheckpointSettings, type CheckpointSummary } from './checkpoint.js';
import { markerRecord } from './insts.js';
import type { CreateOutcome } from './interval.js';
import type { LaunchedTarget, TargetSpec } from './launch.js';

/** `create --simpoints`: the interval, clustering and warm-up choices (instructions). */
export interface SimPointPolicy {
  interval: bigint;
  maxK: number;
  seed: number;
  warmup: bigint;
  method: Exclude<InstsMethod, 'gdb-stepi'>;
  removeVdso: boolean;
}

/** The SimPoint checkpoints to take, in order of position, and the analysis behind them. */
export interface SimPointPlan {
  profile: BbvProfile;
  analysis: SimPointAnalysis;
  /** One per simulation point, ascending position; `plan` reaches the positive positions. */
  checkpoints: Array<{ position: bigint; record: SimPointRecord }>;
  /** Markers for the checkpoints at positions > 0 (position 0 is main itself, where the run starts). */
  plan?: InstructionPlan;
  files: string[];
}

/**
 * Profile the program's BBVs (as the native run runs it, output to scratch regular files),
 * cluster them, write SimPoint's and gem5's files into `directory`, and plan a marker `warmup`
 * instructions before each chosen interval (less when the interval starts closer to main: the
 * warm-up is clipped to the start, as gem5's SimpointResource clips it).
 * @throws InstsError from the profiling passes.
 */
export async function planSimPoints(spec: TargetSpec, policy: SimPointPolicy, directory: string): Promise<SimPointPlan> {
  const scratch = await mkdtemp(join(tmpdir(), 'lapidary-simpoint-'));
  try {
    return await planIn(spec, policy, directory, scratch);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function planIn(spec: TargetSpec, policy: SimPointPolicy, directory: string, scratch: string): Promise<SimPointPlan> {
  // The same kind of file as the native run's (as planPoints does): /dev/null, or a regular file.
  const like = (stdio: string, name: string): string => (stdio === '/dev/null' ? '/dev/null' : join(scratch, name));
  const program = { exe: spec.exe, argv: spec.argv, env: spec.env, cwd: spec.cwd, stdin: spec.stdin, stdout: like(spec.stdout, 'stdout'), stderr: like(spec.stderr, 'stderr') };
  const profile = await profileBasicBlocks(program, { interval: policy.interval, removeVdso: policy.removeVdso });
  const analysis = analyseSimPoints(profile.vectors, { maxK: policy.maxK, seed: policy.seed });
  const files = await writeSimPointFiles(directory, simPointFileTexts(analysis, profile.bbText, { id: `lapidary-simpoint-${basename(spec.exe)}`, interval: policy.interval, warmup: policy.warmup }));
  const checkpoints = analysis.points.map((p) => {
    const start = BigInt(p.interval) * policy.interval;
    const warmup = start < policy.warmup ? start : policy.warmup;
    const last = p.interval === profile.vectors.length - 1;
    const length = last ? profile.totalInstructions - start : policy.interval;
    const record: SimPointRecord = {
      interval: p.interval, cluster: p.cluster, clusters: analysis.chosen.k, weight: p.weight,
      intervalInsts: length.toString(), warmupInsts: warmup.toString(), start: start.toString(), seed: policy.seed,
    };
    return { position: start - warmup, record };
  }).sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  const positive = checkpoints.map((c) => c.position).filter((p) => p > 0n);
  const plan = positive.length === 0 ? undefined : await planInstructionPoints(program, positive, { method: policy.method, removeVdso: policy.removeVdso });
  if (plan !== undefined && plan.markers.length !== positive.length) {
    throw new InstsError(`the marker run of ${spec.exe} planned ${plan.markers.length} of ${positive.length} SimPoint positions: the program ran differently from its BBV profile`);
  }
  return { profile, analysis, checkpoints, ...(plan !== undefined ? { plan } : {}), files };
}

/**
 * Run the target (stopped at main, position 0) to each SimPoint checkpoint's position and
 * checkpoint it there; each manifest records `instructions`, the marker and the SimPoint record.
 */
export async function runSimPointCheckpoints(
  target: LaunchedTarget,
  settings: CheckpointSettings,
  simpoints: SimPointPlan,
  method: Exclude<InstsMethod, 'gdb-stepi'>,
  hooks: { signal: AbortSignal; onCheckpoint: (summary: CheckpointSummary, record: SimPointRecord, position: bigint) => void },
): Promise<CreateOutcome> {
  const outcome: CreateOutcome = { checkpoints: [], nativeSeconds: 0 };
  let next = 0;
  for (const [i, { position, record }] of simpoints.checkpoints.entries()) {
    if (hooks.signal.aborted) break;
    const started = performance.now();
    let marker;
    if (position > 0n) {
      marker = simpoints.plan!.markers[next++]!;
      await reachMarker(target.session, marker, { pid: target.pid }, { method });
    }
    outcome.nativeSeconds += (performance.now() - started) / 1000;
    const { written } = await takeCheckpoint(target, settings, i + 1, outcome.nativeSeconds, {
      instructions: position, simpoint: record, ...(marker !== undefined ? { marker: markerRecord(marker) } : {}),
    });
    const summary = await written;
    outcome.checkpoints.push(summary);
    hooks.onCheckpoint(summary, record, position);
  }
  return outcome;
}
