/**
 * Records real gdb/MI transcripts of lapidary's own commands on fixtures/c/mi-target.c into
 * test/fixtures/mi/gdb-<version>/<scenario>.mi (`> sent` / `< received` lines, `#` header).
 * The golden tests in test/mi parse every `<` line of them; test/gdb/transcript-drift.test.ts
 * re-records them on the installed gdb and compares their shapes.
 *
 * Run from the repository root (Node 20 cannot run TypeScript, so compile it first):
 *
 *   npx tsc --outDir /tmp/lapidary-record-mi --rootDir . --module nodenext --target es2022 \
 *     --types node --skipLibCheck scripts/record-mi.ts && node /tmp/lapidary-record-mi/scripts/record-mi.js [scenario…]
 *
 * then re-run the golden tests with `npx vitest run test/mi -u` to refresh the *.records.json snapshots.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GdbSession } from '../src/gdb/index.js';
import {
  evaluateExpression, execArguments, execContinue, execRun, fileExecAndSymbols, insertBreakpoint,
  listRegisterNames, listRegisterValues, readMemoryBlocks, threadInfo,
} from '../src/mi/index.js';

/** Where the program is compiled for the stored transcripts; fixed, because its path is part of them. */
export const BUILD_DIR = '/tmp/lapidary-record-mi-target';
/** Registers whose raw formats the transcripts document. */
const REGISTERS = ['rip', 'eflags', 'st0', 'xmm0', 'ymm0', 'fs_base', 'mxcsr'];
const STOP_TIMEOUT_MS = 10_000;

/** One recorded gdb session. */
export interface Scenario {
  name: string;
  description: string;
  interpreter?: 'mi2' | 'mi3';
  /** Arguments for mi-target (`exit 10`, `spin`, `segv`). */
  args?: string[];
  /** Drive the session; mi-target is already loaded with `-file-exec-and-symbols`. */
  drive(session: GdbSession): Promise<void>;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const stop = (session: GdbSession) => session.waitForStop({ timeoutMs: STOP_TIMEOUT_MS });
/** Swallow the expected ^error of a command; the transcript keeps it. */
const expectError = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected ^error'); }, () => undefined);

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'break-run-stop',
    description: 'break at main, run, stop at the breakpoint, -thread-info, continue to a normal exit',
    async drive(session) {
      await insertBreakpoint(session, 'main');
      await execRun(session);
      await stop(session);
      await threadInfo(session);
      await execContinue(session);
      await stop(session);
    },
  },
  {
    name: 'registers',
    description: 'stop in registers_loaded (st0 = 1.25L, xmm0 = known_bytes), list register names, values in raw (r) and hex (x)',
    async drive(session) {
      await insertBreakpoint(session, 'registers_loaded');
      await execRun(session);
      await stop(session);
      const names = await listRegisterNames(session);
      const numbers = REGISTERS.map((name) => names.indexOf(name));
      await listRegisterValues(session, 'r', numbers);
      await listRegisterValues(session, 'x', numbers);
    },
  },
  {
    name: 'memory',
    description: 'read known_bytes, an unreadable address, and the non-ASCII greeting (octal escapes) as a value and on the console',
    async drive(session) {
      await insertBreakpoint(session, 'main');
      await execRun(session);
      await stop(session);
      await readMemoryBlocks(session, '&known_bytes', 16);
      await expectError(readMemoryBlocks(session, 0n, 16));
      await evaluateExpression(session, 'greeting');
      await session.console('print greeting');
    },
  },
  {
    name: 'errors',
    description: 'an undefined MI command (code="undefined-command"), -exec-continue with no program, an unknown symbol; the session goes on',
    async drive(session) {
      await expectError(session.send('-lapidary-no-such-command'));
      await expectError(execContinue(session));
      await expectError(evaluateExpression(session, 'no_such_symbol'));
      await evaluateExpression(session, '6 * 7');
    },
  },
  {
    name: 'interrupt',
    description: 'mi-target spin under mi-async: run to a temporary breakpoint in the loop, then -exec-interrupt twice (SIGINT stops), then kill',
    args: ['spin'],
    async drive(session) {
      await insertBreakpoint(session, 'spin_forever', { temporary: true });
      await execRun(session);
      await stop(session);
      await execContinue(session);
      await sleep(100);
      await session.interrupt();
      await execContinue(session);
      await sleep(100);
      await session.interrupt();
      await session.killInferior();
    },
  },
  {
    name: 'exit-code',
    description: 'mi-target exit 10: *stopped,reason="exited",exit-code="012" (octal)',
    args: ['exit', '10'],
    async drive(session) {
      await execRun(session);
      await stop(session);
    },
  },
  {
    name: 'segv',
    description: 'mi-target segv: signal-received SIGSEGV, then continue to exited-signalled',
    args: ['segv'],
    async drive(session) {
      await execRun(session);
      await stop(session);
      await execContinue(session);
      await stop(session);
    },
  },
  {
    name: 'multiple-locations',
    description: 'break on the always-inlined add_twice (two locations) in mi3: locations=[{…},{…}]; hit both, exit',
    async drive(session) {
      await insertBreakpoint(session, 'add_twice');
      await execRun(session);
      for (let hit = 0; hit < 3; hit += 1) {
        await stop(session);
        if (hit < 2) await execContinue(session);
      }
    },
  },
  {
    name: 'multiple-locations-mi2',
    description: 'the same breakpoint in mi2: the bkpt={…},{…},{…} quirk, also inside -break-info body=[…]',
    interpreter: 'mi2',
    async drive(session) {
      await insertBreakpoint(session, 'add_twice');
      await session.send('-break-info');
      await execRun(session);
      await stop(session);
    },
  },
];

/** The first line of `gdb --version`, e.g. `GNU gdb (Debian 13.1-3) 13.1`. */
export function gdbVersionLine(gdbPath = 'gdb'): string {
  return execFileSync(gdbPath, ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? 'unknown gdb';
}

/** Compile mi-target.c (debug paths relative to `root`) into `buildDir`; returns the binary. */
export function buildTarget(root: string, buildDir = BUILD_DIR): string {
  mkdirSync(buildDir, { recursive: true });
  const binary = join(buildDir, 'mi-target');
  const base = resolve(root); // no trailing slash, or the prefix map would leave `.fixtures/…`
  execFileSync('gcc', ['-g', '-O0', `-fdebug-prefix-map=${base}=.`, '-o', binary, join(base, 'fixtures/c/mi-target.c')], { cwd: base });
  return binary;
}

/**
 * Record `scenarios` into `outDir/<name>.mi`, running gdb in `root`, with mi-target compiled into
 * `buildDir` (BUILD_DIR for the stored transcripts; a temporary directory for a drift check).
 * Returns the files written.
 */
export async function recordScenarios(root: string, outDir: string, scenarios: readonly Scenario[] = SCENARIOS, buildDir = BUILD_DIR): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const binary = buildTarget(root, buildDir);
  const version = gdbVersionLine();
  const written: string[] = [];
  for (const scenario of scenarios) {
    const file = join(outDir, `${scenario.name}.mi`);
    const interpreter = scenario.interpreter ?? 'mi3';
    const session = await GdbSession.start({
      cwd: root,
      interpreter,
      transcript: file,
      transcriptHeader: [
        `recorded by scripts/record-mi.ts on ${version} (--interpreter=${interpreter})`,
        `target: fixtures/c/mi-target.c (gcc -g -O0) run as: mi-target ${(scenario.args ?? []).join(' ')}`.trimEnd(),
        `scenario ${scenario.name}: ${scenario.description}`,
      ],
    });
    try {
      await fileExecAndSymbols(session, binary);
      if (scenario.args !== undefined) await execArguments(session, scenario.args);
      await scenario.drive(session);
    } finally {
      await session.close();
    }
    written.push(file);
  }
  return written;
}

async function main(): Promise<void> {
  const root = process.cwd();
  const version = /(\d+\.\d+(?:\.\d+)?)\s*$/.exec(gdbVersionLine())?.[1] ?? 'unknown';
  const only = process.argv.slice(2);
  const scenarios = only.length === 0 ? SCENARIOS : SCENARIOS.filter((scenario) => only.includes(scenario.name));
  const files = await recordScenarios(root, resolve(root, 'test/fixtures/mi', `gdb-${version}`), scenarios);
  for (const file of files) console.log(`recorded ${file}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
