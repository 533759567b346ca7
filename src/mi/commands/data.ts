import { MiCommandError } from '../../errors.js';
import { quoteCString } from '../cstring.js';
import type { MiCommandSender } from './sender.js';

/** Registers, expressions and memory. Source: GDB manual, node "GDB/MI Data Manipulation". */

/**
 * `-data-list-register-names` → names indexed by register number; `""` marks numbers with no
 * register. gdb 13.1 on x86-64 Linux: rip=16, eflags=17, st0=24, xmm0=40, mxcsr=56; how many
 * there are (223, or 271 on a CPU with AVX-512) and where fs_base, gs_base, ymm0… sit follow the
 * CPU's target description, so look registers up by name.
 */
export async function listRegisterNames(sender: MiCommandSender): Promise<string[]> {
  const record = await sender.send('-data-list-register-names');
  return record.results.strList('register-names');
}

/**
 * Formats of `-data-list-register-values`: `r` raw (fixed width, zero-padded hex of the register's
 * bytes), `x` hex (leading zeros dropped). Both print vector registers as a union, not one number;
 * see parseRegisterValue.
 */
export type RegisterFormat = 'r' | 'x';

/** One register as gdb printed it: `number` as in listRegisterNames, `value` the raw text. */
export interface RegisterValue {
  number: number;
  value: string;
}

/**
 * `-data-list-register-values [--skip-unavailable] FMT [REGNO…]` → values in gdb's order.
 * With no `registerNumbers`, every register (≈18 KB of text on x86-64). Examples in raw (`r`) format:
 * rip `0x000055555555518b`, eflags `0x00000246` (32 bits), st0 `0x3fffa000000000000000` (the 80-bit
 * x87 register as 20 hex digits: 1.25), mxcsr `0x00001f80`, xmm0 `{v8_bfloat16 = {…}, …, uint128 = 0x…}`.
 */
export async function listRegisterValues(
  sender: MiCommandSender,
  format: RegisterFormat,
  registerNumbers: readonly number[] = [],
  options: { skipUnavailable?: boolean } = {},
): Promise<RegisterValue[]> {
  const skip = options.skipUnavailable === true ? '--skip-unavailable ' : '';
  const record = await sender.send(`-data-list-register-values ${skip}${format} ${registerNumbers.join(' ')}`.trimEnd());
  return record.results.tupleList('register-values').map((item) => ({ number: item.int('number'), value: item.str('value') }));
}

/** `-data-evaluate-expression "EXPR"` → the value as gdb prints it, e.g. `"42"`, `"0x4010 <known_bytes>"`. */
export async function evaluateExpression(sender: MiCommandSender, expression: string): Promise<string> {
  const record = await sender.send(`-data-evaluate-expression ${quoteCString(expression)}`);
  return record.results.str('value');
}

/**
 * One readable block of a `-data-read-memory-bytes` reply: bytes at target addresses [begin, end).
 * (gdb's `offset` field, the distance from the requested address to `begin`, is left out.)
 */
export interface MemoryBlock {
  begin: bigint;
  end: bigint;
  contents: Uint8Array;
}

/**
 * `-data-read-memory-bytes ADDR COUNT` → the readable blocks (gdb leaves out unreadable parts;
 * if nothing is readable it answers `^error`). `address` is a target address or a gdb expression
 * such as `"&known_bytes"`. Throughput is ≈20–26 MiB/s (hex over a pipe): prefer /proc/PID/mem for bulk.
 */
export async function readMemoryBlocks(sender: MiCommandSender, address: bigint | string, count: number): Promise<MemoryBlock[]> {
  const where = typeof address === 'bigint' ? `0x${address.toString(16)}` : quoteCString(address);
  const record = await sender.send(`-data-read-memory-bytes ${where} ${count}`);
  return record.results.tupleList('memory').map((block) => {
    const begin = block.addr('begin');
    const end = block.addr('end');
    const hex = block.str('contents');
    if (hex.length !== Number(end - begin) * 2 || !/^[0-9a-fA-F]*$/.test(hex)) {
      throw block.formatError('contents', `does not hold ${end - begin} bytes of hex`);
    }
    return { begin, end, contents: Buffer.from(hex, 'hex') };
  });
}

/**
 * `count` bytes at `address`, all of them, or MiCommandError naming the part gdb could not read.
 * See readMemoryBlocks for `address`.
 */
export async function readMemoryBytes(sender: MiCommandSender, address: bigint | string, count: number): Promise<Uint8Array> {
  const blocks = await readMemoryBlocks(sender, address, count);
  const [only] = blocks;
  if (blocks.length === 1 && only !== undefined && only.contents.length === count) return only.contents;
  const got = blocks.reduce((total, block) => total + block.contents.length, 0);
  throw new MiCommandError(`-data-read-memory-bytes ${String(address)} ${count}`, `only ${got} of ${count} bytes are readable`);
}
