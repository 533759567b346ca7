import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/gdb/line-splitter.js';

describe('LineSplitter', () => {
  it('splits chunks into lines, keeping partial lines for the next chunk', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(Buffer.from('1^done\n(gdb) \n2^do'))).toEqual(['1^done', '(gdb) ']);
    expect(splitter.push(Buffer.from('ne,value="4'))).toEqual([]);
    expect(splitter.push(Buffer.from('2"\n'))).toEqual(['2^done,value="42"']);
    expect(splitter.takePartial()).toBeUndefined();
  });

  it('decodes a UTF-8 character split across chunks', () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('~"café"\n');
    const cut = bytes.indexOf(0xa9); // between the two bytes of é
    expect(splitter.push(bytes.subarray(0, cut))).toEqual([]);
    expect(splitter.push(bytes.subarray(cut))).toEqual(['~"café"']);
  });

  it('returns what came after the last newline when gdb died mid-record', () => {
    const splitter = new LineSplitter();
    splitter.push(Buffer.from('1^done\n7^done,memory=[{begin="0x1'));
    expect(splitter.takePartial()).toBe('7^done,memory=[{begin="0x1');
    expect(splitter.takePartial()).toBeUndefined();
  });

  it('assembles a 16 MB line from 64 KB chunks in linear time', () => {
    const splitter = new LineSplitter();
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const started = performance.now();
    for (let i = 0; i < 256; i += 1) expect(splitter.push(chunk)).toEqual([]);
    const [line] = splitter.push(Buffer.from('\n'));
    expect(line?.length).toBe(16 * 1024 * 1024);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
