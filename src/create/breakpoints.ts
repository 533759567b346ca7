import { MiCommandError, TargetExitedError, UsageError } from '../errors.js';
import { quoteCString, type StopEvent } from '../mi/index.js';
import { takeCheckpoint, type CheckpointSettings, type CheckpointSummary } from './checkpoint.js';
import type { LaunchedTarget } from './launch.js';
import { resumeTarget } from './resume.js';
import { describeExec, followExec } from './exec.js';

/** Where the program stopped, as the shell reports it. */
export interface StopReport {
  /** The program ended (it cannot be checkpointed or continued any more). */
  exited: boolean;
  text: string;
}

function describeStop(stop: StopEvent): StopReport {
  if (stop.exited) {
    const how = stop.signalName ? `was killed by ${stop.signalName}` : `exited with status ${stop.exitCode ?? 0}`;
    return { exited: true, text: `the program ${how}` };
  }
  const frame = stop.record.results.optTuple('frame');
  const where = [
    stop.frameFunction ?? '??',
    frame?.optStr('file') !== undefined ? ` at ${frame.optStr('file')}:${frame.optStr('line') ?? '?'}` : '',
    stop.frameAddr !== undefined ? ` (pc 0x${stop.frameAddr.toString(16)})` : '',
  ].join('');
  if (stop.reason === 'breakpoint-hit') return { exited: false, text: `breakpoint ${stop.breakpointNumber ?? '?'} hit in ${where}` };
  if (stop.signalName) return { exited: false, text: `stopped by ${stop.signalName} in ${where}` };
  return { exited: false, text: `stopped (${stop.reason ?? 'unknown reason'}) in ${where}` };
}

/**
 * Breakpoint mode: the program runs until one of the user's breakpoints, where checkpoints can
 * be taken on demand; `continue` runs it to the next one. Checkpoints are numbered cpt.1, cpt.2, …
 * in the order they are taken and written by the same capture and writer as interval mode.
 */
export class BreakpointSession {
  private checkpoints = 0;
  private nativeSeconds = 0;
  private ended = false;

  private constructor(private readonly target: LaunchedTarget, private readonly settings: CheckpointSettings) {}

  /**
   * Plant the breakpoints (pending if their library is not loaded yet: `-break-insert -f`,
   * GDB manual "GDB/MI Breakpoint Commands") in a target stopped at its start point.
   * @throws UsageError naming a location gdb cannot understand.
   */
  static async plant(target: LaunchedTarget, settings: CheckpointSettings, locations: readonly string[]): Promise<BreakpointSession> {
    for (const location of locations) {
      try {
        await target.session.send(`-break-insert -f ${quoteCString(location)}`);
      } catch (error) {
        if (error instanceof MiCommandError) {
          throw new UsageError(`cannot set a breakpoint at ${JSON.stringify(location)}: ${error.gdbMessage}`, {
            hint: 'use a function name, FILE:LINE or *ADDRESS that gdb accepts',
          });
        }
        throw error;
      }
    }
    return new BreakpointSession(target, settings);
  }

  /** Whether the program has ended. */
  get exited(): boolean {
    return this.ended;
  }

  /** Number of checkpoints written so far. */
  get count(): number {
    return this.checkpoints;
  }

  /** Run until the next breakpoint, signal or the program's end. */
  async continue(): Promise<StopReport> {
    if (this.ended) throw new TargetExitedError('the program has ended; nothing to continue');
    const resumed = performance.now();
    const stop = (await resumeTarget(this.target)) ?? (await this.target.session.waitForStop());
    this.nativeSeconds += (performance.now() - resumed) / 1000;
    if (stop.reason === 'exec') return { exited: false, text: describeExec(await followExec(this.target, stop, this.nativeSeconds)) };
    const report = describeStop(stop);
    this.ended = report.exited;
    return report;
  }

  /** Take the next checkpoint here; resolves once it is on disk. */
  async checkpoint(): Promise<CheckpointSummary> {
    if (this.ended) throw new TargetExitedError('the program has ended; there is nothing to checkpoint');
    const { written } = await takeCheckpoint(this.target, this.settings, this.checkpoints + 1, this.nativeSeconds);
    const summary = await written;
    this.checkpoints++;
    return summary;
  }

  /** Run a gdb CLI command in the stopped program; resolves with what gdb printed. */
  async gdb(command: string): Promise<string> {
    return this.target.session.console(command);
  }
}
