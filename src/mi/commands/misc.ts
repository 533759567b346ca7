import { quoteCString } from '../cstring.js';
import type { MiCommandSender } from './sender.js';

/** Miscellaneous commands. Source: GDB manual, node "Miscellaneous GDB/MI Commands". */

/** `-gdb-set NAME VALUE`, e.g. `gdbSet(s, 'mi-async', 'on')`. */
export async function gdbSet(sender: MiCommandSender, name: string, value: string): Promise<void> {
  await sender.send(`-gdb-set ${name} ${value}`);
}

/** `-gdb-show NAME` → the setting's value as gdb prints it (`value="on"`). */
export async function gdbShow(sender: MiCommandSender, name: string): Promise<string> {
  const record = await sender.send(`-gdb-show ${name}`);
  return record.results.str('value');
}

/**
 * `-list-features` → the MI features this gdb supports, e.g. `["frozen-varobjs", …,
 * "undefined-command-error-code", "exec-run-start-option", "python"]` on gdb 13.1.
 */
export async function listFeatures(sender: MiCommandSender): Promise<string[]> {
  const record = await sender.send('-list-features');
  return record.results.strList('features');
}

/** `-interpreter-exec console "CMD"` without collecting output (GdbSession.console collects it). */
export async function interpreterExecConsole(sender: MiCommandSender, command: string): Promise<void> {
  await sender.send(`-interpreter-exec console ${quoteCString(command)}`);
}
