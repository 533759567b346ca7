import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import { UsageError } from '../../errors.js';
import { resolveExecutable } from '../../create/argv.js';
import { BreakpointSession } from '../../create/breakpoints.js';
import type { CheckpointSettings } from '../../create/checkpoint.js';
import { planPoints, runInstructionCheckpoints, type InstructionPolicy } from '../../create/insts.js';
import { runIntervalCheckpoints, type CreateOutcome } from '../../create/interval.js';
import { describeExec } from '../../create/exec.js';
import { launchTarget, type LaunchedTarget, type StartPoint, type TargetSpec } from '../../create/launch.js';
import { prepareStdin } from '../../create/stdin.js';
import { GEM5_GLIBC_TUNABLES, GEM5_OPENSSL_IA32CAP, targetEnvironment, type NativeEnvironment } from '../../create/native-env.js';
import { listCheckpoints } from '../../gem5/checkpoint/layout.js';
import { chooseMethod, estimateCost, type InstsMethod } from '../../insts/index.js';
import { launchTargetInVm } from '../../vm/launch.js';
import { defineCommand } from '../command.js';
import { CONFIG_OPTION, commandConfig } from '../config-option.js';
import { checkpointPrinter, passthrough } from '../create/output.js';
import { println, type CliIo } from '../io.js';
import { runCheckpointShell } from '../shell.js';
import { openTargetTerminal } from '../target-terminal.js';
import { resolveTarget } from '../target.js';

/** The longest --interval: Node's timers take at most 2^31 - 1 ms (Node docs, setTimeout: larger delays become 1 ms). */
const MAX_INTERVAL_SECONDS = (2 ** 31 - 1) / 1000;

const INSTS_METHODS = ['valgrind-perf', 'valgrind-gdb', 'gdb-stepi'] as const;

function ended(outcome: CreateOutcome): string {
  if (outcome.exit === undefined) return 'stopped after the last checkpoint';
  return outcome.exit.signal ? `killed by ${outcome.exit.signal}` : `exited with status ${outcome.exit.code ?? 0}`;
}

export const createCommand = defineCommand({
  command: 'create',
  describe: 'run a program natively under gdb/MI and write gem5 SE checkpoints of it',
  builder: (y) =>
    y
      .option('cmd', { type: 'string', describe: 'program and arguments, split like a shell would but never run by one' })
      .option('bench', { type: 'string', describe: 'a built-in workload or SPEC CPU 2017 benchmark instead of --cmd (lapidary bench list)' })
      .option('size', { type: 'string', describe: 'with --bench: small|default for built-in workloads, test|train|refrate|refspeed|ref for SPEC' })
      .option('invocation', { type: 'number', describe: 'with --bench for SPEC: which of the benchmark\'s invocations to run (1-based)' })
      .option('config', CONFIG_OPTION)
      .option('interval', { type: 'number', describe: 'checkpoint every this many seconds of native execution (fractions allowed)' })
      .option('interval-insts', { type: 'number', describe: 'checkpoint every this many retired instructions, exactly, counted from main' })
      .option('skip-insts', { type: 'number', default: 0, describe: 'with --interval-insts: the first checkpoint after this many instructions (default: one interval)' })
      .option('insts-method', { choices: INSTS_METHODS, describe: 'force how instruction positions are reached (default: the best available)' })
      .option('breakpoints', { type: 'array', string: true, describe: 'stop at these locations (function, FILE:LINE, *ADDRESS) and open the (py-gdb) shell' })
      .option('commands', { type: 'string', describe: 'with --breakpoints: read shell commands from this file instead of the terminal' })
      .option('directory', { alias: 'd', type: 'string', demandOption: true, describe: 'where cpt.1, cpt.2, … are written' })
      .option('max-checkpoints', { alias: 'm', type: 'number', describe: 'stop (and kill the program) after this many checkpoints' })
      .option('start', { choices: ['main', 'entry'] as const, default: 'main' as StartPoint, describe: 'interval mode: where the native run and its clock start' })
      .option('stdin', { type: 'string', describe: 'file the program reads as standard input (default /dev/null; a pipe or FIFO is read to its end first, into stdin.captured)' })
      .option('stdout', { type: 'string', describe: 'file for the program\'s standard output (default: lapidary\'s; with --interval-insts a file in --directory)' })
      .option('stderr', { type: 'string', describe: 'file for the program\'s standard error (default: lapidary\'s)' })
      .option('vm', { type: 'boolean', default: false, describe: 'run the program in a QEMU VM whose CPU hides what gem5 lacks (lapidary vm status)' })
      .option('vm-cpu', { type: 'string', describe: 'with --vm: -FEATURE hides one more CPU feature, +FEATURE exposes a default-hidden one' })
      .option('aslr', { type: 'boolean', default: false, describe: 'keep address-space randomisation on' })
      .option('bind-now', { type: 'boolean', default: true, describe: 'LD_BIND_NOW=1 (no lazy PLT binding after restore); --no-bind-now to turn off' })
      .option('glibc-tunables', { type: 'boolean', default: true, describe: 'GLIBC_TUNABLES hiding CPU features gem5 lacks and rseq; --no-glibc-tunables to turn off' })
      .option('openssl-mask', { type: 'boolean', default: true, describe: 'OPENSSL_ia32cap hiding SHA/AES/AVX from OpenSSL\'s own CPU dispatch; --no-openssl-mask to turn off' })
      .option('vdso', { type: 'boolean', default: false, describe: 'keep the vDSO (default: removed from the auxiliary vector)' })
      .option('snapshot', { type: 'boolean', default: true, describe: 'read memory from a copy-on-write snapshot so the target resumes at once; --no-snapshot reads it while stopped' })
      .option('compression', { type: 'number', default: 1, describe: 'gzip level of the memory image, 1 (fast) to 9 (small); 0 stores it uncompressed (fastest, largest)' })
      .option('transcript', { type: 'string', describe: 'record the gdb/MI conversation to this file' })
      .check((args) => {
        const modes = [args.interval, args['interval-insts'], args.breakpoints].filter((m) => m !== undefined).length;
        if (modes !== 1) throw new UsageError('give exactly one of --interval SECONDS, --interval-insts N or --breakpoints LOCATION…');
        if (args.interval !== undefined && !(args.interval > 0 && args.interval <= MAX_INTERVAL_SECONDS)) {
          throw new UsageError(`--interval must be a positive number of seconds up to ${MAX_INTERVAL_SECONDS}, got ${args.interval}`, {
            hint: 'a longer wait than Node\'s timers allow (2^31 - 1 ms, about 24.8 days) never comes in practice; use --breakpoints or --interval-insts to stop late in a run',
          });
        }
        const insts = args['interval-insts'];
        if (insts !== undefined && !(Number.isSafeInteger(insts) && insts > 0)) throw new UsageError(`--interval-insts must be a positive whole number of instructions, got ${insts}`);
        if (!(Number.isSafeInteger(args['skip-insts']) && args['skip-insts'] >= 0)) throw new UsageError(`--skip-insts must be a whole number of instructions, got ${args['skip-insts']}`);
        if (args.breakpoints !== undefined && args.breakpoints.length === 0) throw new UsageError('--breakpoints needs at least one location');
        if (args.commands !== undefined && args.breakpoints === undefined) throw new UsageError('--commands goes with --breakpoints');
        if (args['max-checkpoints'] !== undefined && !(Number.isInteger(args['max-checkpoints']) && args['max-checkpoints'] > 0)) {
          throw new UsageError(`--max-checkpoints must be a positive integer, got ${args['max-checkpoints']}`);
        }
        if (!(Number.isInteger(args.compression) && args.compression >= 0 && args.compression <= 9)) {
          throw new UsageError(`--compression must be an integer from 0 to 9, got ${args.compression}`);
        }
        return true;
      }),
  run: async (args, io: CliIo) => {
    const directory = resolve(io.cwd, args.directory);
    if ((await listCheckpoints(directory)).length > 0) {
      throw new UsageError(`${directory} already holds checkpoints`, { hint: 'choose an empty --directory; lapidary never overwrites checkpoints' });
    }
    await mkdir(directory, { recursive: true });
    const config = await commandConfig(args.config, io);
    const resolved = await resolveTarget(args, directory, io.cwd, config);
    if (resolved.needsVm !== undefined && !args.vm) {
      println(io.stderr, `lapidary: note: ${resolved.needsVm}; run with --vm for checkpoints gem5 can continue`);
    }
    const native: NativeEnvironment = {
      aslr: args.aslr,
      bindNow: args['bind-now'],
      glibcTunables: args['glibc-tunables'] ? GEM5_GLIBC_TUNABLES : '',
      opensslIa32cap: args['openssl-mask'] ? GEM5_OPENSSL_IA32CAP : '',
      removeVdso: !args.vdso,
    };
    const insts = args['interval-insts'];
    const interactive = args.breakpoints !== undefined && args.commands === undefined && (io.stdin as { isTTY?: boolean }).isTTY === true;
    // An interactive session shows the program's output through a pseudo-terminal of its own.
    const terminal = interactive && args.stdout === undefined && !args.vm ? openTargetTerminal(io.stdout) : undefined;
    // Instruction positions are planned on a run writing to a regular file, so the native run does too.
    const defaultStdout = insts !== undefined ? join(directory, 'program.stdout') : undefined;
    const stdin = await prepareStdin(args.stdin !== undefined ? resolve(io.cwd, args.stdin) : resolved.stdin ?? '/dev/null', directory);
    if (stdin.note !== undefined) println(io.stderr, `lapidary: note: ${stdin.note}`);
    const spec: TargetSpec = {
      exe: resolveExecutable(resolved.argv[0]!, resolved.cwd, io.env.PATH),
      argv: resolved.argv,
      env: targetEnvironment({ ...io.env, ...resolved.env }, native, resolved.cwd),
      cwd: resolved.cwd,
      stdin: stdin.path,
      stdout: args.stdout !== undefined ? resolve(io.cwd, args.stdout) : resolved.stdout ?? defaultStdout ?? terminal?.path ?? passthrough(1, io, 'stdout'),
      stderr: args.stderr !== undefined ? resolve(io.cwd, args.stderr) : resolved.stderr !== undefined ? `append:${resolved.stderr}` : terminal?.path ?? passthrough(2, io, 'stderr'),
    };
    const start: StartPoint = args.breakpoints !== undefined ? 'entry' : insts !== undefined ? 'main' : args.start;
    let policy: InstructionPolicy | undefined;
    if (insts !== undefined) {
      const method: InstsMethod = await chooseMethod(args['insts-method'], 'main');
      policy = {
        every: BigInt(insts), skip: BigInt(args['skip-insts']), method, removeVdso: native.removeVdso,
        ...(args['max-checkpoints'] !== undefined ? { maxCheckpoints: args['max-checkpoints'] } : {}),
      };
      const last = args['max-checkpoints'] === undefined ? undefined : policy.skip + BigInt(args['max-checkpoints']) * policy.every;
      println(io.stderr, `lapidary: ${estimateCost(method, { points: args['max-checkpoints'] ?? 1, ...(last !== undefined ? { lastPosition: last } : {}) }).text}`);
    }
    const settings: CheckpointSettings = {
      directory,
      spec,
      compressionLevel: args.compression,
      // Snapshots clone through gdb; over gdbserver (--vm) memory is read while stopped instead.
      snapshot: args.snapshot && !args.vm,
      notes: stdin.note !== undefined ? [stdin.note] : [],
      options: {
        nativeEnvironment: { ...native, effectiveGlibcTunables: spec.env.find((e) => e.startsWith('GLIBC_TUNABLES='))?.slice(15) ?? null },
        policy: args.breakpoints !== undefined
          ? { kind: 'breakpoints', locations: args.breakpoints }
          : policy !== undefined
            ? { kind: 'instructions', every: policy.every.toString(), skip: policy.skip.toString(), method: policy.method, maxCheckpoints: args['max-checkpoints'] ?? null }
            : { kind: 'interval', intervalSeconds: args.interval, maxCheckpoints: args['max-checkpoints'] ?? null },
        start,
        compressionLevel: args.compression,
        snapshot: args.snapshot && !args.vm,
        vm: args.vm ? { cpuFeatures: args['vm-cpu'] ?? null } : null,
        target: resolved.label,
      },
    };
    const plan = policy === undefined ? undefined : await planPoints(spec, policy);
    if (plan !== undefined) {
      println(io.stderr, `lapidary: ${plan.markers.length} point(s) planned in ${plan.profileSeconds.toFixed(1)} s (${plan.method}); reaching them natively should take ~${plan.estimatedReachSeconds.toFixed(1)} s`);
      for (const warning of plan.warnings) println(io.stderr, `  note: ${warning}`);
    }
    const transcript = args.transcript ? { transcript: resolve(io.cwd, args.transcript) } : {};
    let target: (LaunchedTarget & { shutdown?: () => Promise<void> }) | undefined;
    try {
      target = args.vm
        ? await launchTargetInVm(spec, native, { start, ...(args['vm-cpu'] !== undefined ? { cpuFeatures: args['vm-cpu'] } : {}), ...transcript, onProgress: (m) => println(io.stderr, `lapidary: ${m}`) })
        : await launchTarget(spec, native, { start, ...transcript });
      println(io.stderr, `lapidary: ${spec.exe} (pid ${target.pid}) at ${start} 0x${target.startPc.toString(16)}; vDSO ${target.vdsoRemoved ? 'removed' : 'kept'}, ASLR ${native.aslr ? 'on' : 'off'}, LD_BIND_NOW ${native.bindNow ? 'on' : 'off'}, GLIBC_TUNABLES ${native.glibcTunables ? 'on' : 'off'}, OPENSSL_ia32cap ${native.opensslIa32cap ? 'on' : 'off'}`);
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
      const print = checkpointPrinter(io);
      const outcome = policy !== undefined
        ? await runInstructionCheckpoints(target, settings, policy, plan, { signal: io.signal, onCheckpoint: (summary, position) => print(summary, `insts=${position}`) })
        : await runIntervalCheckpoints(
          target,
          settings,
          { intervalSeconds: args.interval!, ...(args['max-checkpoints'] ? { maxCheckpoints: args['max-checkpoints'] } : {}) },
          {
            signal: io.signal,
            onCheckpoint: (summary, elapsed) => print(summary, `t=${elapsed.toFixed(3)}s`),
            onExec: (record) => println(io.stderr, `lapidary: ${describeExec(record)}`),
          },
        );
      println(io.stderr, `lapidary: ${outcome.checkpoints.length} checkpoint(s) in ${directory}; the program ${ended(outcome)} after ${outcome.nativeSeconds.toFixed(3)} s of native execution`);
      return 0;
    } finally {
      await target?.session.close();
      await target?.shutdown?.();
      terminal?.close();
    }
  },
});
