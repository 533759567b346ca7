// Compiles lapidary's native helpers (src/native/*.c) into dist/native/ with the system C compiler.
//
//   lapidary-exec            the launcher gdb runs (src/native/launcher.c)
//   lapidary-die-with-parent the launcher of gem5 runs: killed when lapidary dies (die-with-parent.c)
//   lapidary-insts-ptrace    single-step instruction counter, stack dumper (insts-ptrace.c)
//   lapidary-insts-hwbp      kernel-counted instruction breakpoints via perf (insts-hwbp.c)
//   lapidary-data-extents    data extents of a shared mapping's file (SEEK_DATA), data-extents.c
//   lapidary-touched-pages   present or swapped pages of a range (PAGEMAP_SCAN), touched-pages.c
//   valgrind/                the lapinsts Valgrind tool (insts-vgtool.c) next to links to the
//                            stock Valgrind files it needs; run with VALGRIND_LIB=dist/native/valgrind
//
// The Valgrind tool needs Valgrind's tool headers and static libraries (Debian package
// "valgrind"). Without them the build fails, naming the package; LAPIDARY_SKIP_VALGRIND_TOOL=1
// builds everything else (lapidary then reports the Valgrind methods as unavailable).
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'native');
mkdirSync(out, { recursive: true });
const cc = process.env.CC ?? 'cc';
const cflags = ['-O2', '-Wall', '-Wextra', '-Werror'];
if (!onPath(cc)) {
  fail(
    process.env.CC === undefined
      ? 'no C compiler: "cc" is not in PATH; install the Debian package gcc (apt-get install gcc; scripts/setup.sh installs everything lapidary needs)'
      : `the C compiler CC=${cc} is not an executable file or in PATH`,
  );
}
for (const [source, binary] of [
  ['launcher.c', 'lapidary-exec'],
  ['die-with-parent.c', 'lapidary-die-with-parent'],
  ['insts-ptrace.c', 'lapidary-insts-ptrace'],
  ['insts-hwbp.c', 'lapidary-insts-hwbp'],
  ['vm-agent.c', 'lapidary-vm-agent'],
  ['data-extents.c', 'lapidary-data-extents'],
  ['touched-pages.c', 'lapidary-touched-pages'],
]) {
  compile([...cflags, '-o', join(out, binary), join(root, 'src', 'native', source)]);
}

if (process.env.LAPIDARY_SKIP_VALGRIND_TOOL === '1') {
  console.warn('build-native: LAPIDARY_SKIP_VALGRIND_TOOL=1: the lapinsts Valgrind tool is not built');
} else {
  buildValgrindTool();
}

function fail(message) {
  console.error(`build-native: ${message}`);
  process.exit(1);
}

/** Whether `program` (a path, or a name looked up in PATH as execvp does) is executable. */
function onPath(program) {
  const candidates = program.includes('/') ? [program] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, program));
  return candidates.some((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Run the C compiler; its diagnostics go to the terminal, and a failure ends the build without a stack trace. */
function compile(args) {
  try {
    execFileSync(cc, args, { stdio: 'inherit' });
  } catch (error) {
    fail(`${cc} ${args.join(' ')} failed (${error.status !== null ? `exit status ${error.status}` : error.message}); its messages are above`);
  }
}

/** Build the lapinsts tool as Valgrind builds its own (e.g. none-amd64-linux): a static executable at 0x58000000. */
function buildValgrindTool() {
  if (process.arch !== 'x64' || process.platform !== 'linux') {
    console.warn('build-native: the lapinsts Valgrind tool is built for amd64 Linux only; skipped');
    return;
  }
  const include = process.env.VALGRIND_INCLUDE ?? '/usr/include/valgrind';
  const libDirs = [process.env.VALGRIND_LIBS, '/usr/lib/x86_64-linux-gnu/valgrind', '/usr/lib/valgrind', '/usr/libexec/valgrind'].filter(Boolean);
  const libs = libDirs.find((dir) => existsSync(join(dir, 'libcoregrind-amd64-linux.a')));
  if (!existsSync(join(include, 'pub_tool_basics.h')) || libs === undefined) {
    fail(
      `the Valgrind tool headers and libraries are missing (${join(include, 'pub_tool_basics.h')}, libcoregrind-amd64-linux.a): ` +
        'install the Debian package "valgrind" (apt-get install valgrind), or set LAPIDARY_SKIP_VALGRIND_TOOL=1 to build without the Valgrind instruction-count methods',
    );
  }
  const stockDirs = [process.env.VALGRIND_STOCK_LIB, '/usr/libexec/valgrind', '/usr/lib/x86_64-linux-gnu/valgrind', '/usr/lib/valgrind'].filter(Boolean);
  const stock = stockDirs.find((dir) => existsSync(join(dir, 'vgpreload_core-amd64-linux.so')));
  if (stock === undefined) fail('Valgrind\'s own files (vgpreload_core-amd64-linux.so) are missing: install the Debian package "valgrind"');

  const toolDir = join(out, 'valgrind');
  rmSync(toolDir, { recursive: true, force: true });
  mkdirSync(toolDir, { recursive: true });
  for (const entry of readdirSync(stock)) {
    // Valgrind looks for its preload objects, suppressions and gdbserver descriptions in VALGRIND_LIB.
    if (/^(vgpreload_core-.*\.so|default\.supp|.*\.xml)$/.test(entry)) symlinkSync(join(stock, entry), join(toolDir, entry));
  }
  const object = join(toolDir, 'lapinsts.o');
  compile([
    '-O2', '-g', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter', '-fno-strict-aliasing', '-fno-builtin',
    '-fno-stack-protector', '-fno-pie', '-DVGA_amd64=1', '-DVGO_linux=1', '-DVGP_amd64_linux=1', '-DVGPV_amd64_linux_vanilla=1',
    `-I${include}`, '-c', join(root, 'src', 'native', 'insts-vgtool.c'), '-o', object,
  ]);
  compile([
    '-o', join(toolDir, 'lapinsts-amd64-linux'), object, '-static', '-nodefaultlibs', '-nostartfiles', '-u', '_start',
    '-Wl,--build-id=none', '-Wl,-Ttext=0x58000000', '-no-pie',
    join(libs, 'libcoregrind-amd64-linux.a'), join(libs, 'libvex-amd64-linux.a'), join(libs, 'libgcc-sup-amd64-linux.a'), '-lgcc',
  ]);
  rmSync(object);
}
