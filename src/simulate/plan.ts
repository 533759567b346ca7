import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '../errors.js';
import { listCheckpoints } from '../gem5/checkpoint/layout.js';
import { MANIFEST_FILE, readManifest } from '../gem5/checkpoint/manifest.js';
import { verifyCheckpoint } from '../gem5/checkpoint/verify.js';
import { CONFIG_SCRIPT } from '../gem5/run/invocation.js';
import { prepareRun } from './prepare.js';
import type { RunStore } from './records.js';
import type { RunParameters, RunTask } from './run-types.js';
import { cachedFileHash, runIdentity } from './identity.js';

/** Where a configuration's runs live: `<checkpoint dir>/runs/<name>/<cpt.N>/`. */
export function runDirectory(checkpointDir: string, name: string, checkpoint: string): string {
  return join(checkpointDir, 'runs', name, checkpoint);
}

/** The parameters that change a run's statistics, as recorded and hashed. */
export function recordedParams(params: RunParameters): Record<string, unknown> {
  return { cpu: params.cpu, caches: params.caches, warmupInsts: params.warmupInsts.toString(), detailInsts: params.detailInsts.toString() };
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
 * emptied and prepared (stdin remainder, private copies of written files) only then.
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
  const [gem5Hash, scriptHash] = await Promise.all([cachedFileHash(store, gem5), cachedFileHash(store, CONFIG_SCRIPT)]);
  const plan: Plan = { tasks: [], skipped: [] };
  for (const { name: checkpoint } of checkpoints) {
    const checkpointPath = join(checkpointDir, checkpoint);
    const id = `${name}-${checkpoint}`;
    const identity = runIdentity({
      gem5: gem5Hash, script: scriptHash, manifest: await cachedFileHash(store, join(checkpointPath, MANIFEST_FILE)), params: recordedParams(params),
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
    const { manifest: _manifest, ...fromCheckpoint } = prepared;
    plan.tasks.push({
      id, name, checkpoint, identity,
      invocation: { gem5, outdir, ...fromCheckpoint, cpu: params.cpu, caches: params.caches, warmupInsts: params.warmupInsts, detailInsts: params.detailInsts },
      ...(params.timeoutSeconds !== undefined ? { timeoutSeconds: params.timeoutSeconds } : {}),
    });
  }
  return plan;
}
