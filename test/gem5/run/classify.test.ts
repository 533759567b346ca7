import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyGem5Exit } from '../../../src/gem5/run/classify.js';

const sample = (name: string) => readFileSync(new URL(`../../fixtures/gem5-output/${name}`, import.meta.url), 'utf8');

describe('gem5 failure classification on real gem5 output', () => {
  it('recognises an unimplemented system call', () => {
    expect(classifyGem5Exit(1, undefined, sample('clock-nanosleep.simerr.txt'))).toMatchObject({
      kind: 'unimplemented-syscall', detail: 'src/sim/syscall_emul.cc:67: fatal: syscall clock_nanosleep (#230) unimplemented.',
    });
  });

  it('recognises an instruction gem5 cannot decode', () => {
    const failure = classifyGem5Exit(undefined, 'SIGABRT', sample('avx2.simerr.txt'));
    expect(failure).toMatchObject({ kind: 'unimplemented-instruction' });
    expect(failure!.detail).toMatch(/panic: Unrecognized\/invalid instruction executed/);
  });

  it('recognises a fatal error behind gem5\'s source-location prefix', () => {
    expect(classifyGem5Exit(1, undefined, sample('regval-mismatch.simerr.txt'))).toMatchObject({ kind: 'fatal' });
    expect(classifyGem5Exit(1, undefined, sample('regval-mismatch.simerr.txt'))!.detail).toMatch(/Array size mismatch on system\.cpu\.isa:regVal \(Got 204, expected 205\)/);
  });

  it('reports a plain exit status or signal, and nothing for a clean run', () => {
    expect(classifyGem5Exit(3, undefined, 'info: all fine\n')).toMatchObject({ kind: 'exit-code', detail: 'gem5 exited with status 3' });
    expect(classifyGem5Exit(undefined, 'SIGKILL', '')).toMatchObject({ kind: 'signal' });
    expect(classifyGem5Exit(0, undefined, 'src/sim/syscall_emul.cc:85: warn: ignoring syscall nanosleep(...)\n')).toBeUndefined();
  });
});
