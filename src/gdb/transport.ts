import { spawn } from 'node:child_process';
import { killQuietly } from './cleanup.js';
import { LineSplitter } from './line-splitter.js';

/** How the gdb end of a transport went away. */
export interface TransportExit {
  /** gdb's exit status, or null if it was killed by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The last few KB gdb wrote to stderr (its error messages). */
  stderrTail: string;
  /** Output after the last newline: a record gdb did not finish writing. */
  partialLine?: string;
  /** Why gdb could not be started (e.g. ENOENT for a wrong gdbPath). */
  startError?: Error;
}

/** Receives what gdb writes. */
export interface TransportListener {
  line(text: string): void;
  exit(info: TransportExit): void;
}

/**
 * A line-oriented connection to gdb/MI: the real process (GdbProcessTransport) or, in tests, a
 * fake that replays recorded lines and faults a real gdb cannot produce on demand.
 */
export interface MiTransport {
  /** gdb's pid, which is also its process group id; undefined for fakes or if spawning failed. */
  readonly pid: number | undefined;
  /** Start delivering lines and the exit to `listener`. Called once. */
  listen(listener: TransportListener): void;
  /** Write one line (a newline is added). Lines written after gdb died are dropped. */
  writeLine(line: string): void;
  /** SIGKILL gdb's whole process group. Idempotent. */
  kill(): void;
}

/** Options to spawn gdb. */
export interface GdbSpawnOptions {
  gdbPath: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const STDERR_TAIL_BYTES = 4096;
/** After gdb exits, how long to wait for the rest of its stdout before giving up on it. */
const DRAIN_MS = 500;

/**
 * gdb as a child process in its own process group (`detached: true`), so a Ctrl-C at the
 * terminal does not reach it and `kill(-pid)` ends gdb and anything it started in its group.
 */
export class GdbProcessTransport implements MiTransport {
  readonly pid: number | undefined;
  private readonly child;
  private readonly splitter = new LineSplitter();
  private stderrTail = '';
  private exited = false;

  /** Spawn gdb now; lines and the exit are delivered once listen() is called. */
  constructor(options: GdbSpawnOptions) {
    this.child = spawn(options.gdbPath, options.args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.pid = this.child.pid;
    this.child.stdin.on('error', () => {
      // EPIPE after gdb died; the exit handler reports it.
    });
  }

  listen(listener: TransportListener): void {
    const { child } = this;
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of this.splitter.push(chunk)) listener.line(line);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    let reported = false;
    const report = (info: Omit<TransportExit, 'stderrTail' | 'partialLine'>): void => {
      if (reported) return;
      reported = true;
      this.exited = true;
      const partialLine = this.splitter.takePartial();
      listener.exit({ ...info, stderrTail: this.stderrTail, ...(partialLine === undefined ? {} : { partialLine }) });
    };
    child.on('error', (error) => report({ exitCode: null, signal: null, startError: error }));
    child.on('exit', (exitCode, signal) => {
      // stdout may still hold data; 'close' follows once it is drained, unless another process
      // (a program started without a tty of its own) keeps the pipe open.
      const timer = setTimeout(() => {
        child.stdout.destroy();
        report({ exitCode, signal });
      }, DRAIN_MS);
      child.once('close', () => {
        clearTimeout(timer);
        report({ exitCode, signal });
      });
    });
  }

  writeLine(line: string): void {
    if (!this.exited && this.child.stdin.writable) this.child.stdin.write(`${line}\n`);
  }

  kill(): void {
    if (this.pid !== undefined && !this.exited) killQuietly(-this.pid);
  }
}
