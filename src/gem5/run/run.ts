import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { killQuietly, registerCleanup } from '../../gdb/cleanup.js';
import { classifyGem5Exit, type Gem5Failure } from './classify.js';
import { gem5Argv, type Gem5Invocation } from './invocation.js';

/** The launcher that ties gem5's life to lapidary's, built from src/native/die-with-parent.c by `npm run build`. */
export const DIE_WITH_PARENT = fileURLToPath(new URL('../../../dist/native/lapidary-die-with-parent', import.meta.url));

/** gem5's own log files when run with --redirect-stdout/--redirect-stderr (src/python/m5/main.py). */
export const GEM5_STDOUT_FILE = 'simout.txt';
export const GEM5_STDERR_FILE = 'simerr.txt';

/** One phase of a run as lapidary_gem5.py reports it. */
export interface Gem5Phase {
  name: string;
  requested: number;
  simulated: number;
  endTick: number;
}

/** The `lapidary-result` record lapidary_gem5.py prints at the end of a run. */
export interface Gem5Result {
  /** gem5's exit cause, e.g. "exiting with last active thread context". */
  cause: string;
  /** The exit event's code: the program's exit status when the program exited. */
  exitCode: number;
  tick: number;
  phases: Gem5Phase[];
}

export interface Gem5Outcome {
  argv: string[];
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  result?: Gem5Result;
  failure?: Gem5Failure;
  /** Paths of gem5's stdout and stderr logs. */
  logs: { stdout: string; stderr: string };
}

const RESULT_PREFIX = 'lapidary-result ';

/** A `lapidary-result` line that is not the record lapidary_gem5.py prints (cut short, or not JSON). */
function unreadableResult(line: string, why: string): Gem5Failure {
  return {
    kind: 'result-unreadable',
    detail: `gem5's ${RESULT_PREFIX.trim()} line cannot be read (${why}): ${line.length > 200 ? `${line.slice(0, 200)}…` : line}`,
    hint: 'the run directory\'s simout.txt was cut short or written over (a full disk, another process); run it again',
  };
}

/**
 * The last `lapidary-result` line of gem5's stdout: the result, a failure when the line is not a
 * well-formed record (never an exception: one unreadable run must not stop a batch), or
 * undefined when there is no such line.
 */
function parseResult(text: string): { result: Gem5Result } | { failure: Gem5Failure } | undefined {
  const line = text.split('\n').reverse().find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line.slice(RESULT_PREFIX.length));
  } catch (error) {
    return { failure: unreadableResult(line, (error as Error).message) };
  }
  const record = value as Partial<Gem5Result> | null;
  if (typeof record?.cause !== 'string' || typeof record.exitCode !== 'number' || typeof record.tick !== 'number' || !Array.isArray(record.phases)) {
    return { failure: unreadableResult(line, 'cause, exitCode, tick or phases missing') };
  }
  return { result: record as Gem5Result };
}

/**
 * The `lapidary-result` record of a gem5 run that wrote its output into `outdir`
 * (simout.txt), or undefined if gem5 did not get that far or the line cannot be read: for runs
 * lapidary did not spawn itself, such as gem5.debug under gdb.
 */
export async function readGem5Result(outdir: string): Promise<Gem5Result | undefined> {
  const parsed = parseResult(await readFile(join(outdir, GEM5_STDOUT_FILE), 'utf8').catch(() => ''));
  return parsed !== undefined && 'result' in parsed ? parsed.result : undefined;
}

/**
 * Run gem5 once, in its own process group, with its output in `outdir`, through
 * lapidary-die-with-parent so that it never outlives this process (or the worker thread that
 * awaits it).
 * Never throws for a failing gem5: the outcome says what happened (exit status, signal,
 * timeout, cancellation, and a classified failure, `result-unreadable` when its result line is
 * malformed). Throws only if gem5 cannot be started.
 * @param options.timeoutSeconds wall-clock limit; gem5 gets SIGTERM, then SIGKILL 5 s later.
 * @param options.onSpawn called with gem5's pid once it runs (for run records and cleanup).
 */
export async function runGem5(
  run: Gem5Invocation,
  options: { signal?: AbortSignal; timeoutSeconds?: number; onSpawn?: (pid: number) => void } = {},
): Promise<Gem5Outcome> {
  await mkdir(run.outdir, { recursive: true });
  const argv = gem5Argv(run);
  const logs = { stdout: join(run.outdir, GEM5_STDOUT_FILE), stderr: join(run.outdir, GEM5_STDERR_FILE) };
  const started = Date.now();
  // Through the launcher, gem5 gets SIGKILL when the thread that started it dies, even when
  // lapidary is killed with SIGKILL and runs no cleanup (issue 13 item 2).
  const child = execa(DIE_WITH_PARENT, [String(process.pid), run.gem5, ...argv], {
    cwd: run.outdir,
    reject: false,
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'pipe',
    detached: true,
    cleanup: true,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    ...(options.timeoutSeconds ? { timeout: options.timeoutSeconds * 1000 } : {}),
    killSignal: 'SIGTERM',
    forceKillAfterDelay: 5000,
  });
  const pid = child.pid;
  // gem5 leads its own process group; kill the group if lapidary exits or is interrupted.
  const unregister = pid === undefined ? () => {} : registerCleanup(() => killQuietly(-pid));
  if (pid !== undefined) options.onSpawn?.(pid);
  const done = await child;
  unregister();
  const [stdout, stderr] = await Promise.all(
    [logs.stdout, logs.stderr].map((path) => readFile(path, 'utf8').catch(() => '')),
  );
  const output = `${stdout}\n${stderr}\n${done.stderr ?? ''}`;
  const parsed = parseResult(stdout ?? '');
  const result = parsed !== undefined && 'result' in parsed ? parsed.result : undefined;
  const outcome: Gem5Outcome = {
    argv: [run.gem5, ...argv],
    timedOut: done.timedOut,
    cancelled: done.isCanceled,
    durationMs: Date.now() - started,
    logs,
  };
  if (done.exitCode !== undefined) outcome.exitCode = done.exitCode;
  if (done.signal !== undefined) outcome.signal = done.signal;
  if (result !== undefined) outcome.result = result;
  const failure = classifyGem5Exit(done.exitCode, done.signal, output) ?? (parsed !== undefined && 'failure' in parsed ? parsed.failure : undefined);
  if (failure !== undefined) outcome.failure = failure;
  return outcome;
}
