import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { VALGRIND_TOOL_DIR, findValgrind, methodsAvailable, planInstructionPoints } from '../../src/insts/index.js';
import { parseBbFile, vectorInstructions } from '../../src/simpoint/bb-file.js';
import { profileBasicBlocks } from '../../src/simpoint/profile.js';
import { fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';
import { program } from '../insts/helpers.js';

/**
 * The BBV of the lapinsts profiling pass, checked against Valgrind's own exp-bbv on the same run,
 * and its intervals against the instruction count of the plain profiling pass.
 */
const available = (await methodsAvailable()).some((m) => m.method === 'valgrind-gdb' && m.available);
const valgrind = await findValgrind();
const expBbv = ['/usr/libexec/valgrind', '/usr/lib/x86_64-linux-gnu/valgrind'].map((d) => join(d, 'exp-bbv-amd64-linux')).find((p) => existsSync(p));
const work = testWorkDir('lapidary-bbv-');

/** Per interval: instructions per superblock start address, from a .bb text and an id → address map. */
function bySuperblock(bb: string, address: Map<number, bigint>): Array<Map<bigint, number>> {
  return parseBbFile(bb).map((v) => {
    const m = new Map<bigint, number>();
    for (const [id, n] of v) m.set(address.get(id)!, (m.get(address.get(id)!) ?? 0) + n);
    return m;
  });
}

describe.skipIf(!available || expBbv === undefined)('basic-block vectors', () => {
  it('agree with Valgrind exp-bbv on the same run: the same instructions per interval and per superblock', async () => {
    const dir = work();
    // Both tools from one VALGRIND_LIB, so the program gets the same environment (and stack) under each.
    const lib = join(dir, 'lib');
    mkdirSync(lib);
    for (const entry of readdirSync(VALGRIND_TOOL_DIR)) symlinkSync(join(VALGRIND_TOOL_DIR, entry), join(lib, entry));
    symlinkSync(expBbv!, join(lib, 'exp-bbv-amd64-linux'));
    const env = { VALGRIND_LIB: lib, ITEMS: '12' };
    const interval = 400_000;
    const exe = fixture('phases');
    // lapinsts from the program's first instruction (no origin), with Valgrind's CPUID as exp-bbv has it.
    await promisify(execFile)(valgrind!, ['--tool=lapinsts', '-q', `--lapinsts-out=${join(dir, 'l.jsonl')}`, '--lapinsts-native-cpuid=no',
      `--lapinsts-bbv-interval=${interval}`, `--lapinsts-bbv-out=${join(dir, 'l.bb')}`, exe], { env, cwd: dir });
    await promisify(execFile)(valgrind!, ['--tool=exp-bbv', '-q', `--interval-size=${interval}`, `--bb-out-file=${join(dir, 'e.bb')}`,
      `--pc-out-file=${join(dir, 'e.pc')}`, exe], { env, cwd: dir });

    const events = readFileSync(join(dir, 'l.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    const end = events.find((e) => e.event === 'end')!;
    const ours = readFileSync(join(dir, 'l.bb'), 'utf8');
    const theirs = readFileSync(join(dir, 'e.bb'), 'utf8');
    const total = Number(end.instructions);
    // exp-bbv's closing summary counts the same run.
    expect(Number(/# {3}Total instructions: (\d+)/.exec(theirs)![1])).toBe(total);
    const ourTotals = parseBbFile(ours).map(vectorInstructions);
    const theirTotals = parseBbFile(theirs).map(vectorInstructions);
    expect(total).toBeGreaterThan(10 * interval);
    // Ours: exactly N per interval, then the rest. exp-bbv closes an interval when its count
    // exceeds N (handle_overflow: dyn_instr > interval_size): N+1 the first time, then N, and
    // drops the partial last interval.
    expect(ourTotals).toEqual([...Array<number>(Math.floor(total / interval)).fill(interval), total % interval]);
    expect(theirTotals).toEqual([interval + 1, ...Array<number>(Math.floor((total - 1) / interval) - 1).fill(interval)]);

    // Per superblock: exp-bbv counts a superblock's instructions under its first address; our
    // blocks are its segments (cut at side exits), each naming its superblock.
    const ourAddress = new Map(events.filter((e) => e.event === 'block').map((e) => [e.id as number, BigInt(e.superblock as string)]));
    const theirAddress = new Map(readFileSync(join(dir, 'e.pc'), 'utf8').split('\n').filter((l) => l.startsWith('F:'))
      .map((l) => l.split(':')).map((f) => [Number(f[1]), BigInt(`0x${f[2]}`)]));
    const a = bySuperblock(ours, ourAddress);
    const b = bySuperblock(theirs, theirAddress);
    const reps = Number(/# {3}Unique reps: (\d+)/.exec(theirs)![1]);
    let distance = 0;
    for (let k = 0; k < b.length; k++) {
      for (const key of new Set([...a[k]!.keys(), ...b[k]!.keys()])) distance += Math.abs((a[k]!.get(key) ?? 0) - (b[k]!.get(key) ?? 0));
    }
    // What may differ: the one-instruction shift of each boundary (at most 2 per interval), and
    // exp-bbv counting a rep string instruction with the instruction after it (2 per rep run).
    expect(distance).toBeLessThanOrEqual(2 * b.length + 2 * reps);
    expect(a[0]!.size).toBeGreaterThan(100);
  });

  it('from main, as the native run counts: every interval exactly N, adding up to the profiling pass count', async () => {
    const dir = work();
    const base = program(fixture('phases'), [], dir, dir, 'phases');
    const spec = { ...base, env: [...base.env, 'ITEMS=10'] };
    const interval = 700_000n;
    const profile = await profileBasicBlocks(spec, { interval });
    const plan = await planInstructionPoints(spec, { first: 1_000_000n, every: 1_000_000n });
    expect(plan.totalInstructions).toBeDefined();
    expect(profile.totalInstructions).toBe(plan.totalInstructions);
    const totals = profile.vectors.map(vectorInstructions);
    expect(totals.slice(0, -1).every((n) => n === Number(interval))).toBe(true);
    expect(BigInt(totals.reduce((s, n) => s + n, 0))).toBe(plan.totalInstructions);
    expect(profile.vectors.length).toBe(Number((plan.totalInstructions! + interval - 1n) / interval));
    // Every id in the vectors is a described block in the main executable or a library.
    const ids = new Set(profile.blocks.map((b) => b.id));
    expect(profile.vectors.every((v) => [...v.keys()].every((id) => ids.has(id)))).toBe(true);
    expect(profile.blocks.some((b) => b.object === fixture('phases'))).toBe(true);
  });
});
