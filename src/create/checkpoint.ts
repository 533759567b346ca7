import { basename, join } from 'node:path';
import { captureProcess } from '../capture/capture.js';
import { DELETED_SUFFIX } from '../capture/procfs/maps.js';
import type { PageImage } from '../capture/memory.js';
import { isWritable } from '../capture/fds.js';
import { CHECKPOINT_PREFIX } from '../gem5/checkpoint/layout.js';
import { MANIFEST_FORMAT, type CheckpointManifest, type OpenFileRecord, type StdioRecord } from '../gem5/checkpoint/manifest.js';
import { PMEM_FILE, renderCheckpoint } from '../gem5/checkpoint/render.js';
import { CheckpointDirWriter, sha256File } from '../gem5/checkpoint/write.js';
import type { FileDescriptor, ProcessState } from '../process/types.js';
import { PAGE_SIZE } from '../process/types.js';
import type { LaunchedTarget, TargetSpec } from './launch.js';
import type { ExecRecord, ProgramImage } from './exec.js';

const MiB = 1024n * 1024n;

/**
 * Physical memory for the restore: the stored pages, plus frames for every page that may still
 * be touched (zero and untouched pages of existing mappings), plus 256 MiB for growth, rounded
 * up to a power of two and at least 512 MiB (se.py's default --mem-size).
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
}

function stdioRecord(fds: readonly FileDescriptor[], n: number): StdioRecord | undefined {
  const fd = fds.find((f) => f.fd === n);
  if (fd === undefined) return undefined;
  return { target: fd.target, offset: fd.offset.toString(), isFile: fd.type === 'file' };
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
  extra: { instructions?: bigint; marker?: Record<string, string> } = {},
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
  try {
    if (exeDeleted) {
      // The kernel keeps the deleted file alive while the program runs; /proc/PID/exe opens it.
      exeCopy = `exe/${basename(state.exe.slice(0, -DELETED_SUFFIX.length))}`;
      await writer.addFile(exeCopy, await target.proc.readFile(`/proc/${target.pid}/exe`));
    }
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
    index, elapsedSeconds, pauseMs, snapshots, program: target.image, execs: [...target.execs], ...(exeCopy !== undefined ? { exeCopy } : {}), ...extra,
  });
  return { pauseMs, written };
}

async function finishCheckpoint(
  writer: CheckpointDirWriter,
  state: ProcessState,
  pending: Promise<PageImage>,
  settings: CheckpointSettings,
  info: {
    index: number; elapsedSeconds: number; pauseMs: number; snapshots: Map<number, { dest: string; sha256: string }>;
    program: ProgramImage; execs: readonly ExecRecord[]; exeCopy?: string; instructions?: bigint; marker?: Record<string, string>;
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
  const memSize = chooseMemSize(image.pageAddrs.length, image.stats.zeroPages + image.stats.absentPages);
  const files: OpenFileRecord[] = [];
  for (const fd of state.fds.filter((f) => f.disposition === 'reopen')) {
    const snapshot = info.snapshots.get(fd.fd);
    const record: OpenFileRecord = {
      fd: fd.fd, path: fd.target, flags: fd.flags, offset: fd.offset.toString(), writable: isWritable(fd),
      sha256: snapshot?.sha256 ?? (fd.type === 'file' ? await sha256File(fd.target) : ''),
    };
    if (snapshot !== undefined) record.snapshot = snapshot.dest;
    files.push(record);
  }
  const closed = state.fds.filter((f) => f.disposition === 'closed');
  const sections = renderCheckpoint(state, {
    pageAddrs: image.pageAddrs,
    memSize,
    ...(info.instructions !== undefined ? { instCount: info.instructions } : {}),
  });
  const exe = info.exeCopy !== undefined ? state.exe.slice(0, -DELETED_SUFFIX.length) : state.exe;
  const notes = [
    ...(info.exeCopy !== undefined
      ? [`the executable ${exe} was deleted while the program ran; the checkpoint keeps a copy, ${info.exeCopy} (lapidary simulate uses it; for se.py give --cmd=<this checkpoint>/${info.exeCopy}); memory was read while the program was stopped`]
      : []),
    ...state.notes.map((n) => n.message),
    ...closed.map((f) => `fd ${f.fd} (${f.target}) is closed after restore: ${f.reason}`),
  ];
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
      target: {
        exe, ...(info.exeCopy !== undefined ? { exeCopy: info.exeCopy } : {}), argv: info.program.argv, env: info.program.env, cwd: state.cwd, pid: state.pid,
        ...(info.execs.length > 0 ? { execs: info.execs.map((e) => ({ elapsedSeconds: e.elapsedSeconds, exe: e.to.exe, argv: e.to.argv, vdsoRemoved: e.vdsoRemoved })) } : {}),
      },
      stdio: Object.fromEntries(
        (['stdin', 'stdout', 'stderr'] as const).flatMap((name, n) => {
          const record = stdioRecord(state.fds, n);
          return record === undefined ? [] : [[name, record]];
        }),
      ),
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
      closedFds: closed.map((f) => ({ fd: f.fd, target: f.target, reason: f.reason ?? '' })),
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
  };
}
