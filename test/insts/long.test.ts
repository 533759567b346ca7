import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  estimateCost, valgrindRecount, planInstructionPoints, reachMarker, type ProgramSpec,
} from '../../src/insts/index.js';
import { fixture } from '../helpers/paths.js';
import { launch, methodTiers, program } from './helpers.js';
import { testWorkDir } from '../helpers/work-dir.js';

/**
 * The acceptance runs: a C fixture of about 10^8 instructions with a marker every 10^7, and a
 * real Debian program (gzip -9 on 3 MB of text, about 4.5e8 instructions) with one every 10^8.
 * Each marker is reached natively under gdb with kernel-counted breakpoints, which also count the
 * route's locations since the previous marker against the profile (counts independent of
 * Valgrind); each position is recounted by a second Valgrind pass (same tool, another algorithm);
 * the program then runs on to its end with the same output. gem5 is the independent check of
 * positions at this scale: test/gem5/insts-crosscheck.gem5.test.ts.
 */
const { available, skipReason } = await methodTiers();
const work = testWorkDir('lapidary-insts-long-');

/** Deterministic text (a seeded generator), about `bytes` long. */
function text(bytes: number): string {
  let x = 12345;
  const next = (): number => (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 8; // the low bits of an LCG repeat
  const words = Array.from({ length: 5000 }, () => Array.from({ length: 2 + (next() % 8) }, () => String.fromCharCode(97 + (next() % 26))).join(''));
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const line = Array.from({ length: 5 + (next() % 10) }, () => words[next() % words.length]).join(' ');
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

async function checkEvery(spec: ProgramSpec, every: bigint, name: string): Promise<void> {
  const estimate = estimateCost('valgrind-perf', { points: 10 });
  expect(estimate.text).toMatch(/valgrind-perf/);
  const plan = await planInstructionPoints(spec, { first: every, every }, { stopAfterLast: false });
  expect(plan.complete).toBe(true);
  expect(plan.warnings).toEqual([]);
  const expected = Number(plan.totalInstructions! / every);
  expect(plan.markers.map((m) => m.count)).toEqual(Array.from({ length: expected }, (_, i) => every * BigInt(i + 1)));

  const recount = await valgrindRecount(spec, plan.markers);
  expect(recount).toEqual(plan.markers.map((m) => m.count));

  const target = await launch(spec, work(), name);
  const report: string[] = [];
  try {
    for (const marker of plan.markers) {
      const reached = await reachMarker(target.session, marker, { pid: target.pid });
      if (marker.route.some((a) => a.kind === 'hop' && a.sincePrevious <= 50_000)) expect(reached.verified).toBeGreaterThan(0);
      report.push(`${marker.count}: ${reached.seconds.toFixed(2)} s (planned ${marker.estimatedSeconds.toFixed(2)} s), ${reached.hits} hits, ${reached.steps} steps`);
    }
    await target.session.send('-exec-continue');
    const end = await target.session.waitForStop({ timeoutMs: 120_000 });
    expect(end.exited).toBe(true);
    expect(end.exitCode).toBe(0);
  } finally {
    await target.session.close();
  }
  console.log(`${name}: profile ${plan.profileSeconds.toFixed(1)} s for ${plan.totalInstructions} instructions\n  ${report.join('\n  ')}`);
  expect(readFileSync(join(work(), `${name}.native.out`))).toEqual(readFileSync(spec.stdout!));
}

describe.skipIf(!available.get('valgrind-perf'))(`exact positions at scale (perf breakpoints)${skipReason('valgrind-perf')}`, () => {
  it('a C fixture of ~10^8 instructions, every 10^7', async () => {
    await checkEvery(program(fixture('insts-mix'), [], work(), work(), 'mix-long'), 10_000_000n, 'mix-long');
  }, 900_000);

  it('Debian gzip -9 on 3 MB of text, every 10^8', async () => {
    writeFileSync(join(work(), 'text.txt'), text(3_000_000));
    await checkEvery(program('/usr/bin/gzip', ['-9', '-c', 'text.txt'], work(), work(), 'gzip'), 100_000_000n, 'gzip');
  }, 900_000);
});
