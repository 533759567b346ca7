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

/**
 * The fixtures are stats.txt files written by gem5 v24.0.0.1 itself (test/fixtures/stats/README.md
 * says how): one int-loop checkpoint restored by lapidary_gem5.py with O3, Minor and
 * TimingSimpleCPU, 100 000 warm-up then 50 000 measured instructions, so each file holds two dumps.
 * Expected values are what gem5 printed or what gem5's own invariants give (its `cpi` formula, the
 * per-cycle commit distribution, the ticks lapidary_gem5.py reported at each phase's end), never
 * what the parser returned.
 */
const RUNS = [
  // [file, detailed CPU model, warm-up instructions committed, tick at the end of warm-up, at the end]
  ['o3-warmup-measure.stats.txt', 'O3', 100_000, 25_472_000, 37_972_000],
  ['minor-warmup-measure.stats.txt', 'Minor', 100_000, 105_646_000, 158_146_000],
  // Here TimingSimpleCPU's commit counter includes the instruction during which the stop event fired.
  ['timing-warmup-measure.stats.txt', 'Timing', 100_001, 120_385_500, 180_385_500],
] as const;

describe.each(RUNS)('parseStats on %s (gem5 v24, %s CPU, warm-up then measured dump)', (file, _cpu, warmInsts, warmEnd, end) => {
  const dumps = parseStats(fixture(file));
  const [warm, measured] = dumps as [StatsDump, StatsDump];

  it('splits the two dumps, both complete, at their Begin markers', () => {
    const begins = fixture(file).split('\n').flatMap((l, i) => (/^-+ Begin Simulation Statistics -+$/.test(l) ? [i + 1] : []));
    expect(dumps.map((d) => [d.index, d.line, d.complete])).toEqual([[0, begins[0], true], [1, begins[1], true]]);
  });

  it('keeps the windows apart: per-window ticks and commits, cumulative simInsts and finalTick', () => {
    expect(warm.values['simTicks']).toBe(warmEnd);
    expect(measured.values['simTicks']).toBe(end - warmEnd);
    expect(measured.values['finalTick']).toBe(end);
    expect(warm.values['system.switch_cpus.commitStats0.numInsts']).toBe(warmInsts);
    expect(measured.values['system.switch_cpus.commitStats0.numInsts']).toBe(50_000);
    expect(measured.values['simInsts']).toBe(150_000);
  });

  it('readCpi gives gem5\'s own cpi formula (printed to 6 decimals) for the detailed CPU in both windows', () => {
    for (const d of [warm, measured]) {
      const reading = readCpi(d, 'system.switch_cpus');
      expect(reading.stats).toEqual(['system.switch_cpus.numCycles', 'system.switch_cpus.commitStats0.numInsts']);
      expect(reading.cycles).toBe(d.values['system.switch_cpus.numCycles']);
      expect(reading.cpi).toBeCloseTo(d.values['system.switch_cpus.cpi']!, 6);
    }
    expect(readCpi(measured, 'system.switch_cpus').instructions).toBe(50_000);
    expect(findCpuPrefixes(measured)).toEqual(['system.cpu', 'system.switch_cpus']);
  });

  it('refuses CPI for the switched-out CPU, which committed nothing (cpi nan, numInsts hidden by its prereq), naming the one that did', () => {
    expect(measured.values['system.cpu.numCycles']).toBe(0);
    expect(measured.values['system.cpu.cpi']).toBeNaN();
    expect(measured.values['system.cpu.commitStats0.numInsts']).toBeUndefined();
    expect(measured.values['system.cpu.commitStats0.numOps']).toBe(0);
    let error: unknown;
    try {
      readCpi(measured, 'system.cpu');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StatsFormatError);
    expect((error as StatsFormatError).code).toBe('LAPIDARY_STATS_INVALID');
    expect((error as StatsFormatError).message).toMatch(/system\.cpu committed no instructions/);
    expect((error as StatsFormatError).hint).toBe('CPUs that did commit instructions: system.switch_cpus');
    expect(() => readCpi(measured, 'board.processor.cores.core')).toThrow(/no stat board\.processor\.cores\.core\.numCycles/);
  });

  it('reads descriptions and units, vectors with ::total, and the per-CPU instruction mix', () => {
    const v = measured.values;
    expect(measured.info['system.switch_cpus.numCycles']).toEqual({ description: 'Number of cpu cycles simulated', unit: 'Cycle' });
    // A rate unit prints as ((Count/Second)); a description may itself end in parentheses.
    expect(measured.info['hostInstRate']).toEqual({ description: 'Simulator instruction rate (inst/s)', unit: '(Count/Second)' });
    expect(measured.info['finalTick']?.description).toBe('Number of ticks from beginning of simulation (restored from checkpoints and never reset)');
    const mix = Object.entries(v).filter(([k]) => k.startsWith('system.switch_cpus.commitStats0.committedInstType::') && !k.endsWith('::total'));
    expect(mix.length).toBeGreaterThan(10);
    expect(mix.reduce((sum, [, x]) => sum + x, 0)).toBe(v['system.switch_cpus.commitStats0.committedInstType::total']);
    expect(v['system.switch_cpus.commitStats0.committedInstType::total']).toBe(v['system.switch_cpus.commitStats0.numOps']);
  });
});

describe('parseStats on other real gem5 output', () => {
  it('reads O3\'s per-cycle commit distribution: one sample per cycle, mean × samples = committed ops', () => {
    const [, measured] = parseStats(fixture('o3-warmup-measure.stats.txt'));
    const v = measured!.values;
    const dist = 'system.switch_cpus.commit.numCommittedDist';
    expect(v[`${dist}::samples`]).toBe(v['system.switch_cpus.numCycles']);
    expect(v[`${dist}::mean`]! * v[`${dist}::samples`]!).toBeCloseTo(v['system.switch_cpus.commitStats0.numOps']!, 0);
    expect(v[`${dist}::underflows`]).toBe(0);
    expect(v[`${dist}::max_value`]).toBe(8);
    const buckets = Object.entries(v).filter(([k]) => /::\d+$/.test(k) && k.startsWith(`${dist}::`));
    expect(buckets.reduce((sum, [, x]) => sum + x, 0)).toBe(v[`${dist}::samples`]);
    expect(v['system.switch_cpus.commit.committedInstType_0::IntAlu']).toBe(v['system.switch_cpus.commitStats0.committedInstType::IntAlu']); // a 2-d vector
    expect(v['system.switch_cpus.commit.amos']).toBe(0); // a one-element vector prints its bare name
  });

  it('reads output written with --stats-file=text://stats.txt?desc=False&spaces=False, the same numbers as the default format', () => {
    const plain = parseStats(fixture('minor-nodesc.stats.txt'));
    const padded = parseStats(fixture('minor-warmup-measure.stats.txt'));
    expect(plain).toHaveLength(2);
    expect(Object.keys(plain[1]!.info)).toHaveLength(0);
    // host* stats measure the simulator's own wall-clock time; everything else is simulated.
    const simulated = (d: StatsDump) => Object.fromEntries(Object.entries(d.values).filter(([k]) => !k.startsWith('host')));
    expect(simulated(plain[1]!)).toEqual(simulated(padded[1]!));
    expect(readCpi(plain[1]!, 'system.switch_cpus')).toEqual(readCpi(padded[1]!, 'system.switch_cpus'));
  });

  it('marks a dump cut off mid-line (gem5 killed while dumping) incomplete and drops the partial line', () => {
    const text = fixture('o3-truncated.stats.txt');
    expect(text.endsWith('\n')).toBe(false);
    const [warm, cut] = parseStats(text);
    expect(warm!.complete).toBe(true);
    expect(cut!.complete).toBe(false);
    expect(cut!.values['simTicks']).toBe(12_500_000);
    const lastWhole = text.slice(0, text.lastIndexOf('\n')).split('\n').pop()!.split(/\s+/)[0]!;
    expect(cut!.values[lastWhole]).toBeDefined();
    const partial = text.slice(text.lastIndexOf('\n') + 1).split(/\s+/)[0]!;
    expect(Object.keys(cut!.values).filter((k) => k === partial)).toEqual([]);
    expect(() => readCpi(cut!, 'system.switch_cpus')).toThrow(/no stat system\.switch_cpus\.numCycles/);
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
