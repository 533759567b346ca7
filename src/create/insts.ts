import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planInstructionPoints, reachMarker, stepInstructions, type InstsMethod, type InstructionPlan, type Marker } from '../insts/index.js';
import { takeCheckpoint, type CheckpointSettings, type CheckpointSummary } from './checkpoint.js';
import { throwIfInterrupted, type CreateOutcome } from './interval.js';
import type { LaunchedTarget, TargetSpec } from './launch.js';

/** Instruction-count sampling: a checkpoint after `skip` instructions from main, then every `every`. */
export interface InstructionPolicy {
  every: bigint;
  skip: bigint;
  maxCheckpoints?: number;
  method: InstsMethod;
  removeVdso: boolean;
}

/**
 * Plan the points in a profiling pass (docs/instruction-counting.md) run with exactly the native
 * run's program, environment and working directory; stdout/stderr go to scratch regular files
 * when the native run writes to files (glibc's stdio takes other paths on terminals and pipes).
 */
export async function planPoints(spec: TargetSpec, policy: InstructionPolicy): Promise<InstructionPlan | undefined> {
  if (policy.method === 'gdb-stepi') return undefined;
  const scratch = await mkdtemp(join(tmpdir(), 'lapidary-plan-'));
  try {
    // The same kind of file as the native run's: /dev/null, or a regular file (the CLI gives
    // instruction mode a file for stdout; a terminal could not be matched).
    const like = (stdio: string, name: string) => (stdio === '/dev/null' ? '/dev/null' : join(scratch, name));
    return await planInstructionPoints(
      { exe: spec.exe, argv: spec.argv, env: spec.env, cwd: spec.cwd, stdin: spec.stdin, stdout: like(spec.stdout, 'stdout'), stderr: like(spec.stderr, 'stderr') },
      { first: policy.skip === 0n ? policy.every : policy.skip, every: policy.every, ...(policy.maxCheckpoints !== undefined ? { max: policy.maxCheckpoints } : {}) },
      { method: policy.method, removeVdso: policy.removeVdso },
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The marker fields a manifest records: where the checkpoint is, independently of counters. */
export function markerRecord(marker: Marker): Record<string, string> {
  return {
    object: marker.object,
    offset: `0x${marker.offset.toString(16)}`,
    hits: marker.hits.toString(),
    ...(marker.pc !== undefined ? { pc: `0x${marker.pc.toString(16)}` } : {}),
  };
}

/**
 * Run the target (stopped at main, position 0) to each planned point and checkpoint it there.
 * With the gdb-stepi method there is no plan: the points are single-stepped to.
 * Each checkpoint records its position as `instructions` and gem5's `instCnt`.
 */
export async function runInstructionCheckpoints(
  target: LaunchedTarget,
  settings: CheckpointSettings,
  policy: InstructionPolicy,
  plan: InstructionPlan | undefined,
  hooks: { signal: AbortSignal; onCheckpoint: (summary: CheckpointSummary, instructions: bigint) => void },
): Promise<CreateOutcome> {
  const outcome: CreateOutcome = { checkpoints: [], nativeSeconds: 0 };
  const positions = plan?.markers.map((m) => m.count)
    ?? Array.from({ length: policy.maxCheckpoints ?? 1 }, (_, i) => (policy.skip === 0n ? policy.every : policy.skip) + BigInt(i) * policy.every);
  let position = 0n;
  for (let i = 0; i < positions.length; i++) {
    throwIfInterrupted(hooks.signal);
    const started = performance.now();
    const marker = plan?.markers[i];
    if (marker !== undefined) await reachMarker(target.session, marker, { pid: target.pid }, { method: policy.method === 'valgrind-gdb' ? 'valgrind-gdb' : 'valgrind-perf' });
    else await stepInstructions(target.session, positions[i]! - position);
    position = positions[i]!;
    outcome.nativeSeconds += (performance.now() - started) / 1000;
    throwIfInterrupted(hooks.signal);
    const { written } = await takeCheckpoint(target, settings, i + 1, outcome.nativeSeconds, {
      instructions: position,
      ...(marker !== undefined ? { marker: markerRecord(marker) } : {}),
    });
    const summary = await written;
    outcome.checkpoints.push(summary);
    hooks.onCheckpoint(summary, position);
  }
  return outcome;
}
