import { MiFormatError } from '../errors.js';
import { recordExcerpt } from './excerpt.js';

/**
 * C-strings as gdb/MI writes and reads them. Source: GDB manual, node "GDB/MI Output Syntax"
 * (`c-string ==> """ seven-bit-iso-c-string-content """`) and gdb's `printchar` (utils.c),
 * which escapes `\n \b \t \f \r \e \a`, the quote and backslash, and every other unprintable
 * byte as three octal digits. Bytes ≥ 0x80 count as unprintable, so "é" (UTF-8 C3 A9) arrives as
 * `\303\251`: octal escapes are BYTES, and the whole string is decoded as UTF-8 at the end.
 */

/** Escape letter → byte value, for the single-letter escapes of C (gdb emits a subset). */
const SIMPLE_ESCAPES: ReadonlyMap<string, number> = new Map([
  ['n', 0x0a], ['t', 0x09], ['r', 0x0d], ['a', 0x07], ['b', 0x08], ['f', 0x0c], ['v', 0x0b],
  ['e', 0x1b], ['"', 0x22], ['\\', 0x5c], ["'", 0x27], ['?', 0x3f],
]);

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/**
 * Read the c-string that opens at `line[start]` (a `"`).
 * Returns the decoded text (invalid UTF-8 becomes U+FFFD) and `end`, the offset just past the
 * closing quote. Throws MiFormatError, with the offset, on a missing quote or an unknown escape.
 */
export function readCString(line: string, start: number): { text: string; end: number } {
  if (line[start] !== '"') throw cstringError(line, start, 'expected \'"\' to open a c-string');
  const close = line.indexOf('"', start + 1);
  const backslash = line.indexOf('\\', start + 1);
  // Fast path for the common case, including 16 MB hex memory contents: no escapes at all.
  if (close >= 0 && (backslash < 0 || backslash > close)) {
    return { text: line.slice(start + 1, close), end: close + 1 };
  }
  const bytes = new ByteCollector();
  let position = start + 1;
  let runStart = position;
  while (position < line.length) {
    const char = line[position];
    if (char === '"') {
      bytes.pushText(line.slice(runStart, position));
      return { text: bytes.decode(), end: position + 1 };
    }
    if (char === '\\') {
      bytes.pushText(line.slice(runStart, position));
      position = readEscape(line, position, bytes);
      runStart = position;
    } else {
      position += 1;
    }
  }
  throw cstringError(line, start, 'unterminated c-string');
}

/**
 * Quote `text` as a c-string for an MI command argument (`-data-evaluate-expression "a \"b\""`),
 * the inverse of readCString for the characters that matter on input.
 */
export function quoteCString(text: string): string {
  return `"${text.replace(/[\\"\n\r\t]/g, (char) => ESCAPE_FOR_CHAR[char] ?? char)}"`;
}

const ESCAPE_FOR_CHAR: Readonly<Record<string, string>> = {
  '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t',
};

/** Decode the escape at `line[position]` (a backslash) into `bytes`; returns the offset after it. */
function readEscape(line: string, position: number, bytes: ByteCollector): number {
  const letter = line[position + 1];
  if (letter === undefined) throw cstringError(line, position, 'backslash at end of line');
  const simple = SIMPLE_ESCAPES.get(letter);
  if (simple !== undefined) {
    bytes.pushByte(simple);
    return position + 2;
  }
  const octal = /^[0-7]{1,3}/.exec(line.slice(position + 1, position + 4));
  if (octal !== null) {
    const value = parseInt(octal[0], 8);
    if (value > 0xff) throw cstringError(line, position, `octal escape \\${octal[0]} is above \\377`);
    bytes.pushByte(value);
    return position + 1 + octal[0].length;
  }
  const hex = letter === 'x' ? /^[0-9a-fA-F]{1,2}/.exec(line.slice(position + 2, position + 4)) : null;
  if (hex !== null) {
    bytes.pushByte(parseInt(hex[0], 16));
    return position + 2 + hex[0].length;
  }
  throw cstringError(line, position, `unknown escape \\${letter}`);
}

function cstringError(line: string, position: number, problem: string): MiFormatError {
  return new MiFormatError(`${problem} at offset ${position} in MI record: ${recordExcerpt(line, position)}`);
}

/** Bytes of one c-string: literal text (UTF-8 encoded) interleaved with escaped bytes. */
class ByteCollector {
  private readonly chunks: Uint8Array[] = [];
  private pending: number[] = [];

  pushText(text: string): void {
    if (text.length === 0) return;
    this.flush();
    this.chunks.push(utf8Encoder.encode(text));
  }

  pushByte(byte: number): void {
    this.pending.push(byte);
  }

  decode(): string {
    this.flush();
    if (this.chunks.length === 1 && this.chunks[0] !== undefined) return utf8Decoder.decode(this.chunks[0]);
    const all = new Uint8Array(this.chunks.reduce((total, chunk) => total + chunk.length, 0));
    let offset = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    return utf8Decoder.decode(all);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.pending = [];
  }
}
