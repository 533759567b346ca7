import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CheckpointError } from '../errors.js';
import { listCheckpoints } from '../gem5/checkpoint/layout.js';
import { MANIFEST_FILE, readManifest } from '../gem5/checkpoint/manifest.js';
import { verifyCheckpoint } from '../gem5/checkpoint/verify.js';
import { CONFIG_SCRIPT } from '../gem5/run/invocation.js';
import { prepareRun } from './prepare.js';
import { fillScriptArgs, type ScriptPlaceholder } from './script-args.js';
import type { Gem5Invocation } from '../gem5/run/invocation.js';
import type { RunStore } from './records.js';
import type { RunParameters, RunTask } from './run-types.js';
import { cachedFileHash, runIdentity } from './identity.js';

/** Where a configuration's runs live: `<checkpoint dir>/runs/<name>/<cpt.N>/`. */
export function runDirectory(checkpointDir: string, name: string, checkpoint: string): string {
  return join(checkpointDir, 'runs', name, checkpoint);
}

/** The parameters that change a run's statistics, as recorded and hashed. */
export function recordedParams(params: RunParameters): Record<string, unknown> {
  if (params.script !== undefined) {
    const { path, sha256, args, values, statsCpu } = params.script;
    return { gem5Script: path, gem5ScriptSha256: sha256, args, ...(Object.keys(values).length > 0 ? { sweep: values } : {}), ...(statsCpu !== undefined ? { statsCpu } : {}) };
  }
  const window = { warmupInsts: params.warmupInsts.toString(), detailInsts: params.detailInsts.toString() };
  if (params.system !== undefined) return { system: params.system.path, systemSha256: params.system.sha256, systemParams: params.system.params, ...window };
  return { cpu: params.cpu, caches: params.caches, ...window };
}

export interface Plan {
  tasks: RunTask[];
  /** Runs not submitted: an identical run already Finished. */
  skipped: string[];
}

/**
 * One task per checkpoint of `checkpointDir`, except those whose identical run already finished
 * (unless `rerun`). A checkpoint that will run is first checked against the sha256 values of its
 * manifest (cached in the run store by size, mtime, ctime and inode); its run directory is
 * emptied and prepared (stdin remainder, private copies of written files) only then. A SimPoint
 * checkpoint's manifest (`simpoint`) overrides the warm-up and measured lengths: it warms for its
 * own warm-up and measures its interval.
 * @throws CheckpointError when the directory holds no checkpoints, or a checkpoint is damaged.
 */
export async function planBatch(options: {
  checkpointDir: string;
  name: string;
  params: RunParameters;
  gem5: string;
  store: RunStore;
  rerun: boolean;
}): Promise<Plan> {
  const { checkpointDir, name, params, gem5, store } = options;
  const checkpoints = await listCheckpoints(checkpointDir);
  if (checkpoints.length === 0) {
    throw new CheckpointError(`${checkpointDir} holds no cpt.N checkpoints`, { hint: 'write some with lapidary create, or point --checkpoint-dir at the directory it wrote' });
  }
  const [gem5Hash, scriptHash] = await Promise.all([cachedFileHash(store, gem5), params.script?.sha256 ?? cachedFileHash(store, CONFIG_SCRIPT)]);
  const plan: Plan = { tasks: [], skipped: [] };
  for (const [position, { name: checkpoint }] of checkpoints.entries()) {
    const checkpointPath = join(checkpointDir, checkpoint);
    const id = `${name}-${checkpoint}`;
    const identity = runIdentity({
      gem5: gem5Hash, script: scriptHash, manifest: await cachedFileHash(store, join(checkpointPath, MANIFEST_FILE)),
      system: params.system?.sha256 ?? '', params: recordedParams(params),
    });
    const previous = store.get(id);
    if (!options.rerun && previous?.status === 'Finished' && previous.identity === identity) {
      plan.skipped.push(id);
      continue;
    }
    await verifyCheckpoint(checkpointPath, await readManifest(checkpointPath), (path) => cachedFileHash(store, path));
    const outdir = runDirectory(checkpointDir, name, checkpoint);
    await rm(outdir, { recursive: true, force: true });
    const prepared = await prepareRun(checkpointPath, outdir);
    const { manifest, ...fromCheckpoint } = prepared;
    // A SimPoint checkpoint (create --simpoints) says how long to warm up and which interval to measure.
    const warmupInsts = manifest.simpoint !== undefined ? BigInt(manifest.simpoint.warmupInsts) : params.warmupInsts;
    const detailInsts = manifest.simpoint !== undefined ? BigInt(manifest.simpoint.intervalInsts) : params.detailInsts;
    const invocation: Gem5Invocation = {
      gem5, outdir, ...fromCheckpoint, cpu: params.cpu, caches: params.caches, warmupInsts, detailInsts,
    };
    if (params.system !== undefined) invocation.system = { path: params.system.path, params: params.system.params };
    if (params.script !== undefined) {
      const placeholders: Record<ScriptPlaceholder, string> = {
        checkpoint: prepared.checkpoint, checkpoint_dir: resolve(checkpointDir), index: String(position + 1),
        binary: prepared.exe, mem_size: prepared.memSize.toString(), outdir,
      };
      invocation.script = { path: params.script.path, args: fillScriptArgs(params.script.args, { ...params.script.values, ...placeholders }) };
    }
    plan.tasks.push({
      id, name, checkpoint, identity, invocation,
      ...(params.timeoutSeconds !== undefined ? { timeoutSeconds: params.timeoutSeconds } : {}),
    });
  }
  return plan;
}
