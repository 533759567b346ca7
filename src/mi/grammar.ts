import { MiFormatError } from '../errors.js';
import { readCString } from './cstring.js';
import { recordExcerpt } from './excerpt.js';
import type { MiAsyncRecord, MiRecord, MiResultClass, MiResultRecord, MiStreamRecord } from './record.js';
import { MiTuple, type MiValue } from './value.js';

/**
 * The GDB/MI output grammar, one function per production; each function's doc comment is its
 * production. Source: GDB manual, node "GDB/MI Output Syntax". Pure: one line in, one record out.
 */

const RESULT_CLASSES: ReadonlySet<string> = new Set<MiResultClass>(['done', 'running', 'connected', 'error', 'exit']);
const ASYNC_TYPES = { '*': 'exec', '+': 'status', '=': 'notify' } as const;
const STREAM_TYPES = { '~': 'console', '@': 'target', '&': 'log' } as const;
const WORD = /[A-Za-z0-9_.-]+/y;

/**
 * Parse one line of gdb/MI output (without its newline; a trailing CR is dropped).
 *
 *     output ==> ( out-of-band-record )* [ result-record ] "(gdb)" nl
 *
 * Handles gdb's deviations from the grammar: a token on any record, and the mi2 breakpoint
 * quirk `bkpt={…},{…}` where the nameless tuples repeat the previous name (see parseResults).
 * Throws MiFormatError giving the offset for anything else.
 */
export function parseRecord(line: string): MiRecord {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (/^\(gdb\) *$/.test(text)) return { type: 'prompt' };
  const scanner = new Scanner(text);
  const token = parseToken(scanner);
  const prefix = scanner.next();
  if (prefix === '^') return parseResultRecord(scanner, token);
  if (prefix === '*' || prefix === '+' || prefix === '=') return parseAsyncRecord(scanner, token, ASYNC_TYPES[prefix]);
  if (prefix === '~' || prefix === '@' || prefix === '&') return parseStreamRecord(scanner, token, STREAM_TYPES[prefix]);
  throw scanner.fail(prefix === undefined ? 'no record prefix (an empty line, or a token alone)' : `unknown record prefix '${prefix}'`, -1);
}

/** `token ==> any sequence of digits` (optional on every record). */
function parseToken(scanner: Scanner): number | undefined {
  const digits = scanner.match(/\d+/y);
  if (digits === undefined) return undefined;
  const token = Number(digits);
  if (!Number.isSafeInteger(token)) throw scanner.fail(`token ${digits} is too large`, -digits.length);
  return token;
}

/** `result-record ==> [ token ] "^" result-class ( "," result )* nl` */
function parseResultRecord(scanner: Scanner, token: number | undefined): MiResultRecord {
  const resultClass = scanner.match(WORD);
  if (resultClass === undefined || !RESULT_CLASSES.has(resultClass)) {
    throw scanner.fail(`unknown result class "${resultClass ?? ''}"`);
  }
  const results = parseResults(scanner);
  return { type: 'result', ...tokenField(token), resultClass: resultClass as MiResultClass, results };
}

/**
 * `exec-async-output ==> [ token ] "*" async-output nl`, likewise `"+"` (status) and `"="` (notify);
 * `async-output ==> async-class ( "," result )*`
 */
function parseAsyncRecord(scanner: Scanner, token: number | undefined, type: MiAsyncRecord['type']): MiAsyncRecord {
  const asyncClass = scanner.match(WORD);
  if (asyncClass === undefined) throw scanner.fail('missing async class');
  return { type, ...tokenField(token), asyncClass, results: parseResults(scanner) };
}

/** `console-stream-output ==> "~" c-string nl`, likewise `"@"` (target) and `"&"` (log). */
function parseStreamRecord(scanner: Scanner, token: number | undefined, type: MiStreamRecord['type']): MiStreamRecord {
  const text = scanner.cstring();
  if (!scanner.atEnd()) throw scanner.fail('text after the c-string of a stream record');
  return { type, ...tokenField(token), text };
}

/**
 * `( "," result )* nl`, up to the end of the line.
 * Quirk (mi1/mi2 breakpoints with several locations): `bkpt={…},{…},{…}` — a value with no name
 * after a result takes that result's name, so the entries are `bkpt`, `bkpt`, `bkpt`.
 */
function parseResults(scanner: Scanner): MiTuple {
  const entries: Array<[string, MiValue]> = [];
  while (!scanner.atEnd()) {
    scanner.expect(',');
    entries.push(parseResultOrRepeat(scanner, entries));
  }
  return new MiTuple(entries, scanner.line);
}

/** `result ==> variable "=" value`, or a bare value repeating the previous name (the MULTIPLE quirk). */
function parseResultOrRepeat(scanner: Scanner, previous: ReadonlyArray<[string, MiValue]>): [string, MiValue] {
  const last = previous[previous.length - 1];
  if (last !== undefined && (scanner.peek() === '{' || scanner.peek() === '[')) return [last[0], parseValue(scanner)];
  return parseResult(scanner);
}

/** `result ==> variable "=" value`; `variable ==> string` */
function parseResult(scanner: Scanner): [string, MiValue] {
  const name = scanner.match(WORD);
  if (name === undefined) throw scanner.fail('expected a result name');
  scanner.expect('=');
  return [name, parseValue(scanner)];
}

/** `value ==> const | tuple | list`; `const ==> c-string` */
function parseValue(scanner: Scanner): MiValue {
  const first = scanner.peek();
  if (first === '"') return { kind: 'const', text: scanner.cstring() };
  if (first === '{') return parseTuple(scanner);
  if (first === '[') return parseList(scanner);
  throw scanner.fail('expected a value (c-string, tuple or list)');
}

/** `tuple ==> "{}" | "{" result ( "," result )* "}"` */
function parseTuple(scanner: Scanner): MiValue {
  scanner.expect('{');
  const entries: Array<[string, MiValue]> = [];
  if (scanner.skip('}')) return { kind: 'tuple', entries };
  do entries.push(parseResult(scanner));
  while (scanner.skip(','));
  scanner.expect('}');
  return { kind: 'tuple', entries };
}

/**
 * `list ==> "[]" | "[" value ( "," value )* "]" | "[" result ( "," result )* "]"`
 * A result list may hold the MULTIPLE quirk too: `body=[bkpt={…},{…}]` (mi2 `-break-info`).
 */
function parseList(scanner: Scanner): MiValue {
  scanner.expect('[');
  if (scanner.skip(']')) return { kind: 'valueList', items: [] };
  const first = scanner.peek();
  if (first === '"' || first === '{' || first === '[') {
    const items: MiValue[] = [];
    do items.push(parseValue(scanner));
    while (scanner.skip(','));
    scanner.expect(']');
    return { kind: 'valueList', items };
  }
  const entries: Array<[string, MiValue]> = [];
  do entries.push(parseResultOrRepeat(scanner, entries));
  while (scanner.skip(','));
  scanner.expect(']');
  return { kind: 'resultList', entries };
}

/** `{token}` when there is one, so records without a token have no `token` key at all. */
function tokenField(token: number | undefined): { token?: number } {
  return token === undefined ? {} : { token };
}

/** A position in one line, with error messages that quote the line and give the offset. */
class Scanner {
  position = 0;

  constructor(readonly line: string) {}

  atEnd(): boolean {
    return this.position >= this.line.length;
  }

  peek(): string | undefined {
    return this.line[this.position];
  }

  next(): string | undefined {
    const char = this.line[this.position];
    this.position += 1;
    return char;
  }

  /** Consume `char` if it is next. */
  skip(char: string): boolean {
    if (this.line[this.position] !== char) return false;
    this.position += 1;
    return true;
  }

  expect(char: string): void {
    if (!this.skip(char)) throw this.fail(`expected '${char}'`);
  }

  /** Consume and return what a sticky regex matches here, or undefined. */
  match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.line);
    if (found === null) return undefined;
    this.position += found[0].length;
    return found[0];
  }

  cstring(): string {
    const { text, end } = readCString(this.line, this.position);
    this.position = end;
    return text;
  }

  fail(problem: string, shift = 0): MiFormatError {
    const at = Math.max(0, this.position + shift);
    const found = at < this.line.length ? `'${this.line[at]}'` : 'end of line';
    return new MiFormatError(`${problem} (found ${found} at offset ${at}) in MI record: ${recordExcerpt(this.line, at)}`);
  }
}
