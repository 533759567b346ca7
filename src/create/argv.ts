import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Split a command line into argv the way a POSIX shell tokenizes words, without running a
 * shell and without any expansion: whitespace separates words; '…' is literal; "…" keeps
 * spaces and honours \" \\ \$ \` and \newline; a backslash outside quotes escapes the next
 * character. Globs, variables, redirections and pipes are NOT interpreted: `<`, `>`, `|`,
 * `*` and `$X` are ordinary characters.
 * @throws UsageError on an unterminated quote or an empty command.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new UsageError(`unterminated single quote in --cmd at column ${i + 1}: ${line}`);
      word += line.slice(i + 1, close);
      inWord = true;
      i = close;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`\n'.includes(line[j + 1]!)) {
          j++;
          if (line[j] !== '\n') word += line[j];
        } else {
          word += line[j];
        }
      }
      if (j >= line.length) throw new UsageError(`unterminated double quote in --cmd at column ${i + 1}: ${line}`);
      inWord = true;
      i = j;
    } else if (c === '\\') {
      if (i + 1 < line.length && line[i + 1] !== '\n') word += line[i + 1];
      inWord = true;
      i++;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) throw new UsageError('--cmd is empty', { hint: 'give the program and its arguments, e.g. --cmd "xz -9 input.txt"' });
  return words;
}

/**
 * Find the executable for argv[0] as execvp(3) would: a name with a slash is taken relative to
 * `cwd`, otherwise each directory of PATH is searched.
 * @returns an absolute path.
 * @throws UsageError when no executable regular file is found.
 */
export function resolveExecutable(name: string, cwd: string, path: string | undefined): string {
  const candidates = name.includes('/')
    ? [isAbsolute(name) ? name : resolve(cwd, name)]
    : (path ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter).filter((d) => d !== '').map((d) => resolve(cwd, join(d, name)));
  for (const candidate of candidates) {
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  throw new UsageError(`cannot find an executable named ${JSON.stringify(name)}${name.includes('/') ? '' : ' in PATH'}`, {
    hint: 'give a path to the program or install it',
  });
}
