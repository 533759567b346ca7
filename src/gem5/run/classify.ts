/**
 * Why a gem5 run ended, read from its exit status and output. Each signature names what
 * happened in the field's terms and says what to do; the table is tested on real gem5 output.
 */
export type Gem5FailureKind =
  | 'unimplemented-syscall'
  | 'unimplemented-instruction'
  | 'unmapped-address'
  | 'system-file'
  | 'panic'
  | 'fatal'
  | 'signal'
  | 'exit-code'
  | 'result-unreadable';

export interface Gem5Failure {
  kind: Gem5FailureKind;
  /** The line of gem5 output that shows it, trimmed. */
  detail: string;
  hint: string;
}

interface Signature {
  kind: Gem5FailureKind;
  pattern: RegExp;
  hint: string;
}

/** Sources: src/sim/syscall_emul.cc:67, src/arch/x86/faults.cc:131,164-166, src/base/logging.hh (v24.0.0.1). */
const SIGNATURES: readonly Signature[] = [
  {
    kind: 'unimplemented-syscall',
    pattern: /fatal: syscall (\S+) \(#\d+\) unimplemented/,
    hint: 'gem5 SE does not emulate this system call; take checkpoints where the program does not make it, or shorten the simulated window',
  },
  {
    kind: 'unimplemented-instruction',
    pattern: /panic: (Unrecognized\/invalid instruction executed|Unimpfault)/,
    hint: 'the program ran an instruction gem5 lacks (often AVX); keep the default GLIBC_TUNABLES mask or run the target with --vm',
  },
  {
    kind: 'unmapped-address',
    pattern: /panic: Tried to (read|write|execute|access) unmapped address/,
    hint: 'the restored address space lacks a mapping; inspect the checkpoint with `lapidary inspect` and report it',
  },
  {
    // config/lapidary_gem5.py's UserSystem: the user's system file raised, declared no such
    // parameter, or built a CPU that cannot take over from the restored one.
    kind: 'system-file',
    pattern: /^fatal: lapidary system file /m,
    hint: 'fix the system file (the Python traceback is in simerr.txt of the run directory); docs/systems.md describes the interface',
  },
  // gem5 prefixes these with the source location: `src/sim/serialize.hh:452: fatal: …`.
  { kind: 'panic', pattern: /(^|: )panic: /m, hint: 'gem5 hit an internal error; see simerr.txt in the output directory' },
  { kind: 'fatal', pattern: /(^|: )fatal: /m, hint: 'gem5 refused the configuration or checkpoint; see simerr.txt in the output directory' },
];

/**
 * Classify a finished gem5 process. Returns undefined when it exited normally (status 0, no
 * panic or fatal line).
 * @param output gem5's combined stdout and stderr (or its tail).
 */
export function classifyGem5Exit(exitCode: number | undefined, signal: string | undefined, output: string): Gem5Failure | undefined {
  for (const signature of SIGNATURES) {
    const match = signature.pattern.exec(output);
    if (match) {
      const lineStart = output.lastIndexOf('\n', match.index) + 1;
      const lineEnd = output.indexOf('\n', match.index);
      const detail = output.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).trim();
      return { kind: signature.kind, detail, hint: signature.hint };
    }
  }
  if (signal !== undefined) {
    return { kind: 'signal', detail: `gem5 was killed by ${signal}`, hint: 'gem5 crashed or was stopped from outside; see simerr.txt' };
  }
  if (exitCode !== undefined && exitCode !== 0) {
    return { kind: 'exit-code', detail: `gem5 exited with status ${exitCode}`, hint: 'see simerr.txt in the output directory' };
  }
  return undefined;
}
