import { describe, expect, it } from 'vitest';
import { MiFormatError } from '../../src/errors.js';
import { parseRecord, type MiTuple } from '../../src/mi/index.js';

function resultsOf(line: string): MiTuple {
  const record = parseRecord(line);
  if (record.type !== 'result') throw new Error('not a result record');
  return record.results;
}

const LINE = '5^done,n="42",neg="-1",big="18446744073709551615",hex="0x00007ffff7dd1740",word="abc",'
  + 'frame={addr="0x401136",func="main"},names=["rax","rbx",""],regs=[{number="16",value="0x1"}],'
  + 'body=[bkpt={number="1"},{number="1.1"}],empty=[]';

describe('MiTuple accessors', () => {
  const results = resultsOf(LINE);

  it('reads c-strings, integers and addresses', () => {
    expect(results.str('word')).toBe('abc');
    expect(results.optStr('absent')).toBeUndefined();
    expect(results.int('n')).toBe(42);
    expect(results.int('neg')).toBe(-1);
    expect(results.optInt('absent')).toBeUndefined();
    expect(results.bigint('big')).toBe(18446744073709551615n);
    expect(results.bigint('hex')).toBe(0x7ffff7dd1740n);
    expect(results.addr('hex')).toBe(0x7ffff7dd1740n);
  });

  it('reads tuples and lists', () => {
    expect(results.tuple('frame').addr('addr')).toBe(0x401136n);
    expect(results.optTuple('absent')).toBeUndefined();
    expect(results.strList('names')).toEqual(['rax', 'rbx', '']);
    expect(results.tupleList('regs').map((reg) => reg.int('number'))).toEqual([16]);
    expect(results.list('empty')).toEqual([]);
    expect(results.tupleList('body').map((bkpt) => bkpt.str('number'))).toEqual(['1', '1.1']);
  });

  it('keeps duplicate names for the MULTIPLE quirk', () => {
    const quirk = resultsOf('^done,bkpt={number="1"},{number="1.1"},{number="1.2"}');
    expect(quirk.tuples('bkpt').map((bkpt) => bkpt.str('number'))).toEqual(['1', '1.1', '1.2']);
    expect(quirk.tuple('bkpt').str('number')).toBe('1');
    expect(quirk.getAll('bkpt')).toHaveLength(3);
  });

  it.each([
    ['missing field', (r: MiTuple) => r.str('nope'), /MI field "nope" is missing in record: 5\^done,n="42"/],
    ['tuple read as string', (r: MiTuple) => r.str('frame'), /MI field "frame" is a tuple, not a c-string/],
    ['word read as integer', (r: MiTuple) => r.int('word'), /MI field "word" is not a decimal integer: "abc"/],
    ['hex read as decimal int', (r: MiTuple) => r.int('hex'), /not a decimal integer/],
    ['integer beyond 2^53', (r: MiTuple) => r.int('big'), /not a decimal integer/],
    ['decimal read as address', (r: MiTuple) => r.addr('n'), /MI field "n" is not a hex address: "42"/],
    ['string read as list', (r: MiTuple) => r.list('word'), /is a const, not a list/],
    ['list of strings read as tuples', (r: MiTuple) => r.tupleList('names'), /MI field "names\[0\]" is a const, not a tuple/],
    ['nested field', (r: MiTuple) => r.tuple('frame').int('func'), /MI field "func" is not a decimal integer: "main" in record: 5\^done/],
  ])('%s throws MiFormatError naming the field and quoting the record', (_, read, message) => {
    expect(() => read(results)).toThrow(MiFormatError);
    expect(() => read(results)).toThrow(message);
  });

  it('cuts a huge record to an excerpt in the message', () => {
    const huge = resultsOf(`^done,contents="${'ab'.repeat(100_000)}"`);
    let message = '';
    try {
      huge.int('contents');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.length).toBeLessThan(1000);
    expect(message).toMatch(/…\(\d+ chars\)$/);
  });

  it('serialises to [name, value] pairs', () => {
    expect(JSON.parse(JSON.stringify(resultsOf('^done,a="1",t={b="2"}')))).toEqual([
      ['a', { kind: 'const', text: '1' }],
      ['t', { kind: 'tuple', entries: [['b', { kind: 'const', text: '2' }]] }],
    ]);
  });
});
