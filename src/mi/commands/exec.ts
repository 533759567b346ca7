import type { MiCommandSender } from './sender.js';

/**
 * Program execution. Source: GDB manual, node "GDB/MI Program Execution".
 * With `mi-async on` (which GdbSession sets) each of these resolves on `^running` (or `^done`
 * for the interrupt), before the target stops; the stop arrives later as a `*stopped` record
 * (GdbSession.waitForStop).
 */

/** `-exec-run`: start the program loaded with `-file-exec-and-symbols`. */
export async function execRun(sender: MiCommandSender): Promise<void> {
  await sender.send('-exec-run');
}

/** `-exec-continue`: resume the stopped program. */
export async function execContinue(sender: MiCommandSender): Promise<void> {
  await sender.send('-exec-continue');
}

/**
 * `-exec-interrupt`: ask gdb to stop the running program (it sends SIGINT; the stop is reported
 * as `reason="signal-received",signal-name="SIGINT"`). gdb 13.1 answers `^done` even when the
 * program is already stopped, and then no `*stopped` follows; GdbSession.interrupt handles that.
 */
export async function execInterrupt(sender: MiCommandSender): Promise<void> {
  await sender.send('-exec-interrupt');
}

/** `-exec-step-instruction`: execute one machine instruction (`stepi`), stepping into calls. */
export async function execStepInstruction(sender: MiCommandSender): Promise<void> {
  await sender.send('-exec-step-instruction');
}
