import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Workload, WorkloadInvocation, WorkloadSize } from './workloads.js';

/**
 * Write a workload's input files into `directory` (created if needed; files whose contents are
 * already right are left alone, so their modification times and the checkpoints' file hashes
 * stay valid). The files must outlive the checkpoints: gem5 reopens open input files by path.
 */
export async function prepareWorkload(workload: Workload, size: WorkloadSize, directory: string): Promise<WorkloadInvocation> {
  const invocation = workload.invocation(size);
  await mkdir(directory, { recursive: true });
  for (const [name, contents] of Object.entries(invocation.files)) {
    const path = join(directory, name);
    const existing = await readFile(path, 'utf8').catch(() => undefined);
    if (existing !== contents) await writeFile(path, contents);
  }
  return invocation;
}
