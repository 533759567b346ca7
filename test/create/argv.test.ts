import { describe, expect, it } from 'vitest';
import { resolveExecutable, splitCommandLine } from '../../src/create/argv.js';
import { UsageError } from '../../src/errors.js';

describe('--cmd splitting', () => {
  it.each([
    ['xz -9 input.txt', ['xz', '-9', 'input.txt']],
    ['  spaced   out  ', ['spaced', 'out']],
    [`prog 'a b' "c d"`, ['prog', 'a b', 'c d']],
    [`prog "say \\"hi\\"" 'it''s'`, ['prog', 'say "hi"', 'its']],
    [`prog a\\ b`, ['prog', 'a b']],
    [`prog "" ''`, ['prog', '', '']],
    [`sh -c 'echo $HOME > out | cat'`, ['sh', '-c', 'echo $HOME > out | cat']],
    [`prog < in > out *.c $X`, ['prog', '<', 'in', '>', 'out', '*.c', '$X']],
  ])('%s', (line, argv) => {
    expect(splitCommandLine(line)).toEqual(argv);
  });

  it('rejects unterminated quotes and empty commands with a usage error', () => {
    expect(() => splitCommandLine(`prog 'open`)).toThrow(UsageError);
    expect(() => splitCommandLine(`prog "open`)).toThrow(/unterminated double quote/);
    expect(() => splitCommandLine('   ')).toThrow(/--cmd is empty/);
  });

  it('finds programs in PATH, relative to cwd, and refuses what is not there', () => {
    expect(resolveExecutable('sh', '/', '/nonexistent:/bin')).toBe('/bin/sh');
    expect(resolveExecutable('./sh', '/bin', undefined)).toBe('/bin/sh');
    expect(() => resolveExecutable('no-such-program-xyz', '/', '/bin')).toThrow(/cannot find an executable/);
  });
});
