import { describe, expect, it } from 'vitest';
import {
  COST_MODELS, chooseMethod, estimateCost, methodsAvailable, nativeAddress, nativeLocation, nativeToolStatus, parseNativeMaps, repStringLength,
} from '../../src/insts/index.js';

const MAPS = `555555554000-555555555000 r--p 00000000 fe:01 2155327                    /tmp/prog
555555555000-555555556000 r-xp 00001000 fe:01 2155327                    /tmp/prog
7ffff7dd4000-7ffff7dfa000 r--p 00000000 fe:01 1311 /usr/lib/x86_64-linux-gnu/libc.so.6
7ffff7dfa000-7ffff7f4f000 r-xp 00026000 fe:01 1311 /usr/lib/x86_64-linux-gnu/libc.so.6
7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
`;

describe('native maps', () => {
  const maps = parseNativeMaps(MAPS);

  it('parses /proc/PID/maps lines', () => {
    expect(maps).toHaveLength(5);
    expect(maps[1]).toEqual({ start: 0x555555555000n, end: 0x555555556000n, perms: 'r-xp', offset: 0x1000n, inode: 2155327, path: '/tmp/prog' });
    expect(maps[4]!.path).toBe('[stack]');
  });

  it('turns file locations into addresses and back', async () => {
    expect(await nativeAddress(maps, { object: '/tmp/prog', offset: 0x10b0n })).toBe(0x5555555550b0n);
    expect(await nativeAddress(maps, { object: '/usr/lib/x86_64-linux-gnu/libc.so.6', offset: 0x48c10n })).toBe(0x7ffff7e1cc10n);
    expect(nativeLocation(maps, 0x7ffff7e1cc10n)).toEqual({ object: '/usr/lib/x86_64-linux-gnu/libc.so.6', offset: 0x48c10n });
    expect(nativeLocation(maps, 0x7ffffffde100n)).toBeUndefined();
    await expect(nativeAddress(maps, { object: '/tmp/other', offset: 0n })).rejects.toThrow(/not mapped/);
  });
});

describe('rep string instructions', () => {
  it('recognises rep/repne string instructions and their length', () => {
    expect(repStringLength(Buffer.from([0xf3, 0xa4]))).toBe(2); // rep movsb
    expect(repStringLength(Buffer.from([0xf3, 0x48, 0xab]))).toBe(3); // rep stosq
    expect(repStringLength(Buffer.from([0xf3, 0xa6]))).toBe(2); // repe cmpsb
    expect(repStringLength(Buffer.from([0xf2, 0xae]))).toBe(2); // repne scasb
    expect(repStringLength(Buffer.from([0x66, 0xf3, 0xa5]))).toBe(3); // rep movsw
  });

  it('rejects other instructions', () => {
    expect(repStringLength(Buffer.from([0xa4]))).toBe(0); // movsb without rep
    expect(repStringLength(Buffer.from([0xf3, 0x0f, 0xb8, 0xc0]))).toBe(0); // popcnt (F3 prefix, not a string op)
    expect(repStringLength(Buffer.from([0xf3, 0xc3]))).toBe(0); // rep ret
    expect(repStringLength(Buffer.from([0x48, 0x89, 0xc7]))).toBe(0);
  });
});

describe('methods', () => {
  it('lists every method, gdb-stepi always available', async () => {
    const methods = await methodsAvailable();
    expect(methods.map((m) => m.method)).toEqual(['valgrind-perf', 'valgrind-gdb', 'gdb-stepi']);
    expect(methods.find((m) => m.method === 'gdb-stepi')!.available).toBe(true);
    for (const m of methods) if (!m.available) expect(m.reason).toBeTruthy();
  });

  it('chooses the best available method, and refuses unknown ones and Valgrind from the first instruction', async () => {
    const best = (await methodsAvailable()).find((m) => m.available)!.method;
    expect(await chooseMethod(undefined)).toBe(best);
    expect(await chooseMethod(undefined, 'entry')).toBe('gdb-stepi');
    await expect(chooseMethod('pin' as never)).rejects.toThrow(/unknown/);
    const status = await nativeToolStatus();
    if (status.valgrind !== undefined && status.lapinstsTool) await expect(chooseMethod('valgrind-gdb', 'entry')).rejects.toThrow(/counts from main/);
  });

  it('estimates the cost before the run, in one printable line', () => {
    const perf = estimateCost('valgrind-perf', { lastPosition: 1_000_000_000n, points: 10 });
    expect(perf.profileSeconds).toBeCloseTo(1e9 / COST_MODELS['valgrind-perf'].profileInstructionsPerSecond, 3);
    expect(perf.text).toMatch(/^instruction positions by valgrind-perf \(.*\): expected ~\d+(\.\d)? s profiling, then ~\d+ ms per checkpoint to reach it natively$/);
    const stepi = estimateCost('gdb-stepi', { lastPosition: 100_000_000n, points: 1 });
    expect(stepi.seconds).toBeGreaterThan(8 * 3600);
    expect(stepi.text).toMatch(/expected 9\.3 h/);
    expect(estimateCost('valgrind-gdb', { points: 3 }).text).toMatch(/per 10\^8 instructions of profiling/);
  });
});
