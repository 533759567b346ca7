import { execFile } from 'node:child_process';
import { access, constants, readFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** Where `npm run build` (scripts/build-native.mjs) puts the native helpers. */
export const NATIVE_DIR = fileURLToPath(new URL('../../dist/native', import.meta.url));
/** Single-step counter and initial-stack dumper (src/native/insts-ptrace.c). */
export const PTRACE_HELPER = join(NATIVE_DIR, 'lapidary-insts-ptrace');
/** Kernel-counted instruction breakpoints (src/native/insts-hwbp.c). */
export const HWBP_HELPER = join(NATIVE_DIR, 'lapidary-insts-hwbp');
/** VALGRIND_LIB for the lapinsts tool (src/native/insts-vgtool.c) and the stock files it needs. */
export const VALGRIND_TOOL_DIR = join(NATIVE_DIR, 'valgrind');

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(() => true, () => false);
}

/**
 * Valgrind's real launcher. Debian's /usr/bin/valgrind is a shell script that adds
 * LD_LIBRARY_PATH, GLIBCXX_FORCE_NEW and GLIBCPP_FORCE_NEW to the program's environment, which
 * would change what it runs; its valgrind.bin does not.
 */
export async function findValgrind(): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    if (dir === '') continue;
    const bin = join(dir, 'valgrind.bin');
    if (await executable(bin)) return bin;
    const plain = join(dir, 'valgrind');
    if (await executable(plain)) {
      const head = await readFile(plain).then((b) => b.subarray(0, 2).toString('latin1'), () => '');
      if (head !== '#!') return plain;
      const sibling = join(dirname(plain), 'valgrind.bin');
      if (await executable(sibling)) return sibling;
    }
  }
  return undefined;
}

export interface NativeToolStatus {
  valgrind?: string;
  lapinstsTool: boolean;
  ptraceHelper: boolean;
  hwbpHelper: boolean;
  /** perf breakpoint events can be opened (the kernel and perf_event_paranoid allow them). */
  perfBreakpoints: boolean;
  perfBreakpointError?: string;
  /** A hardware PMU counts instructions (not used by these methods; reported for information). */
  pmu: boolean;
}

let cached: Promise<NativeToolStatus> | undefined;

/** What is installed and allowed here (probed once per process). */
export function nativeToolStatus(): Promise<NativeToolStatus> {
  cached ??= (async () => {
    const [valgrind, lapinstsTool, ptraceHelper, hwbpHelper] = await Promise.all([
      findValgrind(),
      executable(join(VALGRIND_TOOL_DIR, 'lapinsts-amd64-linux')),
      executable(PTRACE_HELPER),
      executable(HWBP_HELPER),
    ]);
    const status: NativeToolStatus = { lapinstsTool, ptraceHelper, hwbpHelper, perfBreakpoints: false, pmu: false };
    if (valgrind !== undefined) status.valgrind = valgrind;
    if (hwbpHelper) {
      try {
        const { stdout } = await promisify(execFile)(HWBP_HELPER, ['--probe']);
        const probe = JSON.parse(stdout) as { breakpoints: boolean; breakpointError: string; pmu: boolean };
        status.perfBreakpoints = probe.breakpoints;
        if (!probe.breakpoints) status.perfBreakpointError = probe.breakpointError;
        status.pmu = probe.pmu;
      } catch (error) {
        status.perfBreakpointError = (error as Error).message;
      }
    }
    return status;
  })();
  return cached;
}
