import { describe, expect, it } from 'vitest';
import { MiFormatError } from '../../src/errors.js';
import { listRegisterNames, listRegisterValues, parseRegisterValue } from '../../src/mi/index.js';
import { loadTranscript, ReplaySender } from './helpers/transcript.js';

/**
 * Raw register formats of gdb 13.1 on x86-64, from test/fixtures/mi/gdb-13.1/registers.mi
 * (mi-target stopped in registers_loaded with st0 = 1.25L and xmm0 = known_bytes):
 * - `r` (raw) pads every value to the register's width: eflags `0x00000246` (32 bits),
 *   mxcsr `0x00001f80`, rip/fs_base 16 hex digits;
 * - st0 is the 80-bit x87 extended value as 20 hex digits, `0x3fffa000000000000000` = 1.25
 *   (sign+exponent 0x3fff, explicit-integer-bit mantissa 0xa000000000000000), in `r` AND in `x`;
 * - xmm0 is not one number in either format but gdb's union
 *   `{v8_bfloat16 = {…}, v8_half, v4_float, v2_double, v16_int8, v8_int16, v4_int32, v2_int64, uint128 = 0x…}`
 *   whose `uint128` is the register (little-endian: byte 0 = 0xde is its low byte);
 * - ymm0 is a union ending in `v2_int128 = {low, high}` and may contain `<repeats 16 times>`;
 * - `x` drops leading zeros (`0x246`, `0x3020100`).
 */
describe('registers.mi: raw values', () => {
  const transcript = loadTranscript('registers');
  const expected: Record<string, bigint> = {
    eflags: 0x246n,
    st0: 0x3fffa000000000000000n,
    xmm0: 0x4950414cfffe807f03020100efbeadden,
    ymm0: 0x4950414cfffe807f03020100efbeadden,
    fs_base: 0x7ffff7dd1740n,
    mxcsr: 0x1f80n,
    rip: 0x55555555518bn,
  };

  it.each(['r', 'x'] as const)('format %s parses to the same integers', async (format) => {
    const sender = new ReplaySender(transcript);
    const names = await listRegisterNames(sender);
    expect(names.indexOf('rip')).toBe(16);
    expect(names.indexOf('fs_base')).toBe(152);
    // 271 names (8 of them "") on the recording machine, whose CPU has AVX-512 (k0-k7, zmm*);
    // the count follows the CPU's target description, so capture looks registers up by name.
    expect(names).toHaveLength(271);
    const numbers = ['rip', 'eflags', 'st0', 'xmm0', 'ymm0', 'fs_base', 'mxcsr'].map((name) => names.indexOf(name));
    const values = await listRegisterValues(sender, format, numbers);
    const parsed = Object.fromEntries(values.map(({ number, value }) => [names[number], parseRegisterValue(value)]));
    expect(parsed).toEqual(expected);
  });

  it('the raw format pads eflags to 32 bits and keeps xmm0 a union', async () => {
    const sender = new ReplaySender(transcript);
    const values = await listRegisterValues(sender, 'r', [16, 17, 24, 40, 207, 152, 56]);
    expect(values.find((reg) => reg.number === 17)?.value).toBe('0x00000246');
    expect(values.find((reg) => reg.number === 24)?.value).toBe('0x3fffa000000000000000');
    expect(values.find((reg) => reg.number === 40)?.value).toMatch(/^\{v8_bfloat16 = \{0xadde, .*, uint128 = 0x4950414cfffe807f03020100efbeadde\}$/);
  });
});

describe('parseRegisterValue', () => {
  it.each([
    ['plain hex', '0x00000246', 0x246n],
    ['decimal', '895', 895n],
    ['zmm lanes', '{v8_int64 = {0x0, 0x0}, v4_int128 = {0x1, 0x2, 0x0, 0x3}}', 1n | (2n << 128n) | (3n << 384n)],
  ])('%s', (_, text, value) => {
    expect(parseRegisterValue(text)).toBe(value);
  });

  it.each([['<unavailable>'], ['[ IF ZF PF ]'], ['{v4_float = {0x1, 0x2}}']])('rejects %j', (text) => {
    expect(() => parseRegisterValue(text)).toThrow(MiFormatError);
  });
});
