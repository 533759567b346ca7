/**
 * gem5 v24 `stats.txt` → one record of numbers per dump, and the CPI of a measured window.
 *
 * Format, from gem5 v24.0.0.1 src/base/stats/text.cc: each `m5.stats.dump()` appends
 *   "\n---------- Begin Simulation Statistics ----------\n" … "\n---------- End Simulation Statistics   ----------\n"
 * and one line per stat: `name value [pdf% cdf%] [# description] [(unit)]`, where the value is
 * fixed-point, `nan` or `inf` (ValueToString), vectors print `name::subname` lines and usually
 * `name::total`, 2-d vectors `name_x::y`, distributions `name::samples`, `::mean`, `::stdev`,
 * `::underflows`, `::<lo>-<hi>` buckets, `::overflows`, `::min_value`, `::max_value`, `::total`.
 * Columns are space-padded unless the output was opened with `spaces=False`, and the description
 * and unit are absent with `desc=False`. Stats whose prereq is zero, or flagged nozero/nonan and
 * zero/NaN, are not printed at all: a missing counter often means 0.
 */
import { LapidaryError } from '../../errors.js';

/** A stats.txt that does not follow gem5's text format, or lacks the stats a caller needs. */
export class StatsFormatError extends LapidaryError {
  readonly code = 'LAPIDARY_STATS_INVALID' as const;
}

/** Description and unit of one stat, as printed after `#` (unit like `Cycle`, `(Count/Second)`). */
export interface StatInfo {
  description?: string;
  unit?: string;
}

/** One `Begin … End Simulation Statistics` block. */
export interface StatsDump {
  /** 0-based position of the dump in the file. */
  index: number;
  /** 1-based line number of its Begin marker. */
  line: number;
  /** False when the file ended before the End marker (gem5 killed while dumping). */
  complete: boolean;
  /** Stat name → value; NaN for `nan`, ±Infinity for `inf`. Null-prototype object. */
  values: Record<string, number>;
  /** Stat name → description/unit, for stats printed with one. Null-prototype object. */
  info: Record<string, StatInfo>;
}

const BEGIN = /^-+ Begin Simulation Statistics -+$/;
const END = /^-+ End Simulation Statistics\s+-+$/;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i;
const PERCENT = /^(?:[-+]?(?:\d+\.?\d*|\.\d+)|-?inf|nan)%$/;

function parseValue(token: string): number | undefined {
  if (NUMBER.test(token)) return Number(token);
  if (token === 'nan' || token === '-nan') return NaN;
  if (token === 'inf' || token === '+inf') return Infinity;
  if (token === '-inf') return -Infinity;
  return undefined;
}

/** Split `# description (unit)` or `(unit)`; the unit is the trailing balanced parenthesis group. */
function parseTail(tail: string): StatInfo | undefined {
  if (tail === '') return {};
  let text = tail;
  let description: string | undefined;
  if (text.startsWith('#')) text = text.slice(1).trim();
  else if (!text.startsWith('(')) return undefined;
  let unit: string | undefined;
  if (text.endsWith(')')) {
    let depth = 0;
    for (let i = text.length - 1; i >= 0; i--) {
      if (text[i] === ')') depth++;
      else if (text[i] === '(' && --depth === 0) {
        if (i === 0 || text[i - 1] === ' ') {
          unit = text.slice(i + 1, -1);
          text = text.slice(0, i).trimEnd();
        }
        break;
      }
    }
  }
  if (tail.startsWith('#')) description = text;
  else if (text !== '') return undefined;
  return { ...(description ? { description } : {}), ...(unit !== undefined ? { unit } : {}) };
}

/**
 * Parse one stat line into (name, value, info) entries. A `oneline`-flagged vector (Garnet) puts
 * every element on one line as `name |v pdf cdf |v …`; its elements are named `name::0`, `::1`, ….
 * @returns undefined if the line is not a stat line.
 */
function parseStatLine(line: string): Array<[string, number, StatInfo]> | undefined {
  const m = /^(\S+)\s+(.*)$/.exec(line.trim());
  if (!m) return undefined;
  const [, name, rest] = m as unknown as [string, string, string];
  const hash = rest.indexOf('#');
  const body = (hash < 0 ? rest : rest.slice(0, hash)).trim();
  if (body.startsWith('|')) {
    const info = parseTail(hash < 0 ? '' : rest.slice(hash).trim());
    const cells = body.slice(1).split('|').map((c) => c.trim().split(/\s+/)[0] ?? '');
    const values = cells.map(parseValue);
    if (info === undefined || values.some((v) => v === undefined)) return undefined;
    return values.map((v, i) => [`${name}::${i}`, v!, info]);
  }
  // value, then up to two `NN.NN%` columns (pdf, cdf), then the optional `# description (unit)`.
  const cols = /^(\S+)((?:\s+\S+%){0,2})(?:\s+(.*))?$/.exec(rest);
  const value = cols ? parseValue(cols[1]!) : undefined;
  if (cols === null || value === undefined) return undefined;
  if (!(cols[2] ?? '').trim().split(/\s+/).every((t) => t === '' || PERCENT.test(t))) return undefined;
  const info = parseTail((cols[3] ?? '').trim());
  return info === undefined ? undefined : [[name, value, info]];
}

/**
 * Parse a whole gem5 stats.txt into its dumps, in file order.
 * A last line without a newline is dropped (it may be cut short), and a dump without its End
 * marker is returned with `complete: false`.
 * @param source file name used in error messages.
 * @throws StatsFormatError on a line that is neither a marker nor a stat line, or on text
 *   outside a dump.
 */
export function parseStats(text: string, source = 'stats.txt'): StatsDump[] {
  const lines = text.split('\n');
  if (!text.endsWith('\n')) lines.pop();
  const dumps: StatsDump[] = [];
  let open: StatsDump | undefined;
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const where = `${source}:${i + 1}`;
    if (BEGIN.test(line)) {
      open = {
        index: dumps.length,
        line: i + 1,
        complete: false,
        values: Object.create(null) as Record<string, number>,
        info: Object.create(null) as Record<string, StatInfo>,
      };
      dumps.push(open);
    } else if (END.test(line)) {
      if (open === undefined) throw new StatsFormatError(`${where}: End marker without a Begin marker`);
      open.complete = true;
      open = undefined;
    } else {
      if (open === undefined) {
        throw new StatsFormatError(`${where}: text outside a statistics dump: ${line.slice(0, 80)}`, {
          hint: 'is this a gem5 stats.txt (text format)?',
        });
      }
      const entries = parseStatLine(line);
      if (entries === undefined) throw new StatsFormatError(`${where}: not a gem5 stat line: ${line.slice(0, 120)}`);
      for (const [name, value, info] of entries) {
        open.values[name] = value;
        if (info.description !== undefined || info.unit !== undefined) open.info[name] = info;
      }
    }
  });
  return dumps;
}

/** Where a CPI came from: the counters read and their sums. */
export interface CpiReading {
  /** cycles / instructions (cycles per instruction). */
  cpi: number;
  /** CPU cycles in the window (cycles): `<cpu>.numCycles`. */
  cycles: number;
  /** Committed instructions in the window (instructions), summed over hardware threads. */
  instructions: number;
  /** Names of the stats read, cycles first. */
  stats: string[];
}

/** Sum of the per-thread counters `<cpu><name(t)>` for t = 0, 1, … while `<cpu><probe(t)>` exists. */
function perThread(values: Record<string, number>, cpu: string, name: (t: number) => string, probe = name) {
  const stats: string[] = [];
  let sum = 0;
  for (let t = 0; `${cpu}${probe(t)}` in values; t++) {
    stats.push(`${cpu}${name(t)}`);
    sum += values[`${cpu}${name(t)}`] ?? 0; // absent: prereq hid a zero
  }
  return stats.length > 0 ? { stats, sum } : undefined;
}

/**
 * Committed-instruction counter of a CPU in gem5 ≥ v23.0, every CPU model
 * (BaseCPU::CommitCPUStats, src/cpu/base.cc): `<cpu>.commitStats<t>.numInsts`, summed over
 * hardware threads t, found through `numOps` because `numInsts` has a prereq on itself and
 * vanishes when 0. O3 (o3/commit.cc), Minor (minor/execute.cc), Timing and Atomic
 * (simple/base.cc) and KVM all increment it. (lapidary restores only into gem5 v24, so the older
 * names `committedInsts`, `exec_context.thread_<t>.numInsts` are not read.)
 * Not used: `simInsts` (a functor over never-reset counters, so it includes warm-up) and
 * `<cpu>.thread_<t>.numInsts` (stays 0 on the simple CPUs in v24).
 */
function instructionsOf(values: Record<string, number>, cpu: string) {
  return perThread(values, cpu, (t) => `.commitStats${t}.numInsts`, (t) => `.commitStats${t}.numOps`);
}

/** Prefixes of the CPUs in a dump (every BaseCPU prints `<prefix>.numCycles`), in file order. */
export function findCpuPrefixes(dump: Pick<StatsDump, 'values'>): string[] {
  return Object.keys(dump.values)
    .filter((k) => k.endsWith('.numCycles') && !k.includes('::'))
    .map((k) => k.slice(0, -'.numCycles'.length));
}

/**
 * Cycles, committed instructions and CPI of one CPU over the window a dump covers: the dump must
 * follow a stats reset at the start of the measured window (`m5.stats.reset()` after warm-up), as
 * config/lapidary_gem5.py does. CPI = `<cpu>.numCycles` / committed instructions
 * (see the counter list at `instructionsOf`); the same for O3, Minor, TimingSimple and
 * AtomicSimple, which all count `numCycles` in BaseCPU (v24: o3/cpu.cc, minor/pipeline.cc,
 * simple/timing.cc, simple/atomic.cc). Formulas `<cpu>.cpi` are not read: they are rounded to 6
 * decimals and wrong for a diffed window.
 * @param cpuPrefix e.g. `system.cpu`, `system.switch_cpus` (se.py after a CPU switch),
 *   `board.processor.cores.core` (stdlib).
 * @throws StatsFormatError if the CPU is not in the dump or committed no instructions.
 */
export function readCpi(dump: Pick<StatsDump, 'values'>, cpuPrefix: string): CpiReading {
  const v = dump.values;
  const cpus = () => findCpuPrefixes(dump);
  const active = () => cpus().filter((p) => p !== cpuPrefix && (instructionsOf(v, p)?.sum ?? 0) > 0);
  const cyclesStat = `${cpuPrefix}.numCycles`;
  const cycles = v[cyclesStat];
  if (cycles === undefined) {
    throw new StatsFormatError(`no stat ${cyclesStat} in this dump`, {
      hint: `CPUs in this dump: ${cpus().join(', ') || 'none'}`,
    });
  }
  const insts = instructionsOf(v, cpuPrefix);
  if (insts === undefined) throw new StatsFormatError(`no committed-instruction counter for ${cpuPrefix}`);
  if (!(insts.sum > 0)) {
    throw new StatsFormatError(`${cpuPrefix} committed no instructions in this dump (${cycles} cycles)`, {
      hint:
        active().length > 0
          ? `CPUs that did commit instructions: ${active().join(', ')}`
          : 'the CPU may have stalled or been switched out',
    });
  }
  return { cpi: cycles / insts.sum, cycles, instructions: insts.sum, stats: [cyclesStat, ...insts.stats] };
}
