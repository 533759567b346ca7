import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InstsError } from './errors.js';
import { UnsupportedTargetError } from '../errors.js';
import { libcOf, symbolFileOffset } from './elf.js';
import { COST_MODELS, type CostModel } from './methods.js';
import { PTRACE_HELPER, VALGRIND_TOOL_DIR, nativeToolStatus } from './native-tools.js';
import type { CodeLocation, InstsMethod, InstsOrigin, Marker, PointSpec, ProgramSpec, RouteAction } from './types.js';

export interface PlanOptions {
  /** Position 0: `main` (the default and the only origin the Valgrind methods support; `entry` is refused). */
  origin?: InstsOrigin;
  /** The reach method the routes are optimised for (its cost model). Default `valgrind-perf`. */
  method?: Exclude<InstsMethod, 'gdb-stepi'>;
  /** Override the method's cost model (seconds per hit, step and hop). */
  costs?: Partial<CostModel>;
  /** Positions searched backwards from each point for cheap routes (default 2^21). */
  window?: number;
  /** The native run removes the vDSO from the auxiliary vector (lapidary's default). Default true. */
  removeVdso?: boolean;
  /** End the program once the last point is planned (default: for a finite list of points). */
  stopAfterLast?: boolean;
  /** Kill the profiling run after this long (default: no limit). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Keep the profiling run's files (stack image, targets, output, the program's output) here. */
  keepDir?: string;
}

export interface InstructionPlan {
  method: Exclude<InstsMethod, 'gdb-stepi'>;
  origin: InstsOrigin;
  /** Where position 0 is (absent for `entry`: the program's first instruction). */
  originLocation?: CodeLocation;
  /** One per planned point, in order; each route starts at the previous marker. */
  markers: Marker[];
  /** Instructions from the origin to the program's end, when the profiling run reached it. */
  totalInstructions?: bigint;
  /** Every requested point was planned (false: the program ended first, or a list stopped early). */
  complete: boolean;
  /** Wall-clock seconds of the profiling run. */
  profileSeconds: number;
  /** Sum of the markers' route estimates. */
  estimatedReachSeconds: number;
  /** Conditions under which native counts may differ from the plan (threads, signals, ...). */
  warnings: string[];
}

interface PointEvent {
  event: 'point';
  count: number | string;
  pc: { object: string; offset: string; hits: number; sincePrevious: number; rep: boolean };
  route: Array<{ steps?: number; rep?: boolean; hits?: number; sincePrevious?: number; object?: string; offset?: string }>;
  cost: number;
}

export interface EndEvent {
  event: 'end';
  instructions: number;
  originReached: boolean;
  pointsReported: number;
  threads: number;
  signals: number;
  exitCode: number;
  stackMirrored: boolean;
  complete: boolean;
  /** BBV intervals written (0 without --lapinsts-bbv-interval). */
  bbvIntervals: number;
  bbvBlocks: number;
}

/** JSON.parse keeping integers beyond 2^53 exact (as strings), for positions and counts. */
function parseLine(line: string): Record<string, unknown> {
  return JSON.parse(line.replace(/([:\[,])(-?\d{16,})(?=[,\]}])/g, '$1"$2"')) as Record<string, unknown>;
}

function toRoute(route: PointEvent['route']): RouteAction[] {
  return route.map((action): RouteAction => {
    if (action.rep === true) return { kind: 'rep' };
    if (action.steps !== undefined) return { kind: 'steps', steps: action.steps };
    return { kind: 'hop', object: action.object!, offset: BigInt(action.offset!), hits: action.hits!, sincePrevious: action.sincePrevious! };
  });
}

function toMarker(point: PointEvent): Marker {
  const route = toRoute(point.route);
  return {
    count: BigInt(point.count),
    object: point.pc.object,
    offset: BigInt(point.pc.offset),
    hits: BigInt(point.pc.hits),
    rep: point.pc.rep,
    route,
    steps: route.reduce((n, a) => n + (a.kind === 'steps' ? a.steps : 0), 0),
    estimatedSeconds: point.cost,
  };
}

/** Run a process to its end; rejects on a spawn error, a timeout or an abort. */
function run(
  file: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; stdin: string; stdout: string; stderr: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const fds = [openSync(options.stdin, 'r'), openSync(options.stdout, 'w'), openSync(options.stderr, 'w')];
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: fds });
    fds.forEach((fd) => closeSync(fd));
    let timedOut = false;
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const onAbort = (): void => void child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) reject(new InstsError('the profiling run was interrupted'));
      else if (timedOut) reject(new InstsError(`the profiling run took longer than ${options.timeoutMs} ms`));
      else resolve({ code, signal });
    });
  });
}

/** Where position 0 is, as lapinsts options. */
async function originOptions(program: ProgramSpec, origin: InstsOrigin): Promise<{ args: string[]; location?: CodeLocation }> {
  if (origin === 'entry') {
    // Measured: sha256sum reaches main after 143,849 instructions under lapinsts, natively later (ld.so runs differently).
    throw new InstsError('the Valgrind methods count from main: the dynamic loader runs a different path under Valgrind before it', {
      hint: 'count from main, or use the gdb-stepi method for positions from the first instruction',
    });
  }
  const main = await symbolFileOffset(program.exe, 'main');
  if (main !== undefined) return { args: [`--lapinsts-origin=${program.exe}:0x${main.toString(16)}`], location: { object: program.exe, offset: main } };
  // A stripped program: main is the first argument of glibc's __libc_start_main (as launch.ts finds it).
  const libc = await libcOf(program.exe, program.env).catch(() => undefined);
  const start = libc === undefined ? undefined : await symbolFileOffset(libc, '__libc_start_main');
  if (libc === undefined || start === undefined) {
    throw new InstsError(`${program.exe} has no symbol "main" and does not load glibc's __libc_start_main`, {
      hint: 'count from the first instruction (origin "entry") with the gdb-stepi method',
    });
  }
  return { args: [`--lapinsts-origin-main=${libc}:0x${start.toString(16)}`] };
}

/** A profiling run's shared setup: the native initial stack and where position 0 is. */
export interface ProfileSetup {
  stackFile: string;
  originArgs: string[];
  location?: CodeLocation;
  warnings: string[];
}

export async function prepareProfile(program: ProgramSpec, origin: InstsOrigin, removeVdso: boolean, dir: string): Promise<ProfileSetup> {
  const status = await nativeToolStatus();
  if (status.valgrind === undefined) throw new InstsError('valgrind is not installed', { hint: 'install the Debian package "valgrind"' });
  if (!status.lapinstsTool || !status.ptraceHelper) throw new InstsError('the lapinsts Valgrind tool or lapidary-insts-ptrace is not built', { hint: 'run `npm run build` (with the Debian package "valgrind" installed)' });
  // The native initial stack: the program started as the native run starts it, stopped at its first instruction.
  const envFile = join(dir, 'env');
  await writeFile(envFile, program.env.map((e) => `${e}\0`).join(''));
  const stackFile = join(dir, 'stack.bin');
  const dump = await run(PTRACE_HELPER, ['--env-file', envFile, '--cwd', program.cwd, ...(removeVdso ? [] : ['--keep-vdso']),
    '--dump-stack', stackFile, '--', program.exe, ...program.argv], {
    cwd: program.cwd, env: {}, stdin: '/dev/null', stdout: join(dir, 'dump.out'), stderr: join(dir, 'dump.err'),
  });
  if (dump.code !== 0) {
    const message = (await readFile(join(dir, 'dump.out'), 'utf8').catch(() => '')).trim();
    throw new InstsError(`cannot start ${program.exe} to read its initial stack: ${message || `exit ${dump.code ?? dump.signal}`}`);
  }
  const warnings = removeVdso ? [] : ['the native run keeps the vDSO but the profiling run cannot: time functions may take other paths natively'];
  const { args, location } = await originOptions(program, origin);
  return { stackFile, originArgs: args, warnings, ...(location ? { location } : {}) };
}

export interface LapinstsRun {
  lines: Array<Record<string, unknown>>;
  end: EndEvent;
  seconds: number;
}

/** Run the program under lapinsts with `toolArgs`; the program's output goes to files in `dir`. */
export async function runLapinsts(program: ProgramSpec, setup: ProfileSetup, dir: string, toolArgs: string[], options: { timeoutMs?: number; signal?: AbortSignal }): Promise<LapinstsRun> {
  const status = await nativeToolStatus();
  const out = join(dir, 'lapinsts.jsonl');
  const args = [
    '--tool=lapinsts', '-q', '--command-line-only=yes', '--vgdb=no', '--run-libc-freeres=no', '--run-cxx-freeres=no',
    `--lapinsts-out=${out}`, `--lapinsts-stack-image=${setup.stackFile}`, ...setup.originArgs, ...toolArgs,
    program.exe, ...program.argv.slice(1),
  ];
  const started = performance.now();
  const result = await run(status.valgrind!, args, {
    cwd: program.cwd, env: { VALGRIND_LIB: VALGRIND_TOOL_DIR }, stdin: program.stdin ?? '/dev/null',
    stdout: program.stdout ?? join(dir, 'program.out'), stderr: program.stderr ?? join(dir, 'program.err'),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), ...(options.signal ? { signal: options.signal } : {}),
  });
  const seconds = (performance.now() - started) / 1000;
  const lines = (await readFile(out, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '').map(parseLine);
  const end = lines.find((l) => l.event === 'end') as EndEvent | undefined;
  if (end === undefined && result.code === 0) {
    // Valgrind without --trace-children runs an exec'd image natively and never finishes the tool.
    throw new UnsupportedTargetError(`the profiling run of ${program.exe} ended with status 0 but without lapinsts' final record: the program exec'd another program, and exact instruction counts cover one program image`, {
      hint: 'checkpoint the exec\'d program with its own create run, or use --interval, which follows execs',
    });
  }
  if (end === undefined) {
    const stderr = (await readFile(program.stderr ?? join(dir, 'program.err'), 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
    throw new InstsError(`the profiling run of ${program.exe} failed (${result.signal ?? `exit ${result.code}`})${stderr ? `:\n${stderr}` : ''}`);
  }
  if (!end.originReached) throw new InstsError(`${program.exe} never reached its origin under Valgrind`);
  if (end.threads > 1) throw new InstsError(`${program.exe} started ${end.threads - 1} more thread(s): instruction positions are for single-threaded programs`);
  return { lines, end, seconds };
}

export async function withDir<T>(keepDir: string | undefined, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = keepDir ?? (await mkdtemp(join(tmpdir(), 'lapidary-insts-')));
  await mkdir(dir, { recursive: true });
  try {
    return await body(dir);
  } finally {
    if (keepDir === undefined) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The profiling pass: run the program once under the lapinsts Valgrind tool, exactly as the
 * native run will run it (same executable, argv, environment, working directory and initial stack
 * layout; the host's CPUID), and turn each requested position into a Marker with a route from the
 * previous one. Positions count from `options.origin` (default `main`).
 * @throws InstsError if the tools are missing, the program cannot be profiled (threads), or the
 * origin is never reached.
 */
export async function planInstructionPoints(program: ProgramSpec, points: PointSpec, options: PlanOptions = {}): Promise<InstructionPlan> {
  const method = options.method ?? 'valgrind-perf';
  const costs = { ...COST_MODELS[method], ...options.costs };
  const origin = options.origin ?? 'main';
  const list = Array.isArray(points) ? [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : undefined;
  if (list !== undefined && list.some((p, i) => p <= 0n || (i > 0 && p === list[i - 1]))) throw new InstsError('positions must be positive and distinct');
  return withDir(options.keepDir, async (dir) => {
    const setup = await prepareProfile(program, origin, options.removeVdso ?? true, dir);
    const targetArgs: string[] = [];
    if (list !== undefined) {
      const targets = join(dir, 'targets');
      await writeFile(targets, list.map((p) => `${p}\n`).join(''));
      targetArgs.push(`--lapinsts-targets=${targets}`);
    } else {
      const spec = points as { first: bigint; every: bigint; max?: number };
      targetArgs.push(`--lapinsts-first=${spec.first}`, `--lapinsts-every=${spec.every}`);
      if (spec.max !== undefined) targetArgs.push(`--lapinsts-max=${spec.max}`);
    }
    const stopAfterLast = options.stopAfterLast ?? (list !== undefined || (points as { max?: number }).max !== undefined);
    const { lines, end, seconds } = await runLapinsts(program, setup, dir, [
      ...targetArgs, `--lapinsts-window=${options.window ?? 1 << 21}`,
      `--lapinsts-cost-hit=${Math.round(costs.hitSeconds * 1e9)}`, `--lapinsts-cost-step=${Math.round(costs.stepSeconds * 1e9)}`,
      `--lapinsts-cost-hop=${Math.round(costs.hopSeconds * 1e9)}`, `--lapinsts-stop-after-last=${stopAfterLast ? 'yes' : 'no'}`,
    ], options);
    const warnings = [...setup.warnings];
    if (!end.stackMirrored) warnings.push('the profiling run did not use the native initial stack');
    if (end.signals > 0) warnings.push(`the program handled ${end.signals} signal(s) during profiling: asynchronous signals arrive at other instructions natively`);
    const markers = lines.filter((l) => l.event === 'point').map((l) => toMarker(l as unknown as PointEvent));
    const originEvent = lines.find((l) => l.event === 'origin') as { object: string; offset: string } | undefined;
    const requested = list?.length ?? (points as { max?: number }).max;
    const plan: InstructionPlan = {
      method,
      origin,
      markers,
      complete: requested === undefined ? end.complete : markers.length === requested,
      profileSeconds: seconds,
      estimatedReachSeconds: markers.reduce((s, m) => s + m.estimatedSeconds, 0),
      warnings,
    };
    if (originEvent !== undefined && origin === 'main') plan.originLocation = { object: originEvent.object, offset: BigInt(originEvent.offset) };
    else if (setup.location !== undefined) plan.originLocation = setup.location;
    if (end.complete) plan.totalInstructions = BigInt(end.instructions);
    return plan;
  });
}

/**
 * A second count under Valgrind, for checking plans: the position of the `hits`-th arrival
 * (since the origin, the origin's own included) at each location, counted by a second lapinsts
 * run that adds one per instruction instead of summing segments and planning routes. It shares
 * Valgrind and the lapinsts tool with the plan, so it is not independent of them: the
 * independent reference is native ptrace single-stepping (lapidary-insts-ptrace --steps).
 * Returns undefined for a location the program does not reach that often.
 */
export async function valgrindRecount(
  program: ProgramSpec,
  markers: ReadonlyArray<CodeLocation & { hits: bigint }>,
  options: { origin?: InstsOrigin; removeVdso?: boolean; timeoutMs?: number; keepDir?: string } = {},
): Promise<Array<bigint | undefined>> {
  return withDir(options.keepDir, async (dir) => {
    const setup = await prepareProfile(program, options.origin ?? 'main', options.removeVdso ?? true, dir);
    const checkFile = join(dir, 'checks');
    await writeFile(checkFile, markers.map((m) => `${m.hits} 0x${m.offset.toString(16)} ${m.object}\n`).join(''));
    // It stops at the last location: its output goes to scratch files (regular files, like the profile's default).
    const scratch = { ...program, stdout: join(dir, 'check.out'), stderr: join(dir, 'check.err') };
    const { lines } = await runLapinsts(scratch, setup, dir, [`--lapinsts-check=${checkFile}`, '--lapinsts-stop-after-last=yes'], options);
    const counts: Array<bigint | undefined> = markers.map(() => undefined);
    for (const line of lines) {
      if (line.event !== 'check') continue;
      const count = BigInt(line.count as number | string);
      if (count >= 0n) counts[line.index as number] = count;
    }
    return counts;
  });
}
