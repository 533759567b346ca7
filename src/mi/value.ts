import { MiFormatError } from '../errors.js';
import { recordExcerpt } from './excerpt.js';

/**
 * One MI value, shaped like the grammar so that order and duplicate names survive
 * (a JS object would lose both: gdb repeats `bkpt=` in the mi2 MULTIPLE quirk).
 *
 * - `const`: a decoded c-string, e.g. `"0x401136"` → `{kind:'const', text:'0x401136'}`;
 * - `tuple`: `{a="1",b="2"}`;
 * - `valueList`: `["i1","i2"]` or `[{…},{…}]`; `[]` is an empty valueList;
 * - `resultList`: `[frame={…},frame={…}]`.
 *
 * Source: GDB manual, node "GDB/MI Output Syntax" (`value ==> const | tuple | list`).
 */
export type MiValue =
  | { kind: 'const'; text: string }
  | { kind: 'tuple'; entries: Array<[string, MiValue]> }
  | { kind: 'valueList'; items: MiValue[] }
  | { kind: 'resultList'; entries: Array<[string, MiValue]> };

/** `name=value` pairs in gdb's order, duplicates kept. */
export type MiEntries = ReadonlyArray<readonly [string, MiValue]>;

/**
 * Typed, throwing access to a sequence of `name=value` results: the results of a record,
 * or a tuple inside it. Every accessor that cannot deliver throws MiFormatError naming
 * the field and quoting the whole record line (`source`), as MIEngine's MIResultFormatException does.
 */
export class MiTuple {
  constructor(
    /** The results, in gdb's order, duplicates kept. */
    readonly entries: MiEntries,
    /** The whole record line these results came from, quoted in errors. */
    readonly source: string,
  ) {}

  /** True if a result called `name` is present. */
  has(name: string): boolean {
    return this.entries.some(([key]) => key === name);
  }

  /** The first value called `name`, or undefined. */
  get(name: string): MiValue | undefined {
    return this.entries.find(([key]) => key === name)?.[1];
  }

  /** Every value called `name`, in order (several only in gdb's duplicate-name quirks). */
  getAll(name: string): MiValue[] {
    return this.entries.filter(([key]) => key === name).map(([, value]) => value);
  }

  /** The c-string `name`; throws if absent or not a c-string. */
  str(name: string): string {
    const value = this.require(name);
    if (value.kind !== 'const') throw this.formatError(name, `is a ${value.kind}, not a c-string`);
    return value.text;
  }

  /** The c-string `name`, or undefined if absent. */
  optStr(name: string): string | undefined {
    return this.has(name) ? this.str(name) : undefined;
  }

  /** `name` as a JS safe integer written in decimal (e.g. `number="3"`, `line="-1"`). */
  int(name: string): number {
    const text = this.str(name);
    const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value)) throw this.formatError(name, `is not a decimal integer: ${brief(text)}`);
    return value;
  }

  /** `name` as a decimal integer, or undefined if absent. */
  optInt(name: string): number | undefined {
    return this.has(name) ? this.int(name) : undefined;
  }

  /** `name` as an unbounded integer, decimal or `0x` hex (register and address values). */
  bigint(name: string): bigint {
    const text = this.str(name);
    if (!/^(0x[0-9a-fA-F]+|-?\d+)$/.test(text)) throw this.formatError(name, `is not an integer: ${brief(text)}`);
    return BigInt(text);
  }

  /** `name` as an address in the target: `0x` hex only, e.g. `addr="0x0000555555555169"` → 0x555555555169n. */
  addr(name: string): bigint {
    const text = this.str(name);
    if (!/^0x[0-9a-fA-F]+$/.test(text)) throw this.formatError(name, `is not a hex address: ${brief(text)}`);
    return BigInt(text);
  }

  /** The tuple `name`, as a MiTuple quoting the same record in its errors. */
  tuple(name: string): MiTuple {
    const value = this.require(name);
    if (value.kind !== 'tuple') throw this.formatError(name, `is a ${value.kind}, not a tuple`);
    return new MiTuple(value.entries, this.source);
  }

  /** The tuple `name`, or undefined if absent. */
  optTuple(name: string): MiTuple | undefined {
    return this.has(name) ? this.tuple(name) : undefined;
  }

  /** Every value called `name`, each a tuple (the mi2 quirk `bkpt={…},{…}` gives several). */
  tuples(name: string): MiTuple[] {
    return this.getAll(name).map((value, index) => {
      if (value.kind !== 'tuple') throw this.formatError(`${name} #${index + 1}`, `is a ${value.kind}, not a tuple`);
      return new MiTuple(value.entries, this.source);
    });
  }

  /** The items of list `name`: a valueList's items, or a resultList's values with their names dropped. */
  list(name: string): MiValue[] {
    const value = this.require(name);
    if (value.kind === 'valueList') return value.items;
    if (value.kind === 'resultList') return value.entries.map(([, item]) => item);
    throw this.formatError(name, `is a ${value.kind}, not a list`);
  }

  /** List `name` whose items are all tuples (e.g. `memory=[{begin=…},…]`). */
  tupleList(name: string): MiTuple[] {
    return this.list(name).map((item, index) => {
      if (item.kind !== 'tuple') throw this.formatError(`${name}[${index}]`, `is a ${item.kind}, not a tuple`);
      return new MiTuple(item.entries, this.source);
    });
  }

  /** List `name` whose items are all c-strings (e.g. `register-names=["rax",…]`). */
  strList(name: string): string[] {
    return this.list(name).map((item, index) => {
      if (item.kind !== 'const') throw this.formatError(`${name}[${index}]`, `is a ${item.kind}, not a c-string`);
      return item.text;
    });
  }

  /** A MiFormatError about `field`, quoting the whole record. */
  formatError(field: string, problem: string): MiFormatError {
    return new MiFormatError(`MI field "${field}" ${problem} in record: ${recordExcerpt(this.source)}`);
  }

  /** JSON form: the `[name, value]` pairs (used by snapshot tests; `source` is left out). */
  toJSON(): MiEntries {
    return this.entries;
  }

  private require(name: string): MiValue {
    const value = this.get(name);
    if (value === undefined) throw this.formatError(name, 'is missing');
    return value;
  }
}

/** A field value quoted in an error message, cut to 80 characters. */
function brief(text: string): string {
  return JSON.stringify(text.length <= 80 ? text : `${text.slice(0, 80)}…`);
}
