import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { LapidaryError, UsageError, VmUnavailableError } from '../../errors.js';
import { resolveExecutable, splitCommandLine } from '../../create/argv.js';
import { chooseAccel } from '../../vm/accel.js';
import { vmCacheDir } from '../../vm/cache.js';
import { DEFAULT_HIDDEN_FEATURES, hiddenFeatures, parseCpuFeatures } from '../../vm/features.js';
import { ensureGuestImage, listCachedImages } from '../../vm/image.js';
import { bootableKernel, findGuestKernel } from '../../vm/kernel.js';
import { QEMU } from '../../vm/qemu.js';
import { defineCommand } from '../command.js';
import { formatBytes } from '../format.js';
import { println, type CliIo } from '../io.js';

const run = promisify(execFile);

async function qemuVersion(): Promise<string | undefined> {
  try {
    return (await run(QEMU, ['--version'])).stdout.split('\n')[0];
  } catch {
    return undefined;
  }
}

export const vmCommand = defineCommand({
  command: 'vm <action>',
  describe: 'the QEMU guest `create --vm` runs programs in: build its image, show its status',
  builder: (y) =>
    y
      .positional('action', { choices: ['build', 'status'] as const, demandOption: true, describe: 'build: make (or reuse) the guest image; status: what lapidary would use' })
      .option('cmd', { type: 'string', describe: 'build: the program (and arguments) the image is for; its input files are included' })
      .option('stdin', { type: 'string', describe: 'build: the file the program reads as standard input' })
      .option('input', { type: 'array', string: true, describe: 'build: more files or directories to include at their paths' })
      .option('kernel', { type: 'string', describe: 'a /boot/vmlinuz-VERSION (default: the newest with virtio and 9p modules)' })
      .option('cache-dir', { type: 'string', describe: 'where images are kept (default $LAPIDARY_VM_CACHE or ~/.cache/lapidary/vm)' })
      .option('vm-cpu', { type: 'string', describe: 'status: CPU feature changes to show (+NAME exposes, -NAME hides, none)' }),
  run: async (args, io: CliIo) => {
    const cacheDir = vmCacheDir(args['cache-dir'] === undefined ? undefined : resolve(io.cwd, args['cache-dir']), io.env);
    if (args.action === 'build') {
      const kernel = await findGuestKernel(args.kernel);
      const bootable = await bootableKernel(kernel, cacheDir);
      let target: { exe: string; argv: string[]; cwd: string; stdin?: string } | undefined;
      if (args.cmd !== undefined) {
        const argv = splitCommandLine(args.cmd);
        if (argv.length === 0) throw new UsageError('--cmd is empty');
        target = { exe: resolveExecutable(argv[0]!, io.cwd, io.env.PATH), argv, cwd: io.cwd, ...(args.stdin ? { stdin: resolve(io.cwd, args.stdin) } : {}) };
      }
      const image = await ensureGuestImage({ ...(target ? { target } : {}), inputs: (args.input ?? []).map((f) => resolve(io.cwd, f)) }, kernel, cacheDir);
      println(io.stdout, `image ${image.key} ${image.built ? 'built' : 'already cached'}: ${image.path}`);
      println(io.stdout, `  ${image.files} files, ${formatBytes(image.bytes)}, ${Math.round(image.ms)} ms; kernel ${kernel.version} (${bootable.pvh ? `PVH vmlinux ${bootable.path}` : kernel.image})`);
      for (const input of image.inputs) println(io.stdout, `  input ${input}`);
      return 0;
    }
    // status prints everything it finds, then fails if `create --vm` cannot work with it.
    const problems: Array<{ what: string; hint: string }> = [];
    const version = await qemuVersion();
    println(io.stdout, `qemu: ${version ?? `${QEMU} not found (install the Debian package qemu-system-x86)`}`);
    if (version === undefined) problems.push({ what: `${QEMU} not found`, hint: 'install the Debian package qemu-system-x86 (or point LAPIDARY_QEMU at qemu-system-x86_64)' });
    const accel = await chooseAccel((io.env.LAPIDARY_VM_ACCEL as 'auto' | 'kvm' | 'tcg' | undefined) ?? 'auto');
    println(io.stdout, `accelerator: ${accel.accel} (${accel.reason})`);
    try {
      const kernel = await findGuestKernel(args.kernel);
      println(io.stdout, `kernel: ${kernel.image} (${kernel.modules.length} modules for virtio and 9p)`);
    } catch (error) {
      println(io.stdout, `kernel: none usable: ${(error as Error).message}`);
      problems.push({ what: (error as Error).message, hint: error instanceof LapidaryError && error.hint !== undefined ? error.hint : 'give --kernel a /boot/vmlinuz-VERSION with virtio and 9p modules' });
    }
    println(io.stdout, `cache: ${cacheDir}`);
    const images = await listCachedImages(cacheDir);
    println(io.stdout, `images: ${images.length}`);
    for (const image of images) {
      println(io.stdout, `  ${image.key.slice(0, 16)}  ${image.createdAt}  ${formatBytes(image.bytes)}  ${image.files} files  kernel ${image.kernel}  ${image.target ?? '(no target)'}`);
    }
    const hidden = hiddenFeatures(parseCpuFeatures(args['vm-cpu']));
    println(io.stdout, `hidden CPU features (${hidden.length}): ${hidden.join(' ')}`);
    if (args['vm-cpu'] === undefined) println(io.stdout, `  (the defaults: gem5 v24 X86 cannot execute them; reasons in docs/vm.md; ${DEFAULT_HIDDEN_FEATURES.length} in all)`);
    if (problems.length > 0) {
      throw new VmUnavailableError(`create --vm cannot run here: ${problems.map((p) => p.what).join('; ')}`, { hint: problems.map((p) => p.hint).join('; ') });
    }
    return 0;
  },
});
