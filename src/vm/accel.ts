import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

/** How QEMU executes the guest: hardware virtualisation or TCG, QEMU's binary translator. */
export type Accel = 'kvm' | 'tcg';

/** What the user asked for: a fixed accelerator, or `auto` (KVM when it works here). */
export type AccelChoice = Accel | 'auto';

/** The accelerator chosen and why, for the progress line and `vm status`. */
export interface AccelDecision {
  accel: Accel;
  reason: string;
}

/**
 * Choose the accelerator (QEMU docs/system/invocation: `-accel kvm|tcg`). `auto` takes KVM when
 * /dev/kvm can be opened read-write and the host's KVM is not PVM (`/sys/module/kvm_pvm`, a
 * page-table-based hypervisor for nested clouds that runs only PVM-enabled guest kernels: a stock
 * Debian kernel hangs in its decompressor there, which was observed on the development machine).
 * A KVM guest that still does not boot falls back to TCG at launch (launch.ts).
 */
export async function chooseAccel(choice: AccelChoice = 'auto'): Promise<AccelDecision> {
  if (choice === 'tcg') return { accel: 'tcg', reason: 'TCG requested' };
  const problem = await kvmProblem();
  if (choice === 'kvm') return { accel: 'kvm', reason: problem === undefined ? 'KVM requested' : `KVM requested (although ${problem})` };
  if (problem !== undefined) return { accel: 'tcg', reason: `TCG because ${problem}` };
  return { accel: 'kvm', reason: 'KVM (/dev/kvm is usable)' };
}

/** Why KVM cannot be used here, or undefined when it looks usable. */
export async function kvmProblem(): Promise<string | undefined> {
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch (error) {
    return `/dev/kvm cannot be opened (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  if (await stat('/sys/module/kvm_pvm').then(() => true, () => false)) {
    return 'the host\'s KVM is kvm_pvm (PVM), which boots only PVM-enabled guest kernels';
  }
  return undefined;
}
