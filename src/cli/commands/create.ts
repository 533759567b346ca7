import { createReadStream, fstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { resolveExecutable } from '../../create/argv.js';
import { BreakpointSession } from '../../create/breakpoints.js';
import type { CheckpointSettings, CheckpointSummary } from '../../create/checkpoint.js';
import { runIntervalCheckpoints } from '../../create/interval.js';
import { launchTarget, type LaunchedTarget, type StartPoint, type TargetSpec } from '../../create/launch.js';
import { GEM5_GLIBC_TUNABLES, GEM5_OPENSSL_IA32CAP, targetEnvironment, type NativeEnvironment } from '../../create/native-env.js';
import { listCheckpoints } from '../../gem5/checkpoint/layout.js';
import { loadConfig } from '../../config/load.js';
import { defineCommand } from '../command.js';
import { formatBytes } from '../format.js';
import { println, type CliIo } from '../io.js';
import { runCheckpointShell } from '../shell.js';
import { openTargetTerminal } from '../target-terminal.js';
import { resolveTarget } from '../target.js';

/**
 * Where the target's stdout/stderr go when not redirected: straight to lapidary's own stream
 * (reopened through /proc/PID/fd, appending), so the user sees it as it runs. A socket cannot be
 * reopened that way; the output is then discarded with a warning.
 */
function passthrough(fd: 1 | 2, io: CliIo, name: string): string {
  try {
    if (fstatSync(fd).isSocket()) {
      println(io.stderr, `lapidary: warning: the target's ${name} is discarded (lapidary's ${name} is a socket); use --${name} FILE`);
      return '/dev/null';
    }
  } catch {
    return '/dev/null';
  }
  return `append:/proc/${process.pid}/fd/${fd}`;
}

function progressLine(summary: CheckpointSummary, elapsed: number): string {
  return [
    `cpt.${summary.index}`.padEnd(7),
    `t=${elapsed.toFixed(3)}s`,
    `rip=0x${summary.rip.toString(16)}`,
    `pages=${summary.pagesStored}`,
    `bytes=${formatBytes(summary.bytesStored)} (${formatBytes(summary.bytesCompressed)} gz)`,
    `paused=${summary.pauseMs.toFixed(0)}ms`,
  ].join('  ');
}

export const createCommand = defineCommand({
  command: 'create',
  describe: 'run a program natively under gdb/MI and write gem5 SE checkpoints of it',
  builder: (y) =>
    y
      .option('cmd', { type: 'string', describe: 'program and arguments, split like a shell would but never run by one' })
      .option('bench', { type: 'string', describe: 'a built-in workload instead of --cmd (lapidary bench list)' })
      .option('size', { type: 'string', describe: 'with --bench: small|default for built-in workloads, test|train|refrate|refspeed|ref for SPEC' })
      .option('invocation', { type: 'number', describe: 'with --bench for SPEC: which of the benchmark\'s invocations to run (1-based)' })
      .option('config', { alias: 'c', type: 'string', describe: 'lapidary.yaml (default: the first one found upward from here)' })
      .option('interval', { type: 'number', describe: 'checkpoint every this many seconds of native execution (fractions allowed)' })
      .option('breakpoints', { type: 'array', string: true, describe: 'stop at these locations (function, FILE:LINE, *ADDRESS) and open the (py-gdb) shell' })
      .option('commands', { type: 'string', describe: 'with --breakpoints: read shell commands from this file instead of the terminal' })
      .option('directory', { alias: 'd', type: 'string', demandOption: true, describe: 'where cpt.1, cpt.2, … are written' })
      .option('max-checkpoints', { alias: 'm', type: 'number', describe: 'interval mode: stop (and kill the program) after this many checkpoints' })
      .option('start', { choices: ['main', 'entry'] as const, default: 'main' as StartPoint, describe: 'interval mode: where the native run and its clock start' })
      .option('stdin', { type: 'string', describe: 'file the program reads as standard input (default /dev/null)' })
      .option('stdout', { type: 'string', describe: 'file for the program\'s standard output (default: lapidary\'s)' })
      .option('stderr', { type: 'string', describe: 'file for the program\'s standard error (default: lapidary\'s)' })
      .option('aslr', { type: 'boolean', default: false, describe: 'keep address-space randomisation on' })
      .option('bind-now', { type: 'boolean', default: true, describe: 'LD_BIND_NOW=1 (no lazy PLT binding after restore); --no-bind-now to turn off' })
      .option('glibc-tunables', { type: 'boolean', default: true, describe: 'GLIBC_TUNABLES hiding CPU features gem5 lacks and rseq; --no-glibc-tunables to turn off' })
      .option('openssl-mask', { type: 'boolean', default: true, describe: 'OPENSSL_ia32cap hiding SHA/AES/AVX from OpenSSL\'s own CPU dispatch; --no-openssl-mask to turn off' })
      .option('vdso', { type: 'boolean', default: false, describe: 'keep the vDSO (default: removed from the auxiliary vector)' })
      .option('snapshot', { type: 'boolean', default: true, describe: 'read memory from a copy-on-write snapshot so the target resumes at once; --no-snapshot reads it while stopped' })
      .option('compression', { type: 'number', default: 1, describe: 'gzip level of the memory image, 1 (fast) to 9 (small)' })
      .option('transcript', { type: 'string', describe: 'record the gdb/MI conversation to this file' })
      .check((args) => {
        const modes = [args.interval !== undefined, args.breakpoints !== undefined].filter(Boolean).length;
        if (modes !== 1) throw new UsageError('give exactly one of --interval SECONDS or --breakpoints LOCATION…');
        if (args.interval !== undefined && !(args.interval > 0)) throw new UsageError(`--interval must be a positive number of seconds, got ${args.interval}`);
        if (args.breakpoints !== undefined && args.breakpoints.length === 0) throw new UsageError('--breakpoints needs at least one location');
        if (args.commands !== undefined && args.breakpoints === undefined) throw new UsageError('--commands goes with --breakpoints');
        if (args['max-checkpoints'] !== undefined && !(Number.isInteger(args['max-checkpoints']) && args['max-checkpoints'] > 0)) {
          throw new UsageError(`--max-checkpoints must be a positive integer, got ${args['max-checkpoints']}`);
        }
        if (!(Number.isInteger(args.compression) && args.compression >= 1 && args.compression <= 9)) {
          throw new UsageError(`--compression must be an integer from 1 to 9, got ${args.compression}`);
        }
        return true;
      }),
  run: async (args, io: CliIo) => {
    const directory = resolve(io.cwd, args.directory);
    if ((await listCheckpoints(directory)).length > 0) {
      throw new UsageError(`${directory} already holds checkpoints`, { hint: 'choose an empty --directory; lapidary never overwrites checkpoints' });
    }
    const config = await loadConfig(args.config === undefined ? undefined : resolve(io.cwd, args.config), io.cwd);
    const resolved = await resolveTarget(args, directory, io.cwd, config);
    const argv = resolved.argv;
    const native: NativeEnvironment = {
      aslr: args.aslr,
      bindNow: args['bind-now'],
      glibcTunables: args['glibc-tunables'] ? GEM5_GLIBC_TUNABLES : '',
      opensslIa32cap: args['openssl-mask'] ? GEM5_OPENSSL_IA32CAP : '',
      removeVdso: !args.vdso,
    };
    const interactive = args.breakpoints !== undefined && args.commands === undefined && (io.stdin as { isTTY?: boolean }).isTTY === true;
    // An interactive session shows the program's output through a pseudo-terminal of its own.
    const terminal = interactive && args.stdout === undefined ? openTargetTerminal(io.stdout) : undefined;
    const spec: TargetSpec = {
      exe: resolveExecutable(argv[0]!, resolved.cwd, io.env.PATH),
      argv,
      env: targetEnvironment({ ...io.env, ...resolved.env }, native, resolved.cwd),
      cwd: resolved.cwd,
      stdin: args.stdin !== undefined ? resolve(io.cwd, args.stdin) : resolved.stdin ?? '/dev/null',
      stdout: args.stdout !== undefined ? resolve(io.cwd, args.stdout) : resolved.stdout ?? terminal?.path ?? passthrough(1, io, 'stdout'),
      stderr: args.stderr !== undefined ? resolve(io.cwd, args.stderr) : resolved.stderr !== undefined ? `append:${resolved.stderr}` : terminal?.path ?? passthrough(2, io, 'stderr'),
    };
    const start: StartPoint = args.breakpoints !== undefined ? 'entry' : args.start;
    const settings: CheckpointSettings = {
      directory,
      spec,
      compressionLevel: args.compression,
      snapshot: args.snapshot,
      options: {
        nativeEnvironment: { ...native, effectiveGlibcTunables: spec.env.find((e) => e.startsWith('GLIBC_TUNABLES='))?.slice(15) ?? null },
        policy: args.breakpoints !== undefined
          ? { kind: 'breakpoints', locations: args.breakpoints }
          : { kind: 'interval', intervalSeconds: args.interval, maxCheckpoints: args['max-checkpoints'] ?? null },
        start,
        compressionLevel: args.compression,
        snapshot: args.snapshot,
        target: resolved.label,
      },
    };
    let target: LaunchedTarget | undefined;
    try {
      target = await launchTarget(spec, native, { start, ...(args.transcript ? { transcript: resolve(io.cwd, args.transcript) } : {}) });
      println(io.stderr, `lapidary: ${spec.exe} (pid ${target.pid}) at ${start} 0x${target.startPc.toString(16)}; vDSO ${target.vdsoRemoved ? 'removed' : 'kept'}, ASLR ${native.aslr ? 'on' : 'off'}, LD_BIND_NOW ${native.bindNow ? 'on' : 'off'}, GLIBC_TUNABLES ${native.glibcTunables ? 'on' : 'off'}`);
      if (args.breakpoints !== undefined) {
        const session = await BreakpointSession.plant(target, settings, args.breakpoints);
        const first = await session.continue();
        await runCheckpointShell(session, first, {
          input: args.commands !== undefined ? createReadStream(resolve(io.cwd, args.commands)) : io.stdin,
          output: io.stdout,
          terminal: interactive,
        });
        println(io.stderr, `lapidary: ${session.count} checkpoint(s) in ${directory}`);
        return 0;
      }
      const shownNotes = new Set<string>();
      const outcome = await runIntervalCheckpoints(
        target,
        settings,
        { intervalSeconds: args.interval!, ...(args['max-checkpoints'] ? { maxCheckpoints: args['max-checkpoints'] } : {}) },
        {
          signal: io.signal,
          onCheckpoint: (summary, elapsed) => {
            println(io.stderr, progressLine(summary, elapsed));
            // notes that repeat at every checkpoint (a closed pipe, say) are shown once
            for (const note of summary.notes.filter((n) => !shownNotes.has(n))) {
              shownNotes.add(note);
              println(io.stderr, `  note: ${note}`);
            }
          },
        },
      );
      const ended = outcome.exit === undefined
        ? 'stopped after the last checkpoint'
        : outcome.exit.signal ? `killed by ${outcome.exit.signal}` : `exited with status ${outcome.exit.code ?? 0}`;
      println(io.stderr, `lapidary: ${outcome.checkpoints.length} checkpoint(s) in ${directory}; the program ${ended} after ${outcome.nativeSeconds.toFixed(3)} s of native execution`);
      return 0;
    } finally {
      await target?.session.close();
      terminal?.close();
    }
  },
});
