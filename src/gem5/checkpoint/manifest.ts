import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '../../errors.js';

/** File name of lapidary's manifest inside each `cpt.N` directory. */
export const MANIFEST_FILE = 'lapidary.json';
export const MANIFEST_FORMAT = 'lapidary-checkpoint/1';

/** Where one of the target's standard streams pointed when the checkpoint was taken. */
export interface StdioRecord {
  /** Absolute path of a regular file or device, or the kernel's name (`pipe:[…]`). */
  target: string;
  /** File position, bytes, as a decimal string. */
  offset: string;
  isFile: boolean;
  /**
   * stdin only, when it is a regular file read past offset 0: the unread rest (bytes `offset`…
   * to its end at the checkpoint), relative to the checkpoint directory (`stdin.rest`), and its
   * length in bytes as a decimal string. gem5 opens a Process's input at offset 0 and restores
   * no fd 0-2 entry (src/sim/fd_array.cc:50-76, 379), so a restore gives the program this file.
   */
  rest?: string;
  restBytes?: string;
}

/** A regular file the target had open, reopened by gem5 at restore. */
export interface OpenFileRecord {
  fd: number;
  path: string;
  flags: number;
  offset: string;
  writable: boolean;
  /** sha256 of the file's contents when the checkpoint was taken; '' for directories and devices. */
  sha256: string;
  /** For files open for writing: a copy of the contents at the checkpoint, relative to the checkpoint directory. */
  snapshot?: string;
  /**
   * Set when the file changed between the checkpoint's stop and the moment it was hashed (its
   * size, mtime or ctime differ): `sha256` then describes the later contents (a note says so).
   */
  sha256AfterStop?: true;
}

/**
 * Where a SimPoint checkpoint stands: `warmupInsts` instructions before the first instruction
 * (`start`, counted from main) of interval `interval` of `intervalInsts` instructions, which
 * represents cluster `cluster` of `clusters`, weighing `weight` (the cluster's fraction of the
 * intervals). Instruction counts are decimal strings.
 */
export interface SimPointRecord {
  interval: number;
  cluster: number;
  clusters: number;
  weight: number;
  intervalInsts: string;
  warmupInsts: string;
  start: string;
  seed: number;
}

/**
 * lapidary.json: everything needed to restore and check one checkpoint that m5.cpt cannot say.
 * Numbers that may exceed 2^53 (addresses, offsets, ticks) are decimal or 0x strings.
 */
export interface CheckpointManifest {
  format: typeof MANIFEST_FORMAT;
  index: number;
  createdAt: string;
  /** Seconds of native execution since the run started (the --start point). */
  elapsedSeconds: number;
  /** Milliseconds the target was stopped to take this checkpoint. */
  pauseMs: number;
  /** Retired user-mode instructions since main, when counted (--interval-insts); also gem5's instCnt. */
  instructions?: string;
  /**
   * The point independently of counters, as LoopPoint and gem5's PcCountTracker name it: the
   * `hits`-th execution of the instruction at file offset `offset` of `object` since main.
   */
  marker?: Record<string, string>;
  /** A SimPoint checkpoint (`create --simpoints`, docs/simpoint.md): the interval it warms up for and measures. */
  simpoint?: SimPointRecord;
  /**
   * The program at this checkpoint: argv and env of the image running (after any exec the
   * program made, which `execs` lists, oldest first, with the native seconds before each).
   */
  target: {
    exe: string;
    /** When the executable was deleted while the program ran: its copy, relative to the checkpoint. */
    exeCopy?: string;
    argv: string[]; env: string[]; cwd: string; pid: number;
    execs?: Array<{ elapsedSeconds: number; exe: string; argv: string[]; vdsoRemoved: boolean }>;
  };
  stdio: { stdin?: StdioRecord; stdout?: StdioRecord; stderr?: StdioRecord };
  /** How the native run was prepared (ASLR, LD_BIND_NOW, GLIBC_TUNABLES, vDSO) and the create options. */
  options: Record<string, unknown>;
  registers: { rip: string; rsp: string; rflags: string; fsBase: string };
  gem5: { version: string; isa: 'X86'; memSize: string; cpuPath: string; pmem: string };
  /** The process's mappings as /proc/PID/maps listed them (addresses and offsets as 0x strings). */
  mappings: Array<{ start: string; end: string; perms: string; offset: string; path?: string }>;
  memory: {
    regions: number;
    pagesStored: number;
    zeroPagesSkipped: number;
    untouchedPagesSkipped: number;
    bytesStored: number;
    bytesCompressed: number;
  };
  files: OpenFileRecord[];
  closedFds: ClosedFdRecord[];
  /** What the user is told about this checkpoint (the progress line's notes): one closedFdNote per closed descriptor among them. */
  notes: string[];
  /** sha256 of every file in the checkpoint directory except this manifest. */
  checksums: Record<string, string>;
}

/** A descriptor the program had open that gem5 does not get back after restore, and why. */
export interface ClosedFdRecord {
  fd: number;
  /** The /proc/PID/fd link, e.g. `pipe:[346475]`. */
  target: string;
  reason: string;
}

/** The note a closed descriptor puts into the manifest's `notes` (and the progress line). */
export function closedFdNote(fd: ClosedFdRecord): string {
  return `fd ${fd.fd} (${fd.target}) is closed after restore: ${fd.reason}`;
}

/**
 * Read and minimally validate `<dir>/lapidary.json`.
 * @throws CheckpointError when it is missing, not JSON, or of another format.
 */
export async function readManifest(dir: string): Promise<CheckpointManifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new CheckpointError(`${dir} is not a lapidary checkpoint: ${MANIFEST_FILE} is missing`, {
      hint: 'pass a cpt.N directory written by `lapidary create`',
    });
  }
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(text) as CheckpointManifest;
  } catch (error) {
    throw new CheckpointError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (manifest.format !== MANIFEST_FORMAT) {
    throw new CheckpointError(`${path} has format ${JSON.stringify(manifest.format)}, expected ${MANIFEST_FORMAT}`);
  }
  return manifest;
}
