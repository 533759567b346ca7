import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { symbolFileOffset } from '../../src/insts/elf.js';
import {
  valgrindRecount, nativeAddress, planInstructionPoints, reachMarker, readNativeMaps, stepInstructions,
  type InstructionPlan, type Marker, type ProgramSpec,
} from '../../src/insts/index.js';
import { fixture } from '../helpers/paths.js';
import { gdbRegisters, launch, methodTiers, program, ptraceStates, type SteppedState } from './helpers.js';
import { testWorkDir } from '../helpers/work-dir.js';

/**
 * Markers for positions 10^5, 10^6 and 10^7 of a C fixture (and around its first rep
 * instructions) are planned under Valgrind, then checked against native single-stepping with
 * ptrace (lapidary-insts-ptrace: no Valgrind, no gdb), the independent reference: the count of the
 * first rep instruction, the instruction at every position up to 10^6, and the registers there
 * when the native run under gdb reaches each marker. A second Valgrind pass by another algorithm
 * is checked too, but it shares the tool with the plan. Position 10^7 and beyond are checked by
 * gem5 (test/gem5/insts-crosscheck.gem5.test.ts).
 */
const { available, skipReason } = await methodTiers();
const work = testWorkDir('lapidary-insts-');

const exe = fixture('insts-mix');
let spec: ProgramSpec;
let plan: InstructionPlan;
let positions: bigint[];
let repAt: bigint;
/** File offset of the fixture's first rep movsb. */
let repOffset: bigint;
const stepped = new Map<bigint, SteppedState>();

function summary(m: Marker): unknown {
  return { count: m.count, object: m.object, offset: m.offset, hits: m.hits, rep: m.rep, route: m.route };
}

describe.skipIf(!available.get('valgrind-gdb'))(`instruction markers of a C fixture${skipReason('valgrind-gdb')}`, () => {
  beforeAll(async () => {
    spec = program(exe, [], work(), work(), 'mix');
    // The first rep movsb: its first arrival, counted independently.
    const repMovsb = await symbolFileOffset(exe, 'rep_movsb');
    const bytes = readFileSync(exe).subarray(Number(repMovsb), Number(repMovsb) + 16);
    const at = bytes.indexOf(Buffer.from([0xf3, 0xa4]));
    expect(at).toBeGreaterThanOrEqual(0);
    repOffset = repMovsb! + BigInt(at);
    [repAt] = (await valgrindRecount(spec, [{ object: exe, offset: repOffset, hits: 1n }])) as [bigint];
    expect(repAt).toBeGreaterThan(0n);
    expect(repAt).toBeLessThan(2000n);
    positions = [repAt, repAt + 1n, repAt + 2n, 2000n, 100_000n, 1_000_000n, 10_000_000n];
    plan = await planInstructionPoints(spec, positions, { keepDir: join(work(), 'plan') });
    const native = await ptraceStates(spec, plan.originLocation!, positions.filter((p) => p <= 1_000_000n), work());
    for (const state of native) stepped.set(state.count, state);
  }, 600_000);

  it('plans one marker per position, counting from main', () => {
    expect(plan.markers.map((m) => m.count)).toEqual(positions);
    expect(plan.originLocation).toEqual({ object: exe, offset: expect.any(BigInt) });
    expect(plan.complete).toBe(true);
    expect(plan.warnings).toEqual([]);
    for (const m of plan.markers) {
      expect(m.hits).toBeGreaterThan(0n);
      expect(m.route.length).toBeGreaterThan(0);
    }
  });

  it('is reproducible', async () => {
    const again = await planInstructionPoints(spec, positions);
    expect(again.markers.map(summary)).toEqual(plan.markers.map(summary));
  }, 300_000);

  it('finds the first rep movsb where native single-stepping first arrives at it', async () => {
    const upTo = Array.from({ length: Number(repAt) + 2 }, (_, i) => BigInt(i + 1));
    const steps = await ptraceStates(spec, plan.originLocation!, upTo, work());
    const first = steps.find((s) => s.object === exe && s.offset === repOffset);
    expect(first?.count).toBe(repAt);
  }, 300_000);

  it('puts a point on a rep instruction before its iterations, and steps over it as one instruction', () => {
    const [atRep, afterRep] = plan.markers;
    expect(atRep!.rep).toBe(true);
    expect(atRep!.object).toBe(exe);
    expect(afterRep!.route).toEqual([{ kind: 'rep' }]);
    expect(afterRep!.rep).toBe(false);
  });

  it('a second Valgrind pass (another counting algorithm, same tool) finds the same positions', async () => {
    const counts = await valgrindRecount(spec, plan.markers);
    expect(counts).toEqual(positions);
  }, 300_000);

  it('agrees with native single-stepping: the same instruction at every position', () => {
    for (const m of plan.markers.filter((x) => x.count <= 1_000_000n)) {
      const state = stepped.get(m.count)!;
      expect({ count: m.count, object: state.object, offset: state.offset }).toEqual({ count: m.count, object: m.object, offset: m.offset });
    }
  });

  it.skipIf(!available.get('valgrind-perf'))(`is reached natively under gdb with kernel-counted breakpoints, in the single-stepped state${skipReason('valgrind-perf')}`, async () => {
    const target = await launch(spec, work(), 'perf');
    try {
      for (const marker of plan.markers) {
        const result = await reachMarker(target.session, marker, { pid: target.pid }, { method: 'valgrind-perf' });
        expect(result.pc).toBe(await nativeAddress(await readNativeMaps(target.pid), marker));
        const state = stepped.get(marker.count);
        if (state !== undefined) expect(await gdbRegisters(target.session)).toEqual(state.regs);
        if (marker.route.some((a) => a.kind === 'hop' && a.sincePrevious <= 50_000)) expect(result.verified).toBeGreaterThan(0);
      }
    } finally {
      await target.session.close();
    }
  }, 300_000);

  it('is reached natively with gdb ignore-count breakpoints (routes planned for them)', async () => {
    // gdb stops the program at every hit (~0.2-1 ms each here): positions up to 10^5 keep this short.
    const gdbPlan = await planInstructionPoints(spec, positions.filter((p) => p <= 100_000n), { method: 'valgrind-gdb' });
    const target = await launch(spec, work(), 'gdb');
    try {
      for (const marker of gdbPlan.markers) {
        await reachMarker(target.session, marker, { pid: target.pid }, { method: 'valgrind-gdb' });
        expect(await gdbRegisters(target.session)).toEqual(stepped.get(marker.count)!.regs);
      }
    } finally {
      await target.session.close();
    }
  }, 600_000);

  it('gdb-stepi: counts single steps exactly, a rep instruction once', async () => {
    const target = await launch(spec, work(), 'stepi');
    try {
      await stepInstructions(target.session, repAt + 2n);
      expect(await gdbRegisters(target.session)).toEqual(stepped.get(repAt + 2n)!.regs);
      await stepInstructions(target.session, 2000n - repAt - 2n);
      expect(await gdbRegisters(target.session)).toEqual(stepped.get(2000n)!.regs);
    } finally {
      await target.session.close();
    }
  }, 300_000);
});
