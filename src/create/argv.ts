import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { checkExecutableImage } from './executable-image.js';

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

/** What a candidate path is when it cannot be executed, for the error message; undefined if it can. */
function whyNotExecutable(path: string): string | undefined {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 'missing';
  }
  if (stats.isDirectory()) return 'a directory';
  if (!stats.isFile()) return 'not a regular file';
  try {
    accessSync(path, constants.X_OK);
    return undefined;
  } catch {
    return `not executable (mode ${(stats.mode & 0o7777).toString(8).padStart(4, '0')})`;
  }
}

/**
 * Find the executable for argv[0] as execvp(3) would: a name with a slash is taken relative to
 * `cwd`, otherwise each directory of PATH is searched (directories and files without execute
 * permission are skipped). The file found is checked to be an x86-64 ELF executable or a `#!`
 * script of one (executable-image.ts).
 * @returns an absolute path.
 * @throws UsageError when no executable regular file is found; the message says what was found
 * instead (a directory, a file without execute permission).
 * @throws UnsupportedTargetError when the file is a 32-bit or non-x86 ELF, an object file, or
 * neither ELF nor `#!`.
 */
export function resolveExecutable(name: string, cwd: string, path: string | undefined): string {
  const candidates = name.includes('/')
    ? [isAbsolute(name) ? name : resolve(cwd, name)]
    : (path ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter).filter((d) => d !== '').map((d) => resolve(cwd, join(d, name)));
  const rejected: string[] = [];
  for (const candidate of candidates) {
    const why = whyNotExecutable(candidate);
    if (why === undefined) {
      checkExecutableImage(candidate, cwd);
      return candidate;
    }
    if (why !== 'missing') rejected.push(`${candidate} is ${why}`);
  }
  if (rejected.length > 0) {
    const directory = rejected.every((r) => r.endsWith('is a directory'));
    throw new UsageError(`cannot run ${JSON.stringify(name)}: ${rejected.join('; ')}`, {
      hint: directory ? 'give the program inside the directory, not the directory' : 'make it executable (chmod +x) or give another program',
    });
  }
  throw new UsageError(`cannot find an executable named ${JSON.stringify(name)}${name.includes('/') ? '' : ' in PATH'}`, {
    hint: 'give a path to the program or install it',
  });
}
