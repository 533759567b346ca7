import type { GdbProcessError, MiFormatError } from '../errors.js';
import type { MiAsyncRecord, StopEvent } from '../mi/index.js';

/** Options of GdbSession.start (the last four also apply to `new GdbSession(transport, …)`). */
export interface GdbSessionOptions {
  /** The gdb binary; default `gdb` from PATH. */
  gdbPath?: string;
  /** gdb's working directory (and so the program's, by default). */
  cwd?: string;
  /** gdb's whole environment, which the program inherits (its locale included); default this process's. */
  env?: NodeJS.ProcessEnv;
  /** MI version; default `mi3`. `mi2` only to observe old quirks (`bkpt={…},{…}`). */
  interpreter?: 'mi3' | 'mi2';
  /** Where the program's stdin/stdout/stderr go (`-inferior-tty-set`); default `/dev/null`. */
  inferiorTty?: string;
  /** Record every line sent and received into this file (format: see TranscriptRecorder). */
  transcript?: string;
  /** `#` header lines for the transcript. */
  transcriptHeader?: readonly string[];
  /** How long close() lets gdb exit by itself before SIGKILL, in ms; default 2000. */
  closeGraceMs?: number;
  /**
   * The programs run on another machine (`target extended-remote` to a gdbserver in a VM): their
   * pids are another kernel's, so they are never SIGKILLed on this machine at exit or close
   * (gdb's `kill` still ends them through gdbserver). Default false.
   */
  remoteInferiors?: boolean;
}

/**
 * Events, as records arrive: out-of-band records by type, decoded stream text, each stop,
 * `protocolError` for a line the session could not use (unparseable, or a result nobody awaits),
 * and `exit` when gdb ends (with the error if nobody called close()).
 */
export interface GdbSessionEvents {
  exec: [record: MiAsyncRecord];
  status: [record: MiAsyncRecord];
  notify: [record: MiAsyncRecord];
  console: [text: string];
  target: [text: string];
  log: [text: string];
  stop: [event: StopEvent];
  protocolError: [line: string, error: MiFormatError];
  exit: [error: GdbProcessError | undefined];
}
