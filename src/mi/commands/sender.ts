import type { MiResultRecord } from '../record.js';

/**
 * Whatever can run one MI command: a live `GdbSession` (src/gdb), or a fake in tests.
 * Defined here so that `mi/commands` depends on nothing above `mi/` (the dependency arrow is gdb → mi).
 */
export interface MiCommandSender {
  /**
   * Send `command` (an MI command without its token, e.g. `-data-list-register-names`) and resolve
   * with its result record (`^done`, `^running`, …). Rejects with MiCommandError on `^error`.
   */
  send(command: string): Promise<MiResultRecord>;
}
