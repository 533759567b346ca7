import { describe, expect, it } from 'vitest';
import { extendedToDoubleBits } from '../../../src/gem5/checkpoint/x87.js';

/** An 80-bit value from sign, biased exponent and 64-bit mantissa (explicit integer bit). */
function ext(sign: number, exponent: number, mantissa: bigint): Uint8Array {
  const bytes = new Uint8Array(10);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, mantissa, true);
  view.setUint16(8, (sign << 15) | exponent, true);
  return bytes;
}
const ONE = 1n << 63n;
/** The double a 10-byte x87 value becomes in gem5's checkpoint. */
const extendedToNumber = (bytes: Uint8Array): number => {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, extendedToDoubleBits(bytes), true);
  return view.getFloat64(0, true);
};
const doubleBits = (x: number): bigint => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x, true);
  return view.getBigUint64(0, true);
};

describe('x87 extended precision to gem5 double', () => {
  it.each([
    ['1.0', ext(0, 16383, ONE), 1],
    ['1.5', ext(0, 16383, ONE | (1n << 62n)), 1.5],
    ['-2.25', ext(1, 16384, ONE | (1n << 60n)), -2.25],
    ['0', ext(0, 0, 0n), 0],
    ['the smallest normal double', ext(0, 16383 - 1022, ONE), 2 ** -1022],
    ['the largest double', ext(0, 16383 + 1023, (1n << 64n) - (1n << 11n)), Number.MAX_VALUE],
  ])('converts %s exactly', (_name, bytes, expected) => {
    expect(extendedToNumber(bytes)).toBe(expected);
  });

  it('keeps the sign of zero and of infinities', () => {
    expect(extendedToDoubleBits(ext(1, 0, 0n))).toBe(1n << 63n);
    expect(extendedToNumber(ext(0, 0x7fff, ONE))).toBe(Infinity);
    expect(extendedToNumber(ext(1, 0x7fff, ONE))).toBe(-Infinity);
  });

  it('keeps NaNs NaN', () => {
    expect(Number.isNaN(extendedToNumber(ext(0, 0x7fff, ONE | 1n)))).toBe(true);
    expect(Number.isNaN(extendedToNumber(ext(1, 0x7fff, ONE | (1n << 62n))))).toBe(true);
  });

  it('rounds the 11 extra mantissa bits to nearest, ties to even', () => {
    // 1 + 2^-53 is halfway between 1 and the next double: ties to even gives 1.
    expect(extendedToNumber(ext(0, 16383, ONE | (1n << 10n)))).toBe(1);
    // 1 + 3*2^-53 is halfway between 1+2^-52 and 1+2^-51: ties to even gives 1+2^-51.
    expect(extendedToNumber(ext(0, 16383, ONE | (3n << 10n)))).toBe(1 + 2 ** -51);
    // just above halfway rounds up
    expect(extendedToNumber(ext(0, 16383, ONE | (1n << 10n) | 1n))).toBe(1 + 2 ** -52);
    // rounding up into the next binade
    expect(extendedToNumber(ext(0, 16383, (1n << 64n) - 1n))).toBe(2);
  });

  it('turns values beyond the double range into infinity and tiny ones into subnormals or zero', () => {
    expect(extendedToNumber(ext(0, 16383 + 1024, ONE))).toBe(Infinity);
    expect(extendedToDoubleBits(ext(0, 16383 - 1074, ONE))).toBe(1n); // 2^-1074, the smallest subnormal
    expect(extendedToDoubleBits(ext(0, 16383 - 1023, ONE))).toBe(doubleBits(2 ** -1023));
    expect(extendedToNumber(ext(0, 16383 - 1080, ONE))).toBe(0);
    expect(extendedToNumber(ext(0, 1, ONE))).toBe(0); // the smallest normal extended
  });

  it('agrees with a long double computed natively (1/3 as stored by x87)', () => {
    // 1/3 in extended precision: 0x3ffd aaaaaaaaaaaaaaab
    expect(extendedToNumber(ext(0, 0x3ffd, 0xaaaaaaaaaaaaaaabn))).toBe(1 / 3);
  });
});
