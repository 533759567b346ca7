import { MiCommandError } from '../errors.js';
import type { MiResultRecord } from '../mi/index.js';

/** A command's result record and the `~` console text printed while it ran. */
export interface CommandOutcome {
  record: MiResultRecord;
  console: string;
}

interface PendingCommand {
  command: string;
  console: string[];
  resolve(outcome: CommandOutcome): void;
  reject(error: Error): void;
}

/**
 * Commands sent and not yet answered, by token. gdb answers in order, so `~` console text belongs
 * to the oldest pending command (GDB manual, "GDB/MI Command Syntax": the token is echoed on the
 * result record). Tokens start at 1 and increase.
 */
export class CommandQueue {
  private nextToken = 1;
  private readonly pending = new Map<number, PendingCommand>();

  /** Allocate a token, call `write` with `token + command`, and resolve when its result arrives. */
  issue(command: string, write: (line: string) => void): Promise<CommandOutcome> {
    const token = this.nextToken++;
    return new Promise((resolve, reject) => {
      this.pending.set(token, { command, console: [], resolve, reject });
      write(`${token}${command}`);
    });
  }

  /** Console text: credit it to the oldest pending command. */
  addConsole(text: string): void {
    this.pending.values().next().value?.console.push(text);
  }

  /**
   * Settle the command `record.token` answers: resolve, or reject with MiCommandError on `^error`.
   * Returns false if no pending command has that token.
   */
  settle(record: MiResultRecord): boolean {
    const pending = this.take(record.token);
    if (pending === undefined) return false;
    if (record.resultClass === 'error') {
      pending.reject(new MiCommandError(pending.command, record.results.optStr('msg') ?? '(gdb gave no message)'));
    } else {
      pending.resolve({ record, console: pending.console.join('') });
    }
    return true;
  }

  /** Reject the command with `token` (its result line was unreadable). Returns false if there is none. */
  reject(token: number | undefined, error: Error): boolean {
    const pending = this.take(token);
    pending?.reject(error);
    return pending !== undefined;
  }

  /** Reject every pending command with `errorFor(command)` (gdb is gone). */
  rejectAll(errorFor: (command: string) => Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const pending of all) pending.reject(errorFor(pending.command));
  }

  private take(token: number | undefined): PendingCommand | undefined {
    if (token === undefined) return undefined;
    const pending = this.pending.get(token);
    this.pending.delete(token);
    return pending;
  }
}
