/**
 * The captured state of one stopped Linux x86-64 process, in the vocabulary of rr and CRIU.
 * Pure data: no I/O, no gdb, no gem5. Addresses and 64-bit registers are `bigint`;
 * page contents are not here (see `MemorySource` in capture/), only their layout.
 */

/** Size of a page on x86-64 Linux and in gem5's X86 SE mode (`EmuLinux` PageShift = 12), in bytes. */
export const PAGE_SIZE = 4096;

/** What kind of mapping a /proc/PID/maps line describes. */
export type RegionKind = 'file' | 'anon' | 'heap' | 'stack' | 'vdso' | 'vvar' | 'vsyscall';

/**
 * One line of /proc/PID/maps (proc(5), "/proc/pid/maps").
 * `[start, end)` in bytes, page-aligned, in the target's address space.
 */
export interface MemoryRegion {
  start: bigint;
  end: bigint;
  prot: { read: boolean; write: boolean; exec: boolean };
  /** `s` (MAP_SHARED) rather than `p` in the perms column. */
  shared: boolean;
  /** File offset of `start`, bytes. */
  offset: bigint;
  /** `major:minor` of the backing device, hex as printed. */
  device: string;
  inode: number;
  /** The pathname column: a file path, `[heap]`, `[stack]`, `[vdso]`, …; absent for anonymous memory. */
  path?: string;
  /** The path ended in " (deleted)": the file was unlinked after it was mapped. */
  deleted: boolean;
  kind: RegionKind;
  /**
   * VM_NORESERVE (smaps VmFlags `nr`, proc(5)): MAP_NORESERVE, so the kernel committed no
   * memory for its untouched pages. Set by capture; absent when unknown.
   */
  noReserve?: boolean;
}

/** The x86-64 general-purpose registers, RIP and RFLAGS (64-bit values). */
export interface GeneralRegisters {
  rax: bigint; rbx: bigint; rcx: bigint; rdx: bigint;
  rsi: bigint; rdi: bigint; rbp: bigint; rsp: bigint;
  r8: bigint; r9: bigint; r10: bigint; r11: bigint;
  r12: bigint; r13: bigint; r14: bigint; r15: bigint;
  rip: bigint;
  rflags: bigint;
}

/** Names of the 16 integer registers in x86 encoding order (RAX=0 … R15=15), the order gem5 uses. */
export const GPR_ENCODING_ORDER = [
  'rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
] as const;

/**
 * x87 FPU state as FXSAVE / gdb present it (Intel SDM vol. 1, 10.5.1 "FXSAVE Area").
 * `st[i]` is the stack-relative register ST(i) as 10 little-endian bytes (80-bit extended).
 */
export interface X87State {
  st: Uint8Array[];
  /** FCW, 16 bits. gdb: `fctrl`. */
  fcw: number;
  /** FSW, 16 bits, TOP in bits 11..13. gdb: `fstat`. */
  fsw: number;
  /** Full 16-bit tag word, 2 bits per physical register (3 = empty). gdb: `ftag`. */
  ftw: number;
  /** Last opcode, 11 bits. gdb: `fop`. */
  fop: number;
  /** Last instruction pointer offset. gdb: `fioff`. */
  fioff: bigint;
  /** Last data pointer offset. gdb: `fooff`. */
  fooff: bigint;
}

/** SSE state: 16 XMM registers of 16 little-endian bytes each, and MXCSR. */
export interface SseState {
  xmm: Uint8Array[];
  mxcsr: number;
}

/** The user-visible state of one thread. rr: Registers + ExtraRegisters. */
export interface ThreadState {
  tid: number;
  gpr: GeneralRegisters;
  segments: { cs: number; ss: number; ds: number; es: number; fs: number; gs: number; fsBase: bigint; gsBase: bigint };
  x87: X87State;
  sse: SseState;
  /**
   * Set when the thread was stopped inside an interrupted system call that the kernel would
   * restart: the registers above already have the restart applied (RIP back on the `syscall`
   * instruction, RAX = the system call number), as the kernel does on resumption.
   */
  restartedSyscall?: { number: number; interruptedRax: bigint };
}

/** How an open file descriptor will be represented after restore. */
export type FdDisposition = 'reopen' | 'stdio' | 'closed';

/** One open file descriptor (from /proc/PID/fd and /proc/PID/fdinfo, proc(5)). */
export interface FileDescriptor {
  fd: number;
  /** readlink(/proc/PID/fd/N): an absolute path, or `pipe:[…]`, `socket:[…]`, `anon_inode:…`. */
  target: string;
  /** open(2) flags as the kernel reports them (fdinfo `flags`, octal there, a number here). */
  flags: number;
  /** File position, bytes (fdinfo `pos`). */
  offset: bigint;
  closeOnExec: boolean;
  /** Regular file, character device, FIFO, socket, …, from fstat of /proc/PID/fd/N. */
  type: 'file' | 'chardev' | 'blockdev' | 'directory' | 'fifo' | 'socket' | 'other';
  disposition: FdDisposition;
  /** Why a descriptor is closed after restore, shown to the user. */
  reason?: string;
}

/** Something capture could not represent exactly, carried into the manifest. */
export interface Diagnostic {
  severity: 'warning' | 'info';
  message: string;
}

/** Everything about one stopped process except page contents. CRIU: mm_entry + fdinfo. */
export interface ProcessState {
  pid: number;
  /** Absolute path of the executable (readlink /proc/PID/exe). */
  exe: string;
  argv: string[];
  cwd: string;
  threads: ThreadState[];
  regions: MemoryRegion[];
  /** Program break: `start` from /proc/PID/stat field 47, `current` is the current break (sbrk(0)). */
  brk: { start: bigint; current: bigint };
  /** The [stack] mapping and the RLIMIT_STACK soft limit (bytes) it may grow to. */
  stack: { start: bigint; end: bigint; maxSize: bigint };
  fds: FileDescriptor[];
  notes: Diagnostic[];
}
