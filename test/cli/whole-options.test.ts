import { describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';

/** Instruction counts that are not whole numbers are usage errors, never LAPIDARY_INTERNAL (a BigInt of 1.5 throws). */
describe('instruction-count options take whole numbers only', () => {
  it.each([
    [['parallel-simulate', '-d', '/nonexistent', '--warmup-insts', '1.5'], '--warmup-insts must be a whole number, got 1.5'],
    [['parallel-simulate', '-d', '/nonexistent', '--detail-insts', '0'], '--detail-insts must be a whole number of at least 1, got 0'],
    [['simulate', '--start-checkpoint', '/nonexistent', '--max-insts', '2.5'], '--max-insts must be a whole number of at least 1, got 2.5'],
  ])('%j', async (args, message) => {
    const run = await lapidary(args);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(`error[LAPIDARY_USAGE]: ${message}`);
    expect(run.stderr).not.toContain('INTERNAL');
  });
});
