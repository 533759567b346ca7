import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  findCpuPrefixes,
  parseStats,
  readCpi,
  StatsFormatError,
  type StatsDump,
} from '../../../src/gem5/run/stats.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/stats/${name}`, import.meta.url), 'utf8');

const dump = (body: string): StatsDump => {
  const dumps = parseStats(
    `\n---------- Begin Simulation Statistics ----------\n${body}\n\n---------- End Simulation Statistics   ----------\n`,
  );
  expect(dumps).toHaveLength(1);
  return dumps[0]!;
};

describe('parseStats on a two-dump O3 run (warm-up, then measured window)', () => {
  const dumps = parseStats(fixture('o3-warmup-measure.stats.txt'));
  const [warm, measured] = dumps as [StatsDump, StatsDump];

  it('splits the dumps and marks them complete', () => {
    expect(dumps).toHaveLength(2);
    expect(dumps.map((d) => [d.index, d.line, d.complete])).toEqual([
      [0, 2, true],
      [1, 237, true],
    ]);
  });

  it('reads scalars with their description and unit', () => {
    expect(measured.values['simTicks']).toBe(41_111_181);
    expect(measured.values['simSeconds']).toBe(0.000041);
    expect(measured.values['simFreq']).toBe(1e12);
    expect(measured.values['hostSeconds']).toBe(0.41);
    expect(measured.values['system.cpu.numCycles']).toBe(123_457);
    expect(measured.values['system.cpu.cpi']).toBe(1.23457);
    expect(measured.info['system.cpu.numCycles']).toEqual({
      description: 'Number of cpu cycles simulated',
      unit: 'Cycle',
    });
    // A rate unit prints as ((Count/Second)); a description may itself end in parentheses.
    expect(measured.info['hostInstRate']).toEqual({
      description: 'Simulator instruction rate (inst/s)',
      unit: '(Count/Second)',
    });
    expect(measured.info['finalTick']?.description).toBe(
      'Number of ticks from beginning of simulation (restored from checkpoints and never reset)',
    );
  });

  it('reads vector, 2-d vector and distribution entries', () => {
    const v = measured.values;
    expect(v['system.cpu.commitStats0.committedInstType::IntAlu']).toBe(92_560);
    expect(v['system.cpu.commitStats0.committedInstType::total']).toBe(178_000);
    expect(v['system.cpu.commit.committedInstType_0::IntAlu']).toBe(92_560);
    expect(v['system.cpu.commit.numCommittedDist::samples']).toBe(123_457);
    expect(v['system.cpu.commit.numCommittedDist::mean']).toBe(1.441798);
    expect(v['system.cpu.commit.numCommittedDist::underflows']).toBe(0);
    expect(v['system.cpu.commit.numCommittedDist::8']).toBe(0);
    expect(v['system.cpu.commit.numCommittedDist::max_value']).toBe(6);
    expect(v['system.cpu.dcache.demandHits::cpu.data']).toBe(59_333);
    expect(v['system.cpu.commit.amos']).toBe(0); // a one-element vector prints its bare name
    // Sub-names of vector elements are summed into ::total.
    const mix = Object.entries(v).filter(([k]) => k.startsWith('system.cpu.commitStats0.committedInstType::'));
    expect(mix.filter(([k]) => !k.endsWith('::total')).reduce((s, [, x]) => s + x, 0)).toBe(178_000);
  });

  it('keeps the two dumps apart: simInsts is cumulative, commit counters are per window', () => {
    expect(warm.values['system.cpu.commitStats0.numInsts']).toBe(5_000_000);
    expect(measured.values['system.cpu.commitStats0.numInsts']).toBe(100_000);
    expect(measured.values['simInsts']).toBe(5_100_000);
  });

  it('readCpi reads numCycles / commitStats0.numInsts of the measured window', () => {
    expect(readCpi(measured, 'system.cpu')).toEqual({
      cpi: 1.23457,
      cycles: 123_457,
      instructions: 100_000,
      stats: ['system.cpu.numCycles', 'system.cpu.commitStats0.numInsts'],
    });
    expect(readCpi(warm, 'system.cpu').cpi).toBeCloseTo(6_400_021 / 5_000_000, 15);
    expect(findCpuPrefixes(measured)).toEqual(['system.cpu']);
  });

});

describe('parseStats edge cases', () => {
  it('reads nan and inf, and refuses CPI for a CPU that committed nothing', () => {
    const [stalled, cut] = parseStats(fixture('stalled-truncated.stats.txt'));
    expect(stalled!.values['system.cpu.cpi']).toBe(Infinity);
    expect(stalled!.values['system.cpu.ipc']).toBe(0);
    expect(stalled!.values['system.cpu.commitStats0.numInsts']).toBeUndefined(); // prereq hid the 0
    expect(() => readCpi(stalled!, 'system.cpu').cpi).toThrow(StatsFormatError);
    expect(() => readCpi(stalled!, 'system.cpu').cpi).toThrow(/committed no instructions/);
    // The second dump was cut mid-line: incomplete, and the partial last line is dropped.
    expect(cut!.complete).toBe(false);
    expect(cut!.values['simTicks']).toBe(6_660_000);
    expect(cut!.values['system.cpu.numCycles']).toBeUndefined();
  });

  it('finds the measuring CPU after an se.py-style switch (TimingSimpleCPU)', () => {
    const [d] = parseStats(fixture('switch-timing.stats.txt'));
    expect(findCpuPrefixes(d!)).toEqual(['system.cpu', 'system.switch_cpus']);
    expect(d!.values['system.cpu.cpi']).toBeNaN();
    expect(readCpi(d!, 'system.switch_cpus').cpi).toBeCloseTo(297_713 / 100_000, 15);
    let error: unknown;
    try {
      readCpi(d!, 'system.cpu').cpi;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StatsFormatError);
    expect((error as StatsFormatError).code).toBe('LAPIDARY_STATS_INVALID');
    expect((error as StatsFormatError).hint).toMatch(/system\.switch_cpus/);
    expect(() => readCpi(d!, 'board.processor.cores.core').cpi).toThrow(/no stat board\.processor\.cores\.core\.numCycles/);
  });

  it('reads output written with desc=False;spaces=False (MinorCPU)', () => {
    const [d] = parseStats(fixture('minor-nodesc.stats.txt'));
    expect(d!.values['system.cpu.commitStats0.committedInstType::IntAlu']).toBe(91_521);
    expect(d!.values['system.cpu.cpi']).toBe(1.54321);
    expect(Object.keys(d!.info)).toHaveLength(0);
    expect(readCpi(d!, 'system.cpu').cpi).toBeCloseTo(1.54321, 15);
  });

  it('falls back to pre-v23 instruction counters', () => {
    const [o3] = parseStats(fixture('legacy-v22-o3.stats.txt'));
    expect(readCpi(o3!, 'system.cpu').stats).toEqual(['system.cpu.numCycles', 'system.cpu.committedInsts']);
    expect(readCpi(o3!, 'system.cpu').cpi).toBeCloseTo(1.2012, 15);
    const simple = dump(
      'system.cpu.numCycles 300\nsystem.cpu.exec_context.thread_0.numInsts 100\nsystem.cpu.exec_context.thread_1.numInsts 50',
    );
    expect(readCpi(simple, 'system.cpu').cpi).toBe(2);
    const minor = dump('system.cpu.numCycles 300\nsystem.cpu.numInsts 200');
    expect(readCpi(minor, 'system.cpu').cpi).toBe(1.5);
    const smt = dump(
      'system.cpu.numCycles 300\nsystem.cpu.committedInsts::0 100\nsystem.cpu.committedInsts::1 50\nsystem.cpu.committedInsts::total 150',
    );
    expect(readCpi(smt, 'system.cpu').cpi).toBe(2);
  });

  it('handles a oneline vector, a unit without description, and CRLF', () => {
    const d = dump('net.flits |  10  25.00%  25.00% |  30  75.00% 100.00% # flits (Count)\r\nx.y 5 (Count)\r');
    expect(d.values['net.flits::0']).toBe(10);
    expect(d.values['net.flits::1']).toBe(30);
    expect(d.info['net.flits::1']).toEqual({ description: 'flits', unit: 'Count' });
    expect(d.info['x.y']).toEqual({ unit: 'Count' });
    expect(d.values['x.y']).toBe(5);
  });

  it('rejects text that is not gem5 stats', () => {
    expect(() => parseStats('hello world\n')).toThrow(StatsFormatError);
    expect(() => parseStats('\n---------- Begin Simulation Statistics ----------\nfoo bar\n')).toThrow(
      /stats\.txt:3: not a gem5 stat line/,
    );
    expect(() => parseStats('---------- End Simulation Statistics   ----------\n')).toThrow(/End marker/);
    expect(() => dump('a 1 trailing words')).toThrow(StatsFormatError);
    expect(parseStats('')).toEqual([]);
  });
});
