/**
 * gem5 v24 keeps x87 registers as IEEE binary64 bit patterns, not 80-bit extended values:
 * FloatReg operands are typed `df` (src/arch/x86/isa/operands.isa:86-88) and 80-bit memory
 * operands go through fp80_cvtd / fp80_cvfd (src/arch/x86/utility.cc:155-169).
 * These helpers convert a native register the same way, rounding to nearest, ties to even.
 */

const EXTENDED_BIAS = 16383n;
const DOUBLE_MIN_ULP_EXP = -1074n;
const TWO_52 = 1n << 52n;
const TWO_53 = 1n << 53n;

/** Divide `value` by 2^shift (shift may be negative) rounding to nearest, ties to even. */
function roundShift(value: bigint, shift: bigint): bigint {
  if (shift <= 0n) return value << -shift;
  const quotient = value >> shift;
  const remainder = value - (quotient << shift);
  const half = 1n << (shift - 1n);
  if (remainder > half || (remainder === half && (quotient & 1n) === 1n)) return quotient + 1n;
  return quotient;
}

function bitLength(value: bigint): bigint {
  return BigInt(value.toString(2).length);
}

/**
 * Convert a 10-byte little-endian x87 extended-precision value (Intel SDM vol. 1, 4.2.2) to the
 * 64-bit pattern of the nearest IEEE double. Infinities keep their sign, NaNs stay NaNs (quiet,
 * with the top payload bits), values beyond the double range become infinities, tiny ones
 * subnormals or zero.
 */
export function extendedToDoubleBits(bytes: Uint8Array): bigint {
  if (bytes.length !== 10) throw new RangeError(`an x87 register has 10 bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 10);
  const mantissa = view.getBigUint64(0, true);
  const signExp = view.getUint16(8, true);
  const sign = BigInt(signExp >> 15) << 63n;
  const exponent = BigInt(signExp & 0x7fff);

  if (exponent === 0x7fffn) {
    const fraction = mantissa & ((1n << 63n) - 1n);
    if (fraction === 0n) return sign | (0x7ffn << 52n);
    return sign | (0x7ffn << 52n) | (1n << 51n) | ((fraction >> 11n) & (TWO_52 - 1n));
  }
  if (mantissa === 0n) return sign;

  // value = mantissa * 2^scale; denormals (exponent 0) use the minimum exponent 1.
  const scale = (exponent === 0n ? 1n : exponent) - EXTENDED_BIAS - 63n;
  const unbiased = scale + bitLength(mantissa) - 1n;
  let ulpExp = unbiased - 52n > DOUBLE_MIN_ULP_EXP ? unbiased - 52n : DOUBLE_MIN_ULP_EXP;
  let significand = roundShift(mantissa, ulpExp - scale);
  if (significand === 0n) return sign;
  if (significand >= TWO_53) {
    significand >>= 1n;
    ulpExp += 1n;
  }
  if (significand < TWO_52) return sign | significand; // subnormal
  const field = ulpExp + 52n + 1023n;
  if (field >= 0x7ffn) return sign | (0x7ffn << 52n);
  return sign | (field << 52n) | (significand - TWO_52);
}
