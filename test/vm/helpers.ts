import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findGuestKernel } from '../../src/vm/kernel.js';
import { QEMU } from '../../src/vm/qemu.js';
import { skipMarker } from '../helpers/skip.js';

/** Debian packages the VM tests need (docs/vm.md). */
export const VM_PACKAGES = 'qemu-system-x86 linux-image-amd64 gdbserver busybox-static xz-utils';

function missing(): string | undefined {
  try {
    execFileSync(QEMU, ['--version'], { stdio: 'ignore' });
  } catch {
    return `${QEMU} not found`;
  }
  if (!existsSync('/bin/busybox')) return '/bin/busybox not found';
  if (!existsSync('/usr/bin/gdbserver')) return '/usr/bin/gdbserver not found';
  return undefined;
}

const problem = missing() ?? await findGuestKernel().then(() => undefined, (error: Error) => error.message);

/** Whether the VM tests can run here; they are reported as skipped (with the reason in their name) otherwise. */
export const VM_AVAILABLE = problem === undefined;
export const VM_SKIP_REASON = problem === undefined
  ? ''
  : skipMarker({ tier: 'QEMU guest (--vm)', reason: problem, enable: `apt-get install ${VM_PACKAGES}, then npm test` });
