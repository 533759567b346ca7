import { quoteCString } from '../cstring.js';
import type { MiCommandSender } from './sender.js';

/**
 * The program to debug and its context. Sources: GDB manual, nodes "GDB/MI File Commands"
 * (`-file-exec-and-symbols`) and "GDB/MI Program Context" (`-exec-arguments`, `-inferior-tty-set`,
 * `-environment-cd`).
 */

/** `-file-exec-and-symbols FILE`: the executable to run and read symbols from. */
export async function fileExecAndSymbols(sender: MiCommandSender, path: string): Promise<void> {
  await sender.send(`-file-exec-and-symbols ${quoteCString(path)}`);
}

/**
 * `-exec-arguments ARGS`: the arguments of the next `-exec-run`. gdb 13.1 takes the rest of the
 * line literally (a c-string here would keep its quotes: `"exit 10"` is one argument with quotes)
 * and starts the program through `/bin/sh -c exec …` (startup-with-shell), so each argument is
 * single-quoted for that shell instead. Arguments cannot contain newlines (MI is line-based).
 */
export async function execArguments(sender: MiCommandSender, args: readonly string[]): Promise<void> {
  await sender.send(`-exec-arguments ${args.map(shellQuote).join(' ')}`.trimEnd());
}

/**
 * `-inferior-tty-set TTY`: where the program's stdin/stdout/stderr go (a terminal, a file, or
 * `/dev/null`). Without it the program would share gdb's pipes and write into the MI stream.
 */
export async function inferiorTtySet(sender: MiCommandSender, tty: string): Promise<void> {
  await sender.send(`-inferior-tty-set ${quoteCString(tty)}`);
}

/** `-environment-cd DIR`: the working directory of gdb and of programs it starts from now on. */
export async function environmentCd(sender: MiCommandSender, directory: string): Promise<void> {
  await sender.send(`-environment-cd ${quoteCString(directory)}`);
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
