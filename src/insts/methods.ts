import { InstsError } from './errors.js';
import { nativeToolStatus } from './native-tools.js';
import type { InstsMethod, InstsOrigin } from './types.js';

/**
 * What reaching a marker costs natively, in seconds: per counted breakpoint hit, per gdb
 * single-step (`stepi N`), and per hop (arming, resuming, the stop, MI round trips). The planner
 * minimises hops*hop + hits*hit + steps*step. Measured on this project's reference machine (a
 * 2-core KVM guest, AMD EPYC, kernel 6.18, gdb 13.1, beside a 2-job gem5 build; bench/insts and
 * docs/instruction-counting.md): perf breakpoint hits ~9 µs, gdb ignore-count hits 0.2-1.3 ms,
 * gdb `stepi N` ~100 µs a step, the profiling pass 8e7-1.5e8 instructions/s.
 */
export interface CostModel {
  hitSeconds: number;
  stepSeconds: number;
  hopSeconds: number;
  /** Instructions per second of the lapinsts profiling pass (for estimates before the run). */
  profileInstructionsPerSecond: number;
}

export const COST_MODELS: Record<Exclude<InstsMethod, 'gdb-stepi'>, CostModel> = {
  'valgrind-perf': { hitSeconds: 9e-6, stepSeconds: 1e-4, hopSeconds: 5e-3, profileInstructionsPerSecond: 5e7 },
  'valgrind-gdb': { hitSeconds: 5e-4, stepSeconds: 1e-4, hopSeconds: 5e-3, profileInstructionsPerSecond: 5e7 },
};

/** gdb `-exec-step-instruction`, one MI round trip per instruction (1,700-3,300/s measured). */
export const STEPI_INSTRUCTIONS_PER_SECOND = 3000;

export interface MethodAvailability {
  method: InstsMethod;
  available: boolean;
  /** Why not, when unavailable. */
  reason?: string;
  /** One line for the user. */
  description: string;
}

const DESCRIPTIONS: Record<InstsMethod, string> = {
  'valgrind-perf': 'one profiling pass under Valgrind (lapinsts) plans (pc, count) markers; the native run reaches each with kernel-counted instruction breakpoints (perf breakpoint events, no PMU needed) and a few single-steps',
  'valgrind-gdb': 'one profiling pass under Valgrind (lapinsts) plans (pc, count) markers; the native run reaches each with gdb ignore-count breakpoints (a stop per hit) and a few single-steps',
  'gdb-stepi': 'gdb single-steps every instruction (exact from any origin, about 3,000 instructions per second)',
};

/** Preference order when nothing is forced. */
const ORDER: InstsMethod[] = ['valgrind-perf', 'valgrind-gdb', 'gdb-stepi'];

/**
 * The methods of reaching exact instruction positions on this machine, best first. (A hardware
 * PMU method, counting retired instructions with perf_event_open, is not implemented; the probe
 * result is in nativeToolStatus().pmu.)
 */
export async function methodsAvailable(): Promise<MethodAvailability[]> {
  const status = await nativeToolStatus();
  const valgrindMissing = status.valgrind === undefined
    ? 'valgrind is not installed (Debian package "valgrind")'
    : !status.lapinstsTool || !status.ptraceHelper
      ? 'the lapinsts Valgrind tool is not built (npm run build, with the Debian package "valgrind")'
      : undefined;
  const perfMissing = !status.hwbpHelper
    ? 'lapidary-insts-hwbp is not built (npm run build)'
    : !status.perfBreakpoints
      ? `perf breakpoint events are not allowed here (${status.perfBreakpointError ?? 'unknown error'}; see /proc/sys/kernel/perf_event_paranoid)`
      : undefined;
  const reasons: Record<InstsMethod, string | undefined> = {
    'valgrind-perf': valgrindMissing ?? perfMissing,
    'valgrind-gdb': valgrindMissing,
    'gdb-stepi': undefined,
  };
  return ORDER.map((method) => {
    const reason = reasons[method];
    return { method, available: reason === undefined, description: DESCRIPTIONS[method], ...(reason === undefined ? {} : { reason }) };
  });
}

/**
 * The method to use: `forced` if given (it must be available), else the best available one.
 * The Valgrind methods count from `main` only (Valgrind runs a different start-up before it).
 * @throws InstsError when the forced method is unavailable or does not support the origin.
 */
export async function chooseMethod(forced: InstsMethod | undefined, origin: InstsOrigin = 'main'): Promise<InstsMethod> {
  const methods = await methodsAvailable();
  if (forced !== undefined) {
    const entry = methods.find((m) => m.method === forced);
    if (entry === undefined) throw new InstsError(`unknown instruction-count method "${forced}"`, { hint: `use one of ${ORDER.join(', ')}` });
    if (!entry.available) throw new InstsError(`instruction-count method ${forced} is not available: ${entry.reason}`);
    if (origin === 'entry' && forced !== 'gdb-stepi') throw new InstsError(`${forced} counts from main; counting from the first instruction needs gdb-stepi`);
    return forced;
  }
  if (origin === 'entry') return 'gdb-stepi';
  return methods.find((m) => m.available)!.method;
}

export interface CostEstimate {
  method: InstsMethod;
  /** Profiling pass (Valgrind methods). */
  profileSeconds: number;
  /** Reaching the points natively (beyond native execution itself). */
  reachSeconds: number;
  seconds: number;
  /** One line to print before the run. */
  text: string;
}

function human(seconds: number): string {
  if (seconds < 1) return `${Math.max(1, Math.round(seconds * 1000))} ms`;
  if (seconds < 120) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(0)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * Expected cost before the run, from the last position wanted and the number of points (typical
 * routes: two hops and 10^4 hits per point; the plan gives the exact route estimate).
 * `lastPosition` undefined: points until the program ends, length unknown.
 */
export function estimateCost(method: InstsMethod, work: { lastPosition?: bigint; points: number }): CostEstimate {
  const last = work.lastPosition === undefined ? undefined : Number(work.lastPosition);
  let profileSeconds = 0;
  let reachSeconds = 0;
  let text: string;
  if (method === 'gdb-stepi') {
    reachSeconds = last === undefined ? Number.POSITIVE_INFINITY : last / STEPI_INSTRUCTIONS_PER_SECOND;
    text = `instruction positions by ${method} (${DESCRIPTIONS[method]}): expected ${last === undefined ? '~' + human(1e8 / STEPI_INSTRUCTIONS_PER_SECOND) + ' per 10^8 instructions' : human(reachSeconds)}`;
  } else {
    const model = COST_MODELS[method];
    profileSeconds = last === undefined ? Number.NaN : last / model.profileInstructionsPerSecond;
    reachSeconds = work.points * (2 * model.hopSeconds + 1e4 * model.hitSeconds);
    const profile = last === undefined ? `~${human(1e8 / model.profileInstructionsPerSecond)} per 10^8 instructions of profiling` : `~${human(profileSeconds)} profiling`;
    text = `instruction positions by ${method} (${DESCRIPTIONS[method]}): expected ${profile}, then ~${human(reachSeconds / Math.max(1, work.points))} per checkpoint to reach it natively`;
  }
  const seconds = profileSeconds + reachSeconds;
  return { method, profileSeconds, reachSeconds, seconds, text };
}
