import { describe, expect, it } from 'vitest';
import { MiFormatError } from '../../src/errors.js';
import { parseRecord, type MiRecord, type MiValue } from '../../src/mi/index.js';

const c = (text: string): MiValue => ({ kind: 'const', text });

/** The results of a result or async record, as plain [name, value] pairs. */
function resultsOf(record: MiRecord): unknown {
  if (record.type !== 'result' && record.type !== 'exec' && record.type !== 'status' && record.type !== 'notify') {
    throw new Error(`${record.type} has no results`);
  }
  return record.results.entries;
}

describe('output ==> ( out-of-band-record )* [ result-record ] "(gdb)" nl', () => {
  it.each([['(gdb) '], ['(gdb)'], ['(gdb) \r']])('prompt %j', (line) => {
    expect(parseRecord(line)).toEqual({ type: 'prompt' });
  });
});

describe('result-record ==> [ token ] "^" result-class ( "," result )* nl', () => {
  it.each([
    ['^done', { type: 'result', resultClass: 'done' }],
    ['12^running', { type: 'result', token: 12, resultClass: 'running' }],
    ['3^connected', { type: 'result', token: 3, resultClass: 'connected' }],
    ['4^exit', { type: 'result', token: 4, resultClass: 'exit' }],
    ['5^done\r', { type: 'result', token: 5, resultClass: 'done' }],
  ])('%j', (line, expected) => {
    expect(parseRecord(line)).toMatchObject(expected);
  });

  it('^error with msg and code="undefined-command"', () => {
    const record = parseRecord('9^error,msg="Undefined MI command: foo",code="undefined-command"');
    expect(record).toMatchObject({ type: 'result', token: 9, resultClass: 'error' });
    expect(resultsOf(record)).toEqual([['msg', c('Undefined MI command: foo')], ['code', c('undefined-command')]]);
  });

  it('rejects an unknown result class', () => {
    expect(() => parseRecord('1^finished')).toThrow(/unknown result class "finished"/);
  });
});

describe('async-record: exec "*", status "+", notify "="', () => {
  it('*stopped,reason="signal-received",signal-name="SIGSEGV"', () => {
    const record = parseRecord('*stopped,reason="signal-received",signal-name="SIGSEGV",signal-meaning="Segmentation fault",frame={addr="0x0000555555555269",func="main",args=[]},thread-id="1"');
    expect(record).toMatchObject({ type: 'exec', asyncClass: 'stopped' });
    expect(resultsOf(record)).toEqual([
      ['reason', c('signal-received')],
      ['signal-name', c('SIGSEGV')],
      ['signal-meaning', c('Segmentation fault')],
      ['frame', { kind: 'tuple', entries: [['addr', c('0x0000555555555269')], ['func', c('main')], ['args', { kind: 'valueList', items: [] }]] }],
      ['thread-id', c('1')],
    ]);
  });

  it.each([
    ['*running,thread-id="all"', { type: 'exec', asyncClass: 'running' }],
    ['+download,section=".text"', { type: 'status', asyncClass: 'download' }],
    ['=thread-group-started,id="i1",pid="4242"', { type: 'notify', asyncClass: 'thread-group-started' }],
    ['7*stopped', { type: 'exec', token: 7, asyncClass: 'stopped' }],
    ['=thread-group-added,id="i1"', { type: 'notify', asyncClass: 'thread-group-added' }],
  ])('%s', (line, expected) => {
    expect(parseRecord(line)).toMatchObject(expected);
  });

  it('an async record with no results', () => {
    expect(resultsOf(parseRecord('*stopped'))).toEqual([]);
  });
});

describe('stream-record: console "~", target "@", log "&"', () => {
  it.each([
    [String.raw`~"Breakpoint 1, main () at x.c:5\n"`, { type: 'console', text: 'Breakpoint 1, main () at x.c:5\n' }],
    [String.raw`@"target says hi\n"`, { type: 'target', text: 'target says hi\n' }],
    [String.raw`&"kill\n"`, { type: 'log', text: 'kill\n' }],
    [String.raw`~"$1 = \"caf\303\251\"\n"`, { type: 'console', text: '$1 = "café"\n' }],
    [String.raw`4~"with a token"`, { type: 'console', token: 4, text: 'with a token' }],
  ])('%s', (line, expected) => {
    expect(parseRecord(line)).toEqual(expected);
  });

  it('rejects text after the c-string', () => {
    expect(() => parseRecord('~"a" b')).toThrow(/text after the c-string/);
  });
});

describe('tuple ==> "{}" | "{" result ( "," result )* "}"', () => {
  it.each([
    ['empty', '^done,t={}', [['t', { kind: 'tuple', entries: [] }]]],
    ['one result', '^done,t={a="1"}', [['t', { kind: 'tuple', entries: [['a', c('1')]] }]]],
    ['nested', '^done,t={a={b="2"}}', [['t', { kind: 'tuple', entries: [['a', { kind: 'tuple', entries: [['b', c('2')]] }]] }]]],
  ])('%s', (_, line, expected) => {
    expect(resultsOf(parseRecord(line))).toEqual(expected);
  });
});

describe('list ==> "[]" | "[" value ( "," value )* "]" | "[" result ( "," result )* "]"', () => {
  it.each([
    ['[] (empty)', '^done,l=[]', { kind: 'valueList', items: [] }],
    ['[{…}] (values: tuples)', '^done,l=[{a="x"}]', { kind: 'valueList', items: [{ kind: 'tuple', entries: [['a', c('x')]] }] }],
    ['["i1","i2"] (values: c-strings)', '^done,l=["i1","i2"]', { kind: 'valueList', items: [c('i1'), c('i2')] }],
    ['[a="x",b="y"] (results)', '^done,l=[a="x",b="y"]', { kind: 'resultList', entries: [['a', c('x')], ['b', c('y')]] }],
    ['[[],[]] (lists of lists)', '^done,l=[[],["z"]]', { kind: 'valueList', items: [{ kind: 'valueList', items: [] }, { kind: 'valueList', items: [c('z')] }] }],
    ['[frame={…},frame={…}] (duplicate names kept)', '^done,l=[frame={n="0"},frame={n="1"}]', {
      kind: 'resultList',
      entries: [['frame', { kind: 'tuple', entries: [['n', c('0')]] }], ['frame', { kind: 'tuple', entries: [['n', c('1')]] }]],
    }],
  ])('%s', (_, line, expected) => {
    expect(resultsOf(parseRecord(line))).toEqual([['l', expected]]);
  });
});

describe('the mi2 MULTIPLE quirk: bkpt={…},{…} repeats the previous name', () => {
  const main = { kind: 'tuple', entries: [['number', c('1')], ['addr', c('<MULTIPLE>')]] };
  const first = { kind: 'tuple', entries: [['number', c('1.1')]] };
  const second = { kind: 'tuple', entries: [['number', c('1.2')]] };

  it('in the results of a record', () => {
    const record = parseRecord('9^done,bkpt={number="1",addr="<MULTIPLE>"},{number="1.1"},{number="1.2"}');
    expect(resultsOf(record)).toEqual([['bkpt', main], ['bkpt', first], ['bkpt', second]]);
  });

  it('inside a result list (-break-info body=[…])', () => {
    const record = parseRecord('^done,body=[bkpt={number="1",addr="<MULTIPLE>"},{number="1.1"},{number="1.2"}]');
    expect(resultsOf(record)).toEqual([['body', { kind: 'resultList', entries: [['bkpt', main], ['bkpt', first], ['bkpt', second]] }]]);
  });

  it('a nameless value with no result before it is still an error', () => {
    expect(() => parseRecord('^done,{a="1"}')).toThrow(/expected a result name/);
  });
});

describe('invalid lines throw MiFormatError with the offset', () => {
  it.each([
    ['empty line', '', /no record prefix/],
    ['inferior output on the MI stream', 'hello from the program', /unknown record prefix 'h' \(found 'h' at offset 0\)/],
    ['missing "="', '^done,value"1"', /expected '=' \(found '"' at offset 11\)/],
    ['unclosed tuple', '^done,t={a="1"', /expected '}' \(found end of line at offset 14\)/],
    ['unclosed list', '^done,l=["a"', /expected '\]'/],
    ['bare word value', '^done,a=b', /expected a value .* at offset 8/],
    ['missing comma', '^done a="1"', /expected ',' \(found ' ' at offset 5\)/],
    ['a token alone', '42', /no record prefix .* \(found end of line at offset 2\)/],
    ['a truncated record', '7^done,memory=[{begin="0x1",contents="dead', /unterminated c-string/],
  ])('%s', (_, line, message) => {
    expect(() => parseRecord(line)).toThrow(MiFormatError);
    expect(() => parseRecord(line)).toThrow(message);
  });

  it('quotes the whole record in the message', () => {
    expect(() => parseRecord('^done,t={a="1"')).toThrow(/in MI record: \^done,t=\{a="1"$/);
  });
});
