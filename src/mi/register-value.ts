import { MiFormatError } from '../errors.js';

/**
 * The integer held by a register, from the text `-data-list-register-values` prints in the
 * `r` (raw) or `x` (hex) format on gdb 13.1 / x86-64:
 *
 * | register        | text                                                              | result |
 * |-----------------|-------------------------------------------------------------------|--------|
 * | rip, fs_base    | `0x000055555555518b`                                              | the value |
 * | eflags, mxcsr   | `0x00000246`, `0x00001f80` (32 bits)                              | the value |
 * | st0…st7         | `0x3fffa000000000000000` (80-bit x87 extended: 1.25; also in `x`) | the 80 bits |
 * | xmm0…xmm15      | `{v8_bfloat16 = {…}, …, v2_int64 = {…}, uint128 = 0x4950…adde}`   | `uint128` |
 * | ymm0…, zmm0…    | `{…, v2_int128 = {0xLOW, 0xHIGH}}` / `v4_int128 = {…}`            | lanes joined, lane 0 lowest |
 *
 * Vector registers are little-endian: byte 0 of xmm0 is the lowest byte of `uint128`.
 * Throws MiFormatError for anything else (e.g. `<unavailable>`, or the natural format's `[ IF ZF ]`).
 */
export function parseRegisterValue(text: string): bigint {
  if (/^(0x[0-9a-fA-F]+|-?\d+)$/.test(text)) return BigInt(text);
  const uint128 = /(?:^\{|, )uint128 = (0x[0-9a-fA-F]+)\}$/.exec(text);
  if (uint128?.[1] !== undefined) return BigInt(uint128[1]);
  const int128Lanes = /(?:^\{|, )v\d+_int128 = \{(0x[0-9a-fA-F]+(?:, 0x[0-9a-fA-F]+)*)\}\}$/.exec(text);
  if (int128Lanes?.[1] !== undefined) {
    return int128Lanes[1]
      .split(', ')
      .reduce((value, lane, index) => value | (BigInt(lane) << BigInt(128 * index)), 0n);
  }
  throw new MiFormatError(`register value is not a number or a vector union gdb prints in raw/hex format: "${text.slice(0, 200)}"`);
}
