import { quoteCString } from '../cstring.js';
import type { MiTuple } from '../value.js';
import type { MiCommandSender } from './sender.js';

/** Breakpoints. Source: GDB manual, nodes "GDB/MI Breakpoint Commands" and "GDB/MI Breakpoint Information". */

/** One place a breakpoint is planted (`1`, or `2.1`, `2.2` when it has several). */
export interface BreakpointLocation {
  /** gdb's location number, e.g. `"2.1"` (a string: it is dotted). */
  id: string;
  /** Address in the target; before `-exec-run` of a PIE this is the unrelocated link-time address. */
  addr: bigint;
  func?: string;
  file?: string;
  line?: number;
}

/** A breakpoint as `-break-insert` reports it. */
export interface Breakpoint {
  number: number;
  /** `addr="<PENDING>"`: gdb could not resolve the location yet (e.g. in a library not loaded). */
  pending: boolean;
  /** Where it is planted: one entry, several for `addr="<MULTIPLE>"`, none while pending. */
  locations: BreakpointLocation[];
}

/** Options of `-break-insert`. */
export interface InsertBreakpointOptions {
  /** `-t`: delete the breakpoint after its first hit. */
  temporary?: boolean;
  /** `-i N`: let the breakpoint be passed N times before it stops the program. */
  ignoreCount?: number;
  /** `-c COND`: stop only when the C expression is true. */
  condition?: string;
}

/**
 * `-break-insert [-t] [-i N] [-c COND] LOCATION` → the breakpoint, its number and addresses.
 * `location` is anything gdb's `break` accepts: `main`, `file.c:42`, `*0x401136`.
 * Reads both shapes of a breakpoint with several locations: mi3's `locations=[{…},{…}]` and the
 * mi2 quirk `bkpt={…},{…},{…}` (parsed as repeated `bkpt` entries).
 */
export async function insertBreakpoint(
  sender: MiCommandSender,
  location: string,
  options: InsertBreakpointOptions = {},
): Promise<Breakpoint> {
  const flags = [
    options.temporary === true ? '-t' : '',
    options.ignoreCount !== undefined ? `-i ${options.ignoreCount}` : '',
    options.condition !== undefined ? `-c ${quoteCString(options.condition)}` : '',
  ].filter((flag) => flag !== '');
  const record = await sender.send(['-break-insert', ...flags, quoteCString(location)].join(' '));
  const [main, ...mi2Locations] = record.results.tuples('bkpt');
  if (main === undefined) throw record.results.formatError('bkpt', 'is missing');
  return readBreakpoint(main, mi2Locations);
}

/** `-break-delete N…`: delete breakpoints by number. */
export async function deleteBreakpoints(sender: MiCommandSender, numbers: readonly number[]): Promise<void> {
  if (numbers.length > 0) await sender.send(`-break-delete ${numbers.join(' ')}`);
}

/** A breakpoint tuple, plus the location tuples that followed it in the mi2 quirk. */
export function readBreakpoint(bkpt: MiTuple, mi2Locations: readonly MiTuple[] = []): Breakpoint {
  const addr = bkpt.optStr('addr');
  const number = bkpt.int('number');
  if (addr === '<PENDING>') return { number, pending: true, locations: [] };
  if (addr !== '<MULTIPLE>') return { number, pending: false, locations: [readLocation(bkpt, String(number))] };
  const locations = bkpt.has('locations') ? bkpt.tupleList('locations') : mi2Locations;
  return { number, pending: false, locations: locations.map((location) => readLocation(location, location.str('number'))) };
}

function readLocation(tuple: MiTuple, id: string): BreakpointLocation {
  const location: BreakpointLocation = { id, addr: tuple.addr('addr') };
  const func = tuple.optStr('func');
  if (func !== undefined) location.func = func;
  const file = tuple.optStr('fullname') ?? tuple.optStr('file');
  if (file !== undefined) location.file = file;
  const line = tuple.optInt('line');
  if (line !== undefined) location.line = line;
  return location;
}
