/**
 * gdb decides which bytes of a target string are printable with its own LC_CTYPE. In a UTF-8
 * locale it prints `"café"` as raw bytes, which MI then escapes once (`\303\251`, decoded by
 * cstring.ts to "é"). In the C locale it prints the C literal `"caf\303\251"` and MI escapes the
 * backslashes again (`\\303\\251`), so decoded values hold backslash escapes instead of text.
 * (`set host-charset`/`target-charset UTF-8` do not change this in gdb 13.1.)
 * So gdb always runs with a UTF-8 locale, and the program gets the caller's locale back.
 */

/** The UTF-8 locale glibc ≥ 2.35 always has. */
const UTF8_LOCALE = 'C.UTF-8';

/**
 * gdb's environment with a UTF-8 LC_ALL if `env` has no UTF-8 locale, and the CLI commands
 * (`unset environment LC_ALL` or `set environment LC_ALL …`) that give the program `env`'s own.
 */
export function utf8LocaleForGdb(env: NodeJS.ProcessEnv): { gdbEnv: NodeJS.ProcessEnv; programEnvCommands: string[] } {
  const effective = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  if (/utf-?8/i.test(effective)) return { gdbEnv: env, programEnvCommands: [] };
  const restore = env.LC_ALL === undefined ? 'unset environment LC_ALL' : `set environment LC_ALL ${env.LC_ALL}`;
  return { gdbEnv: { ...env, LC_ALL: UTF8_LOCALE }, programEnvCommands: [restore] };
}
