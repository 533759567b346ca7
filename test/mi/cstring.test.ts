import { describe, expect, it } from 'vitest';
import { MiFormatError } from '../../src/errors.js';
import { quoteCString, readCString } from '../../src/mi/index.js';

/** `c-string` (GDB manual, "GDB/MI Output Syntax"), as gdb's printchar escapes it. */
describe('readCString', () => {
  it.each([
    ['plain', '"hello"', 'hello'],
    ['empty', '""', ''],
    ['newline, tab, return', String.raw`"a\nb\tc\rd"`, 'a\nb\tc\rd'],
    ['quote and backslash', String.raw`"say \"hi\" \\ bye"`, 'say "hi" \\ bye'],
    ['bell, backspace, form feed, vertical tab, escape', String.raw`"\a\b\f\v\e"`, '\x07\b\f\v\x1b'],
    ['octal byte', String.raw`"\001\177"`, '\x01\x7f'],
    ['octal UTF-8 sequence é', String.raw`"caf\303\251"`, 'café'],
    ['octal UTF-8 sequences é and →', String.raw`"caf\303\251 \342\206\222 lapidary"`, 'café → lapidary'],
    ['short octal', String.raw`"\0x"`, '\0x'],
    ['hex escape', String.raw`"\x41\x7e"`, 'A~'],
    ['raw UTF-8 text mixed with escapes', String.raw`"é\303\251"`, 'éé'],
    ['invalid UTF-8 becomes U+FFFD', String.raw`"\377"`, '\uFFFD'],
    ['escaped newline inside gdb console text', String.raw`"$1 = \"caf\303\251\"\n"`, '$1 = "café"\n'],
  ])('%s', (_, input, expected) => {
    expect(readCString(input, 0)).toEqual({ text: expected, end: input.length });
  });

  it('starts at an offset and reports where the string ends', () => {
    const line = 'value="42",x="y"';
    expect(readCString(line, 6)).toEqual({ text: '42', end: 10 });
  });

  it.each([
    ['unterminated', '"abc', /unterminated c-string at offset 0/],
    ['unterminated after an escape', String.raw`"ab\"`, /unterminated/],
    ['unknown escape', String.raw`"a\qb"`, /unknown escape \\q at offset 2/],
    ['not a c-string', 'abc', /expected '"'/],
  ])('rejects %s with MiFormatError', (_, input, message) => {
    expect(() => readCString(input, 0)).toThrow(MiFormatError);
    expect(() => readCString(input, 0)).toThrow(message);
  });

  it('reads a 16 MB escape-free string quickly (memory contents)', () => {
    const hex = 'ab'.repeat(8 * 1024 * 1024);
    const started = performance.now();
    expect(readCString(`"${hex}"`, 0).text.length).toBe(hex.length);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('quoteCString', () => {
  it.each([
    ['plain', 'main', '"main"'],
    ['quotes and backslashes', 'a "b" \\c', String.raw`"a \"b\" \\c"`],
    ['control characters', 'a\nb\tc', String.raw`"a\nb\tc"`],
  ])('%s', (_, input, expected) => {
    expect(quoteCString(input)).toBe(expected);
    expect(readCString(expected, 0).text).toBe(input);
  });
});
