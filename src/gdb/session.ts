import { EventEmitter } from 'node:events';
import { GdbProcessError, MiFormatError, TargetExitedError } from '../errors.js';
import { inferiorTtySet, type MiCommandSender } from '../mi/commands/index.js';
import { parseRecord, quoteCString, type MiAsyncRecord, type MiRecord, type MiResultRecord, type StopEvent } from '../mi/index.js';
import { registerCleanup } from './cleanup.js';
import { CommandQueue, type CommandOutcome } from './command-queue.js';
import { describeGdbExit } from './exit-message.js';
import { utf8LocaleForGdb } from './locale.js';
import { ProgramState } from './program-state.js';
import { TranscriptRecorder } from './transcript.js';
import type { GdbSessionEvents, GdbSessionOptions } from './session-options.js';
import { GdbProcessTransport, type MiTransport, type TransportExit } from './transport.js';

const SETUP_SETTINGS = ['mi-async on', 'pagination off', 'confirm off', 'width 0', 'height 0'];
const DEFAULT_INTERRUPT_TIMEOUT_MS = 10_000;

/**
 * One live gdb speaking MI (GDB manual, chapter "The GDB/MI Interface"). Correlates commands and
 * results by token, emits out-of-band records as events, queues `*stopped` records for
 * waitForStop, tracks the program's pid, and makes sure neither gdb nor the program outlives
 * close(), gdb's death, or (through cleanup.ts) the Node process.
 */
export class GdbSession extends EventEmitter<GdbSessionEvents> implements MiCommandSender {
  /** First line of `-gdb-version`, e.g. `GNU gdb (Debian 13.1-3) 13.1`; set by start(). */
  gdbVersion: string | undefined;
  private readonly commands = new CommandQueue();
  private readonly program: ProgramState;
  private readonly transcript: TranscriptRecorder | undefined;
  private readonly closeGraceMs: number;
  private readonly unregisterGdbCleanup: () => void;
  private readonly exited: Promise<void>;
  private exitInfo: TransportExit | undefined;
  private closing: Promise<void> | undefined;

  /**
   * Spawn `gdb --interpreter=mi3 -nx -q` in its own process group (with a UTF-8 locale, see
   * locale.ts) and configure it: `mi-async on`, `pagination off`, `confirm off`, `width 0`,
   * `height 0`, and the program's tty.
   * Rejects with GdbProcessError if gdb cannot be started.
   */
  static async start(options: GdbSessionOptions = {}): Promise<GdbSession> {
    const { gdbEnv, programEnvCommands } = utf8LocaleForGdb(options.env ?? process.env);
    const transport = new GdbProcessTransport({
      gdbPath: options.gdbPath ?? 'gdb',
      args: [`--interpreter=${options.interpreter ?? 'mi3'}`, '-nx', '-q'],
      env: gdbEnv,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    const session = new GdbSession(transport, options);
    try {
      await Promise.all(SETUP_SETTINGS.map((setting) => session.send(`-gdb-set ${setting}`)));
      await Promise.all(programEnvCommands.map((command) => session.console(command)));
      await inferiorTtySet(session, options.inferiorTty ?? '/dev/null');
      session.gdbVersion = (await session.execute('-gdb-version')).console.split('\n')[0];
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  /** A session over any transport (start() passes the real gdb; tests may pass a fake). Sends nothing. */
  constructor(private readonly transport: MiTransport, options: Pick<GdbSessionOptions, 'transcript' | 'transcriptHeader' | 'closeGraceMs' | 'remoteInferiors'> = {}) {
    super();
    this.program = new ProgramState({ remote: options.remoteInferiors === true });
    this.closeGraceMs = options.closeGraceMs ?? 2000;
    this.transcript = options.transcript === undefined ? undefined : new TranscriptRecorder(options.transcript, options.transcriptHeader);
    this.unregisterGdbCleanup = registerCleanup(() => transport.kill());
    this.exited = new Promise((resolve) => {
      transport.listen({ line: (line) => this.onLine(line), exit: (info) => resolve(this.onExit(info)) });
    });
  }

  /** gdb's pid (also its process group id), if it was spawned. */
  get gdbPid(): number | undefined {
    return this.transport.pid;
  }

  /** The program's pid from `=thread-group-started,pid="…"`, while it lives. */
  get inferiorPid(): number | undefined {
    return this.program.pid;
  }

  /** True from `^running`/`*running` until the next `*stopped` or the program's end. */
  get running(): boolean {
    return this.program.running;
  }

  /** Send `command` with the next token; resolves on its `^done`/`^running`/…, rejects with MiCommandError on `^error`. */
  async send(command: string): Promise<MiResultRecord> {
    this.refuseWhenClosing(`\`${command}\``);
    return (await this.execute(command)).record;
  }

  /** Run a CLI command through `-interpreter-exec console "…"`; resolves with the `~` text it printed. */
  async console(command: string): Promise<string> {
    this.refuseWhenClosing(`console \`${command}\``);
    return (await this.execute(`-interpreter-exec console ${quoteCString(command)}`)).console;
  }

  /**
   * The next `*stopped` not yet taken (stops are queued, so none is missed between a command and
   * this call). Rejects with GdbProcessError after `timeoutMs` or if gdb dies, and with
   * TargetExitedError if killInferior() kills the program meanwhile.
   */
  async waitForStop(options: { timeoutMs?: number } = {}): Promise<StopEvent> {
    if (this.exitInfo !== undefined) throw this.deadError('waiting for a stop');
    return this.program.stops.take(options.timeoutMs, () => new GdbProcessError(`the program did not stop within ${options.timeoutMs} ms`, {
      hint: 'it is still running: interrupt() it, or wait longer',
    }));
  }

  /**
   * Stop the running program with `-exec-interrupt`; resolves with the stop (reason
   * `signal-received`, signal `SIGINT`). If the program stopped on its own first (a breakpoint, its
   * exit), resolves with that queued stop instead; if it is stopped and that stop was already
   * taken, with the last stop. Rejects with TargetExitedError if there is no program.
   */
  async interrupt(options: { timeoutMs?: number } = {}): Promise<StopEvent> {
    const { stops, running, lastStop } = this.program;
    if (stops.size > 0) return this.waitForStop();
    if (!running) {
      if (this.inferiorPid === undefined || lastStop === undefined) throw new TargetExitedError('there is no running program to interrupt');
      return lastStop;
    }
    try {
      await this.send('-exec-interrupt');
    } catch (error) {
      if (stops.size > 0) return this.waitForStop();
      throw error;
    }
    return this.waitForStop({ timeoutMs: options.timeoutMs ?? DEFAULT_INTERRUPT_TIMEOUT_MS });
  }

  /**
   * Kill the program, running or stopped (CLI `kill`: MI has no such command), and the processes
   * it started (process-tree.ts). No-op without one.
   */
  async killInferior(): Promise<void> {
    this.refuseWhenClosing('killing the program');
    await this.kill();
  }

  /**
   * End the session: kill the program, `-gdb-exit`, then SIGKILL gdb's process group and the
   * program if either is still there after `closeGraceMs`. Idempotent; never rejects.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** `await using session = await GdbSession.start()` closes the session at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async shutDown(): Promise<void> {
    if (this.exitInfo === undefined) {
      const grace = new Promise<void>((resolve) => setTimeout(resolve, this.closeGraceMs).unref());
      const polite = (async () => {
        await this.kill().catch(() => undefined);
        await this.execute('-gdb-exit').catch(() => undefined);
        await this.exited;
      })();
      await Promise.race([polite, grace]);
    }
    this.transport.kill();
    this.program.killAll();
    await this.exited;
  }

  private async kill(): Promise<void> {
    if (this.inferiorPid === undefined) return;
    this.program.killStarted();
    await this.execute('-interpreter-exec console "kill"');
    this.program.stops.failWaiters(new TargetExitedError('the program was killed'));
  }

  private refuseWhenClosing(activity: string): void {
    if (this.closing !== undefined) throw this.deadError(activity);
  }

  private execute(command: string): Promise<CommandOutcome> {
    if (/[\r\n]/.test(command)) return Promise.reject(new TypeError(`an MI command is one line: ${JSON.stringify(command)}`));
    if (this.exitInfo !== undefined) return Promise.reject(this.deadError(`\`${command}\``));
    return this.commands.issue(command, (line) => {
      this.transcript?.sent(line);
      this.transport.writeLine(line);
    });
  }

  private onLine(line: string): void {
    this.transcript?.received(line);
    let record: MiRecord;
    try {
      record = parseRecord(line);
    } catch (error) {
      if (!(error instanceof MiFormatError)) throw error;
      const token = /^(\d+)\^/.exec(line)?.[1];
      if (!this.commands.reject(token === undefined ? undefined : Number(token), error)) this.emit('protocolError', line, error);
      return;
    }
    this.dispatch(record, line);
  }

  private dispatch(record: MiRecord, line: string): void {
    switch (record.type) {
      case 'result':
        if (record.resultClass === 'running') this.program.markRunning();
        if (!this.commands.settle(record)) this.emit('protocolError', line, new MiFormatError(`result record for no pending command: ${line}`));
        return;
      case 'exec':
      case 'status':
      case 'notify':
        this.onAsync(record, line);
        this.emit(record.type, record);
        return;
      case 'console':
        this.commands.addConsole(record.text);
        this.emit('console', record.text);
        return;
      case 'target':
      case 'log':
        this.emit(record.type, record.text);
        return;
      case 'prompt':
        return;
    }
  }

  private onAsync(record: MiAsyncRecord, line: string): void {
    let stop: StopEvent | undefined;
    try {
      stop = this.program.observe(record);
    } catch (error) {
      if (!(error instanceof MiFormatError)) throw error;
      this.emit('protocolError', line, error);
    }
    if (stop !== undefined) this.emit('stop', stop);
  }

  private onExit(info: TransportExit): void {
    this.exitInfo = info;
    this.program.killAll();
    this.unregisterGdbCleanup();
    this.transcript?.close();
    this.commands.rejectAll((command) => this.deadError(`\`${command}\``));
    this.program.stops.failWaiters(this.deadError('waiting for a stop'));
    this.emit('exit', this.closing === undefined ? this.deadError('while the session was open') : undefined);
  }

  private deadError(activity: string): GdbProcessError {
    if (this.closing !== undefined) return new GdbProcessError(`the gdb session is closed (${activity})`);
    return this.exitInfo === undefined ? new GdbProcessError(`gdb is not running (${activity})`) : describeGdbExit(this.exitInfo, activity);
  }
}
