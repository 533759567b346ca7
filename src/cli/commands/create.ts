import { createReadStream } from 'node:fs';
import { basename, resolve, join } from 'node:path';
import type { Argv } from 'yargs';
import { InterruptedError, UsageError } from '../../errors.js';
import { OutputDirectory } from '../../create/output-directory.js';
import { resolveExecutable } from '../../create/argv.js';
import { BreakpointSession } from '../../create/breakpoints.js';
import type { CheckpointSettings } from '../../create/checkpoint.js';
import { planPoints, runInstructionCheckpoints, type InstructionPolicy } from '../../create/insts.js';
import { runIntervalCheckpoints, throwIfInterrupted, type CreateOutcome } from '../../create/interval.js';
import { describeExec } from '../../create/exec.js';
import { planSimPoints, runSimPointCheckpoints, type SimPointPolicy } from '../../create/simpoints.js';
import { DEFAULT_CLUSTER_OPTIONS, DEFAULT_SIMPOINT_INTERVAL } from '../../simpoint/index.js';
import { wholeOption } from '../whole-option.js';
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

const createOptions = (y: Argv) =>
  y
    .option('cmd', { type: 'string', describe: 'program and arguments, split like a shell would but never run by one' })
    .option('bench', { type: 'string', describe: 'a built-in workload or SPEC CPU 2017 benchmark instead of --cmd (lapidary bench list)' })
    .option('size', { type: 'string', describe: 'with --bench: small|default for built-in workloads, test|train|refrate|refspeed|ref for SPEC' })
    .option('invocation', { type: 'number', describe: 'with --bench for SPEC: which of the benchmark\'s invocations to run (1-based)' })
    .option('config', CONFIG_OPTION)
    .option('interval', { type: 'number', describe: 'checkpoint every this many seconds of native execution (fractions allowed)' })
    .option('interval-insts', { type: 'number', describe: 'checkpoint every this many retired instructions, exactly, counted from main' })
    .option('skip-insts', { type: 'number', default: 0, describe: 'with --interval-insts: the first checkpoint after this many instructions (default: one interval)' })
    .option('simpoints', { type: 'boolean', describe: 'SimPoint: profile BBVs, cluster them, checkpoint --warmup-insts before each chosen interval (docs/simpoint.md)' })
    .option('simpoint-interval', { type: 'number', default: Number(DEFAULT_SIMPOINT_INTERVAL), describe: 'with --simpoints: instructions per interval, counted from main' })
    .option('max-k', { type: 'number', default: DEFAULT_CLUSTER_OPTIONS.maxK, describe: 'with --simpoints: largest number of clusters tried' })
    .option('seed', { type: 'number', default: DEFAULT_CLUSTER_OPTIONS.seed, describe: 'with --simpoints: seed of the projection and the k-means initialisations' })
    .option('warmup-insts', { type: 'number', default: 0, describe: 'with --simpoints: checkpoint this many instructions before each interval (its warm-up)' })
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
      const modes = [args.interval, args['interval-insts'], args.breakpoints, args.simpoints || undefined].filter((m) => m !== undefined).length;
      if (modes !== 1) throw new UsageError('give exactly one of --interval SECONDS, --interval-insts N, --simpoints or --breakpoints LOCATION…');
      wholeOption('simpoint-interval', args['simpoint-interval'], 1);
      wholeOption('max-k', args['max-k'], 1);
      wholeOption('seed', args.seed, 0);
      wholeOption('warmup-insts', args['warmup-insts'], 0);
      if (args.simpoints && args.vm) throw new UsageError('--simpoints runs the program on this host (its BBV profile is a Valgrind pass here); it cannot go with --vm');
      if (args.simpoints && args['insts-method'] === 'gdb-stepi') throw new UsageError('--simpoints needs a Valgrind method (the BBV profile is a Valgrind pass), not gdb-stepi');
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
    });

type CreateArgs = ReturnType<typeof createOptions> extends Argv<infer A> ? A : never;

export const createCommand = defineCommand({
  command: 'create',
  describe: 'run a program natively under gdb/MI and write gem5 SE checkpoints of it',
  builder: createOptions,
  run: async (args, io: CliIo) => {
    const directory = resolve(io.cwd, args.directory);
    try {
      const exitCode = await createIn(directory, args, io);
      throwIfInterrupted(io.signal);
      return exitCode;
    } catch (error) {
      // Whatever the kill of gdb and the target broke in flight, the user's signal is the cause.
      throw io.signal.aborted ? await interruptedIn(directory, io.signal) : error;
    }
  },
});

/** The InterruptedError of a create run: which checkpoints are complete and kept. */
async function interruptedIn(directory: string, signal: AbortSignal): Promise<InterruptedError> {
  const why = signal.reason instanceof InterruptedError ? signal.reason.message : 'interrupted';
  const kept = await listCheckpoints(directory);
  const which = kept.length === 0 ? 'no checkpoint was complete' : `${kept.length} complete checkpoint(s) kept in ${directory} (${kept.map((c) => c.name).join(', ')})`;
  return new InterruptedError(`${why}; ${which}`, {
    hint: 'a checkpoint still being written was discarded; every cpt.N left is whole and restores in gem5',
  });
}

/**
 * Run `create` into `directory` (resolved), made, checked and locked before anything else
 * (output-directory.ts); returns the exit code. A failed run leaves no empty directory it made.
 */
async function createIn(directory: string, args: CreateArgs, io: CliIo): Promise<number> {
  const output = await OutputDirectory.open(directory);
  const removed = output.removedPartials;
  if (removed.length > 0) {
    const by = output.staleHolder !== undefined ? ` (pid ${output.staleHolder})` : '';
    println(io.stderr, `lapidary: removed ${removed.length} unfinished checkpoint director${removed.length === 1 ? 'y' : 'ies'} left by a create that was killed${by}: ${removed.join(', ')}`);
  }
  try {
    const exitCode = await checkpointInto(directory, args, io);
    await output.close(false);
    return exitCode;
  } catch (error) {
    await output.close(true);
    throw error;
  }
}

/** Launch the target and write its checkpoints into the locked `directory`; returns the exit code. */
async function checkpointInto(directory: string, args: CreateArgs, io: CliIo): Promise<number> {
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
  const counted = insts !== undefined || args.simpoints === true;
  const defaultStdout = counted ? join(directory, 'program.stdout') : undefined;
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
  const start: StartPoint = args.breakpoints !== undefined ? 'entry' : counted ? 'main' : args.start;
  let policy: InstructionPolicy | undefined;
  let simpointPolicy: SimPointPolicy | undefined;
  if (args.simpoints) {
    const method = await chooseMethod(args['insts-method'], 'main');
    simpointPolicy = {
      interval: BigInt(args['simpoint-interval']), maxK: args['max-k'], seed: args.seed, warmup: BigInt(args['warmup-insts']),
      method: method === 'valgrind-gdb' ? 'valgrind-gdb' : 'valgrind-perf', removeVdso: native.removeVdso,
    };
  }
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
    signal: io.signal,
    // Snapshots clone through gdb; over gdbserver (--vm) memory is read while stopped instead.
    snapshot: args.snapshot && !args.vm,
    notes: stdin.note !== undefined ? [stdin.note] : [],
    options: {
      nativeEnvironment: { ...native, effectiveGlibcTunables: spec.env.find((e) => e.startsWith('GLIBC_TUNABLES='))?.slice(15) ?? null },
      policy: args.breakpoints !== undefined
        ? { kind: 'breakpoints', locations: args.breakpoints }
        : simpointPolicy !== undefined
          ? { kind: 'simpoints', intervalInsts: simpointPolicy.interval.toString(), maxK: simpointPolicy.maxK, seed: simpointPolicy.seed, warmupInsts: simpointPolicy.warmup.toString(), method: simpointPolicy.method }
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
  const simpoints = simpointPolicy === undefined ? undefined : await planSimPoints(spec, simpointPolicy, directory);
  if (simpoints !== undefined) {
    const { profile, analysis } = simpoints;
    println(io.stderr, `lapidary: BBV profile: ${profile.totalInstructions} instructions from main, ${profile.vectors.length} interval(s) of ${simpointPolicy!.interval} in ${profile.profileSeconds.toFixed(1)} s; SimPoint k = ${analysis.chosen.k}; ${simpoints.files.map((f) => basename(f)).join(', ')} written`);
    for (const warning of profile.warnings) println(io.stderr, `  note: ${warning}`);
  }
  const transcript = args.transcript ? { transcript: resolve(io.cwd, args.transcript) } : {};
  let target: (LaunchedTarget & { shutdown?: () => Promise<void> }) | undefined;
  throwIfInterrupted(io.signal); // a signal during the start-up (or planning) needs no launch
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
    const outcome = simpoints !== undefined
      ? await runSimPointCheckpoints(target, settings, simpoints, simpointPolicy!.method, {
        signal: io.signal,
        onCheckpoint: (summary, r, position) => print(summary, `insts=${position} simpoint interval=${r.interval} cluster=${r.cluster} weight=${r.weight.toFixed(4)} warmup=${r.warmupInsts}`),
      })
      : policy !== undefined
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
}
