import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { sweepPoints } from '../../src/simulate/sweep.js';

describe('--sweep: the cross product of parameter values', () => {
  it('makes one named point per combination, the first sweep varying slowest', () => {
    expect(sweepPoints(['l2_size=256KiB,1MiB', 'rob=96,192,224']).map((p) => p.name)).toEqual([
      'l2_size=256KiB,rob=96', 'l2_size=256KiB,rob=192', 'l2_size=256KiB,rob=224',
      'l2_size=1MiB,rob=96', 'l2_size=1MiB,rob=192', 'l2_size=1MiB,rob=224',
    ]);
    expect(sweepPoints(['bp=LTAGE'])).toEqual([{ name: 'bp=LTAGE', assignments: [['bp', 'LTAGE']] }]);
    expect(sweepPoints([])).toEqual([]);
  });

  it('refuses malformed sweeps, empty or repeated values and a key swept twice', () => {
    for (const bad of [['rob'], ['=1,2'], ['rob='], ['rob=1,,2'], ['rob=1,1'], ['rob=1', 'rob=2']]) {
      expect(() => sweepPoints(bad), bad.join(' ')).toThrow(UsageError);
    }
  });
});
