import { basename, join } from 'node:path';
import { captureProcess } from '../capture/capture.js';
import { DELETED_SUFFIX } from '../capture/procfs/maps.js';
import type { PageImage } from '../capture/memory.js';
import { isReopenableDevice, isWritable } from '../capture/fds.js';
import { CHECKPOINT_PREFIX } from '../gem5/checkpoint/layout.js';
import { MANIFEST_FORMAT, closedFdNote, type CheckpointManifest, type OpenFileRecord, type SimPointRecord, type StdioRecord } from '../gem5/checkpoint/manifest.js';
import { PMEM_FILE, renderCheckpoint } from '../gem5/checkpoint/render.js';
import { sePyArguments } from '../gem5/checkpoint/se-py.js';
import { CheckpointDirWriter, sha256File } from '../gem5/checkpoint/write.js';
import type { FileDescriptor, ProcessState } from '../process/types.js';
import { PAGE_SIZE } from '../process/types.js';
import { changedRecently, stampFile, unchangedSince, type FileStamp } from './file-stamp.js';
import type { LaunchedTarget, TargetSpec } from './launch.js';
import type { ExecRecord, ProgramImage } from './exec.js';

const MiB = 1024n * 1024n;

/**
 * Physical memory for the restore, bytes: the stored pages, plus frames for the pages that may
 * still be touched, plus 256 MiB for growth, rounded up to a power of two and at least 512 MiB
 * (se.py's default --mem-size). `pagesLazy` should count the zero and untouched pages of
 * mappings the kernel committed memory for (private writable ones without MAP_NORESERVE,
 * shmem), and not the untouched pages of MAP_NORESERVE reservations (Go arenas, JVM heaps,
 * sanitizer shadows: hundreds of GiB of which a few pages are used).
 *
 * Why that limit: gem5 v24 maps the whole size as anonymous host memory without MAP_NORESERVE
 * (src/mem/physical.cc:237-248; System.mmap_using_noreserve defaults to False, src/sim/System.py:78),
 * which Linux refuses past its overcommit heuristic ("Could not mmap"), while SE mode hands out
 * frames only as pages are first touched (src/sim/mem_state.cc:392-420). A restored program that
 * touches more than this makes gem5 stop with "Out of memory, please increase size of physical
 * memory" (src/sim/mem_pool.cc:121): a loud failure, never a wrong run.
 */
export function chooseMemSize(pagesStored: number, pagesLazy: number): bigint {
  const needed = BigInt(pagesStored + pagesLazy) * BigInt(PAGE_SIZE) + 256n * MiB;
  let size = 512n * MiB;
  while (size < needed) size *= 2n;
  return size;
}

/** What one checkpoint cost and produced, for the progress line and benchmarks. */
export interface CheckpointSummary {
  index: number;
  path: string;
  rip: bigint;
  pagesStored: number;
  bytesStored: number;
  bytesCompressed: number;
  pauseMs: number;
  notes: string[];
  /** Absolute path of `cpt.N/stdin.rest` when stdin was a file read past offset 0 (se.py's `--input`). */
  stdinRest?: string;
  /** The arguments of gem5's se.py that restore this checkpoint (sePyArguments), k = the index. */
  sePyArguments: string[];
}

/** Settings shared by every checkpoint of one `create` run. */
export interface CheckpointSettings {
  directory: string;
  spec: TargetSpec;
  /** Recorded verbatim in each manifest (native environment, stop policy, …). */
  options: Record<string, unknown>;
  compressionLevel: number;
  /** Read memory from a copy-on-write snapshot child so the target resumes at once (default true). */
  snapshot?: boolean;
  /** Aborted on SIGINT/SIGTERM: a checkpoint still being written is then discarded, not finished. */
  signal?: AbortSignal;
  /** Notes that hold for every checkpoint of the run (how stdin was prepared: prepareStdin). */
  notes?: string[];
}

function stdioRecord(fds: readonly FileDescriptor[], n: number): StdioRecord | undefined {
  const fd = fds.find((f) => f.fd === n);
  if (fd === undefined) return undefined;
  return { target: fd.target, offset: fd.offset.toString(), isFile: isReadableFile(fd) };
}

/** A regular file that can still be opened by its path (not deleted while open). */
function isReadableFile(fd: FileDescriptor): boolean {
  return fd.type === 'file' && !fd.target.endsWith(' (deleted)');
}

/** stdin is a file the program has read part of: a restore needs its unread rest. */
function isPartlyReadStdin(fd: FileDescriptor): boolean {
  return fd.fd === 0 && isReadableFile(fd) && fd.offset > 0n;
}

/** File name, inside `cpt.N`, of the unread rest of a stdin file. */
export const STDIN_REST_FILE = 'stdin.rest';

/**
 * What is read, while the target is stopped, of the regular files whose contents the manifest
 * records: the read-only files gem5 reopens (sha256) and a stdin file read past offset 0 (its
 * unread rest). Each is stamped (size, mtime, ctime) and read after the target resumes, where a
 * changed stamp becomes a note; a file changed so recently that a new write could keep its
 * stamp (changedRecently) is read now instead.
 */
interface InputsAtStop {
  /** fd → stamp of the files read after the target resumes. */
  stamps: Map<number, FileStamp>;
  /** fd → sha256 of the read-only files hashed while stopped. */
  sha256: Map<number, string>;
  /** The unread rest of stdin when it was copied while stopped. */
  stdinRest?: { bytes: number };
}

async function readInputsAtStop(fds: readonly FileDescriptor[], writer: CheckpointDirWriter): Promise<InputsAtStop> {
  const inputs: InputsAtStop = { stamps: new Map(), sha256: new Map() };
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  for (const fd of fds) {
    const hashed = fd.type === 'file' && fd.disposition === 'reopen' && !isWritable(fd);
    const stdin = isPartlyReadStdin(fd);
    if (!hashed && !stdin) continue;
    const stamp = await stampFile(fd.target);
    if (!changedRecently(stamp, nowNs)) inputs.stamps.set(fd.fd, stamp);
    else if (hashed) inputs.sha256.set(fd.fd, await sha256File(fd.target));
    else inputs.stdinRest = await writer.copyRest(fd.target, fd.offset, STDIN_REST_FILE);
  }
  return inputs;
}

/**
 * The note for a stdin a restore cannot give the program: fd 0 is neither a regular file nor a
 * /dev/null-like device (the program put a pipe there, or inherited a terminal).
 */
function stdinNote(fds: readonly FileDescriptor[]): string | undefined {
  const fd = fds.find((f) => f.fd === 0);
  if (fd === undefined || isReadableFile(fd) || isReopenableDevice(fd)) return undefined;
  const what = fd.type === 'file' ? `the deleted file ${fd.target.slice(0, -' (deleted)'.length)}`
    : fd.target.startsWith('pipe:') ? `a pipe (${fd.target})` : fd.type === 'fifo' ? `the FIFO ${fd.target}`
    : fd.type === 'chardev' ? `the character device ${fd.target}` : fd.type === 'socket' ? `a socket (${fd.target})` : fd.target;
  return `stdin (fd 0) is ${what}, which a checkpoint cannot hold: after restore the program reads `
    + '/dev/null (lapidary simulate) or se.py\'s --input, and whatever it had not yet read from it is lost';
}

const hex = (value: bigint): string => `0x${value.toString(16)}`;

/**
 * Take checkpoint `index` of a stopped target. Everything that must reflect the stopped state
 * (registers, memory, descriptors, snapshots of files open for writing) is read before this
 * resolves; the caller may resume the target then and await `written`, which compresses the
 * image and writes `<directory>/cpt.<index>` atomically.
 */
export async function takeCheckpoint(
  target: LaunchedTarget,
  settings: CheckpointSettings,
  index: number,
  elapsedSeconds: number,
  extra: { instructions?: bigint; marker?: Record<string, string>; simpoint?: SimPointRecord } = {},
): Promise<{ pauseMs: number; written: Promise<CheckpointSummary> }> {
  const started = performance.now();
  // gdb 13 crashes (SIGSEGV) putting the registers back after a snapshot clone of a program
  // whose executable was deleted, so such a program is read while stopped.
  const exeDeleted = (await target.proc.readlink(`/proc/${target.pid}/exe`)).endsWith(DELETED_SUFFIX);
  const capture = await captureProcess(target.session, target.proc, target.pid, target.registers, {
    snapshot: (settings.snapshot ?? true) && !exeDeleted,
    ...(target.syscallHint !== undefined ? { syscallHint: target.syscallHint } : {}),
  });
  if (capture.syscallAt !== undefined) target.syscallHint = capture.syscallAt;
  if (capture.snapshot) target.stepOverAt = capture.state.threads[0]!.gpr.rip;
  const { state, image } = capture;
  const path = join(settings.directory, `${CHECKPOINT_PREFIX}${index}`);
  const writer = await CheckpointDirWriter.begin(path);
  const snapshots = new Map<number, { dest: string; sha256: string }>();
  let exeCopy: string | undefined;
  let inputs: InputsAtStop;
  try {
    if (exeDeleted) {
      // The kernel keeps the deleted file alive while the program runs; /proc/PID/exe opens it.
      exeCopy = `exe/${basename(state.exe.slice(0, -DELETED_SUFFIX.length))}`;
      await writer.addFile(exeCopy, await target.proc.readFile(`/proc/${target.pid}/exe`));
    }
    inputs = await readInputsAtStop(state.fds, writer);
    for (const fd of state.fds) {
      if (fd.disposition === 'reopen' && fd.type === 'file' && isWritable(fd)) {
        const dest = `files/fd${fd.fd}`;
        snapshots.set(fd.fd, { dest, sha256: await writer.snapshotFile(fd.target, dest) });
      }
    }
  } catch (error) {
    await writer.abort();
    await image.catch(() => undefined);
    throw error;
  }
  const pauseMs = performance.now() - started;
  const written = finishCheckpoint(writer, state, image, settings, {
    index, elapsedSeconds, pauseMs, snapshots, inputs, program: target.image, execs: [...target.execs], ...(exeCopy !== undefined ? { exeCopy } : {}), ...extra,
  });
  return { pauseMs, written };
}

async function finishCheckpoint(
  writer: CheckpointDirWriter,
  state: ProcessState,
  pending: Promise<PageImage>,
  settings: CheckpointSettings,
  info: {
    index: number; elapsedSeconds: number; pauseMs: number;
    snapshots: Map<number, { dest: string; sha256: string }>;
    inputs: InputsAtStop;
    program: ProgramImage; execs: readonly ExecRecord[]; exeCopy?: string; instructions?: bigint; marker?: Record<string, string>; simpoint?: SimPointRecord;
  },
): Promise<CheckpointSummary> {
  let image: PageImage;
  try {
    image = await pending;
  } catch (error) {
    await writer.abort();
    throw error;
  }
  const thread = state.threads[0]!;
  const memSize = chooseMemSize(image.pageAddrs.length, image.stats.zeroPages + image.stats.absentPages - image.stats.unreservedAbsentPages);
  const unreserved = image.stats.unreservedAbsentPages;
  const files: OpenFileRecord[] = [];
  const changed: string[] = [];
  const changedFds = new Set<number>();
  /** Read a stamped file's contents now; note it when it is no longer the file stamped at the stop. */
  const afterStop = async <T>(fd: FileDescriptor, read: () => Promise<T>, what: string): Promise<T> => {
    const result = await read();
    const stamp = info.inputs.stamps.get(fd.fd);
    if (stamp !== undefined && !(await unchangedSince(fd.target, stamp))) {
      changedFds.add(fd.fd);
      changed.push(`${fd.target} (fd ${fd.fd}) changed after the checkpoint's stop (size, mtime or ctime differ from then): ${what} the later contents, not those the native program had`);
    }
    return result;
  };
  let stdinRest: { rest: string; restBytes: string } | undefined;
  try {
    for (const fd of state.fds.filter((f) => f.disposition === 'reopen')) {
      const snapshot = info.snapshots.get(fd.fd);
      const record: OpenFileRecord = {
        fd: fd.fd, path: fd.target, flags: fd.flags, offset: fd.offset.toString(), writable: isWritable(fd),
        sha256: snapshot?.sha256 ?? info.inputs.sha256.get(fd.fd)
          ?? (fd.type === 'file' ? await afterStop(fd, () => sha256File(fd.target), 'its recorded sha256 is of') : ''),
      };
      if (snapshot !== undefined) record.snapshot = snapshot.dest;
      if (changedFds.has(fd.fd)) record.sha256AfterStop = true;
      files.push(record);
    }
    // gem5 opens a Process's input at offset 0 and restores no entry for fds 0-2
    // (src/sim/fd_array.cc:50-76, 379): what the program had not read yet is given to it as a file.
    const stdin = state.fds.find((f) => f.fd === 0);
    if (stdin !== undefined && isPartlyReadStdin(stdin)) {
      const copied = info.inputs.stdinRest ?? await afterStop(stdin, () => writer.copyRest(stdin.target, stdin.offset, STDIN_REST_FILE), `${STDIN_REST_FILE} holds`);
      stdinRest = { rest: STDIN_REST_FILE, restBytes: String(copied.bytes) };
    }
  } catch (error) {
    await writer.abort();
    throw error;
  }
  const closed = state.fds.filter((f) => f.disposition === 'closed').map((f) => ({ fd: f.fd, target: f.target, reason: f.reason ?? '' }));
  const sections = renderCheckpoint(state, {
    pageAddrs: image.pageAddrs,
    memSize,
    ...(info.instructions !== undefined ? { instCount: info.instructions } : {}),
  });
  const exe = info.exeCopy !== undefined ? state.exe.slice(0, -DELETED_SUFFIX.length) : state.exe;
  const unreadStdin = stdinNote(state.fds);
  const notes = [
    ...(settings.notes ?? []),
    ...(info.exeCopy !== undefined
      ? [`the executable ${exe} was deleted while the program ran; the checkpoint keeps a copy, ${info.exeCopy} (lapidary simulate uses it; for se.py give --cmd=<this checkpoint>/${info.exeCopy}); memory was read while the program was stopped`]
      : []),
    ...state.notes.map((n) => n.message),
    ...(unreadStdin !== undefined ? [unreadStdin] : []),
    ...closed.map(closedFdNote),
    ...changed,
    ...(unreserved > 0
      ? [`gem5's memory size (${memSize / MiB} MiB) leaves out the ${unreserved} untouched pages (${(BigInt(unreserved) * BigInt(PAGE_SIZE)) / MiB} MiB) of MAP_NORESERVE mappings; a restored run that touches more than the spare (at least 256 MiB) stops with gem5's "Out of memory"`]
      : []),
  ];
  const stdio: CheckpointManifest['stdio'] = Object.fromEntries(
    (['stdin', 'stdout', 'stderr'] as const).flatMap((name, n) => {
      const record = stdioRecord(state.fds, n);
      if (record === undefined) return [];
      return [[name, n === 0 && stdinRest !== undefined ? { ...record, ...stdinRest } : record]];
    }),
  );
  const pmem = await writer.finish({
    sections,
    header: `checkpoint written by lapidary for gem5 v24.0 X86 SE: ${state.exe} pid ${state.pid} at rip ${hex(thread.gpr.rip)}`,
    pages: image.pages,
    compressionLevel: settings.compressionLevel,
    signal: settings.signal,
    manifest: ({ pmem, checksums }): CheckpointManifest => ({
      format: MANIFEST_FORMAT,
      index: info.index,
      createdAt: new Date().toISOString(),
      elapsedSeconds: info.elapsedSeconds,
      pauseMs: Math.round(info.pauseMs),
      ...(info.instructions !== undefined ? { instructions: info.instructions.toString() } : {}),
      ...(info.marker !== undefined ? { marker: info.marker } : {}),
      ...(info.simpoint !== undefined ? { simpoint: info.simpoint } : {}),
      target: {
        exe, ...(info.exeCopy !== undefined ? { exeCopy: info.exeCopy } : {}), argv: info.program.argv, env: info.program.env, cwd: state.cwd, pid: state.pid,
        ...(info.execs.length > 0 ? { execs: info.execs.map((e) => ({ elapsedSeconds: e.elapsedSeconds, exe: e.to.exe, argv: e.to.argv, vdsoRemoved: e.vdsoRemoved })) } : {}),
      },
      stdio,
      options: settings.options,
      registers: { rip: hex(thread.gpr.rip), rsp: hex(thread.gpr.rsp), rflags: hex(thread.gpr.rflags), fsBase: hex(thread.segments.fsBase) },
      gem5: { version: '24.0', isa: 'X86', memSize: memSize.toString(), cpuPath: 'system.cpu', pmem: PMEM_FILE },
      mappings: state.regions.map((r) => ({
        start: hex(r.start),
        end: hex(r.end),
        perms: `${r.prot.read ? 'r' : '-'}${r.prot.write ? 'w' : '-'}${r.prot.exec ? 'x' : '-'}${r.shared ? 's' : 'p'}`,
        offset: hex(r.offset),
        ...(r.path !== undefined ? { path: r.path } : {}),
      })),
      memory: {
        regions: image.stats.regions,
        pagesStored: image.pageAddrs.length,
        zeroPagesSkipped: image.stats.zeroPages,
        untouchedPagesSkipped: image.stats.absentPages,
        bytesStored: pmem.rawBytes,
        bytesCompressed: pmem.compressedBytes,
      },
      files,
      closedFds: closed,
      notes,
      checksums,
    }),
  });
  return {
    index: info.index,
    path: writer.path,
    rip: thread.gpr.rip,
    pagesStored: image.pageAddrs.length,
    bytesStored: pmem.rawBytes,
    bytesCompressed: pmem.compressedBytes,
    pauseMs: info.pauseMs,
    notes,
    ...(stdinRest !== undefined ? { stdinRest: join(writer.path, stdinRest.rest) } : {}),
    // create writes cpt.1, cpt.2, … into a directory without checkpoints, so cpt.N is se.py's -r N.
    sePyArguments: sePyArguments(writer.path, info.index, { target: { exe, ...(info.exeCopy !== undefined ? { exeCopy: info.exeCopy } : {}) }, gem5: { memSize: memSize.toString() }, stdio }),
  };
}
