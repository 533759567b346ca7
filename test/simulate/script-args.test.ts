import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { checkScriptArgs, fillScriptArgs } from '../../src/simulate/script-args.js';

describe('--gem5-script argument templates', () => {
  const template = ['--cmd={binary}', '--checkpoint-dir={checkpoint_dir}', '-r', '{index}', '--mem-size={mem_size}B', '--maxinsts={n}', '--note={{literal}}'];
  const values = { binary: '/bin/xz', checkpoint_dir: '/c', index: '3', mem_size: '536870912', n: '1e3' };

  it('fills placeholders and swept keys, keeps escaped braces, and leaves other text verbatim', () => {
    checkScriptArgs(template, ['n']);
    expect(fillScriptArgs(template, values)).toEqual(['--cmd=/bin/xz', '--checkpoint-dir=/c', '-r', '3', '--mem-size=536870912B', '--maxinsts=1e3', '--note={literal}']);
  });

  it('refuses an unknown placeholder (naming the known ones), a swept key no argument uses, and a lone brace', () => {
    expect(() => checkScriptArgs(['--out={outdri}'], [])).toThrow(/\{outdri\}, which is neither a placeholder nor a swept key/);
    const unknown = (() => {
      try {
        checkScriptArgs(['{rob}'], []);
      } catch (error) {
        return error as UsageError;
      }
    })();
    expect(unknown).toBeInstanceOf(UsageError);
    expect(unknown!.hint).toBe('placeholders: {checkpoint} {checkpoint_dir} {index} {binary} {mem_size} {outdir}');
    expect(() => checkScriptArgs(['--rob=192'], ['rob'])).toThrow(/--sweep rob is not used by the gem5 script arguments/);
    expect(() => checkScriptArgs(['--x={'], [])).toThrow(UsageError);
  });
});
