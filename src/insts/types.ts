/**
 * Instruction positions (docs/instruction-counting.md).
 *
 * Unit: one retired user-mode instruction of the program; a rep-prefixed string instruction
 * counts once however many iterations it makes (gem5 runs it as one macroop). Positions count
 * from an origin: position 0 is the first arrival at `main` (or at the program's first
 * instruction). The point at position T is the arrival there: T instructions have retired since
 * the origin and the instruction at the point has not executed yet. A stop of gdb there shows it.
 */

/** A location in the program that does not depend on where things are mapped. */
export interface CodeLocation {
  /** Path of the mapped file holding the instruction (as /proc/PID/maps names it). */
  object: string;
  /** File offset of the instruction in `object`. */
  offset: bigint;
}

/** Run to the `hits`-th arrival at a location after the current stop (the stop's own arrival does not count). */
export interface HopAction extends CodeLocation {
  kind: 'hop';
  hits: number;
  /** Arrivals at this location between the previous point (excluded) and the target point (included). */
  sincePrevious: number;
}

/** Execute `steps` instructions one at a time (none of them a rep string instruction). */
export interface StepAction {
  kind: 'steps';
  steps: number;
}

/** Execute one rep string instruction, all its iterations (a temporary breakpoint after it). */
export interface RepAction {
  kind: 'rep';
}

export type RouteAction = HopAction | StepAction | RepAction;

/**
 * A point of the program at an exact instruction count, identified independently of counters by
 * (pc, hits) as LoopPoint and gem5's PcCountTracker do, and the way to reach it from the previous
 * marker of the same plan (or from the origin, for the first).
 */
export interface Marker extends CodeLocation {
  /** Position: retired instructions from the origin. */
  count: bigint;
  /** Arrivals at the marker's instruction from the origin up to and including this point. */
  hits: bigint;
  /** The marker's instruction is a rep string instruction (the point is before its first iteration). */
  rep: boolean;
  /** From the previous point: counted breakpoints and single-steps. */
  route: RouteAction[];
  /** Single-steps in the route. */
  steps: number;
  /** Seconds the route is expected to take with the reach method it was planned for. */
  estimatedSeconds: number;
  /** The native address of the instruction, once reachMarker has reached it. */
  pc?: bigint;
}

/** The program a plan is for: exactly what the native run executes. */
export interface ProgramSpec {
  /** Absolute path of the executable. */
  exe: string;
  argv: string[];
  /** The whole environment, `NAME=value` strings, exactly as the native run gets it. */
  env: string[];
  cwd: string;
  /** A file for standard input (default /dev/null). */
  stdin?: string;
  /**
   * Where the profiling run writes standard output and error (default: scratch regular files).
   * glibc's stdio behaves differently on a terminal, a pipe, /dev/null (a character device: one
   * more isatty) and a regular file, so use the same kind of file the native run writes to.
   */
  stdout?: string;
  stderr?: string;
}

/** Where position 0 is. */
export type InstsOrigin = 'main' | 'entry';

/**
 * How positions are reached.
 * - `valgrind-perf`: one profiling pass under the lapinsts Valgrind tool plans markers; the native
 *   run reaches each with instruction breakpoints counted by the kernel (perf breakpoint events,
 *   no hardware PMU needed) and a few gdb single-steps.
 * - `valgrind-gdb`: the same plan; gdb's own counted breakpoints (`-break-insert -i`), which stop
 *   the program at every hit: for when perf breakpoint events are not allowed.
 * - `gdb-stepi`: gdb single-steps every instruction; exact from any origin, about 3,000/s.
 */
export type InstsMethod = 'valgrind-perf' | 'valgrind-gdb' | 'gdb-stepi';

/** Which positions to plan: a list, or a first position then one every `every` until the end (or `max` points). */
export type PointSpec = bigint[] | { first: bigint; every: bigint; max?: number };
