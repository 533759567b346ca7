/**
 * Errors lapidary expects to happen (bad input, a failing gdb or gem5, a target it cannot
 * represent). Each carries a stable code, documented in docs/errors.md, a hint saying what to do
 * next, and optionally a path it kept for debugging. The CLI renders them as
 * `error[CODE]: message` + `hint:` + `kept:` lines without a stack; anything else is a bug.
 */
export abstract class LapidaryError extends Error {
  abstract readonly code: `LAPIDARY_${string}`;
  /** What the user can do about it, one sentence. */
  hint?: string;
  /** A file or directory left behind for inspection. */
  keptPath?: string;

  constructor(message: string, options?: { hint?: string; keptPath?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.hint !== undefined) this.hint = options.hint;
    if (options?.keptPath !== undefined) this.keptPath = options.keptPath;
  }
}

/** Command-line usage or option values that cannot work (exit code 2). */
export class UsageError extends LapidaryError {
  readonly code = 'LAPIDARY_USAGE' as const;
}

/** lapidary.yaml is missing, malformed or invalid against config/schema.yaml (exit code 2). */
export class ConfigError extends LapidaryError {
  readonly code = 'LAPIDARY_CONFIG_INVALID' as const;
}

/** gdb answered a command with `^error`. */
export class MiCommandError extends LapidaryError {
  readonly code = 'LAPIDARY_GDB_ERROR' as const;
  constructor(
    readonly command: string,
    readonly gdbMessage: string,
    options?: { hint?: string },
  ) {
    super(`gdb rejected \`${command}\`: ${gdbMessage}`, options);
  }
}

/** gdb printed something that does not follow the GDB/MI output grammar, or lacks a field. */
export class MiFormatError extends LapidaryError {
  readonly code = 'LAPIDARY_MI_FORMAT' as const;
}

/** gdb itself died, could not be started, or stopped answering. */
export class GdbProcessError extends LapidaryError {
  readonly code = 'LAPIDARY_GDB_DIED' as const;
}

/** The target exited (or was killed) while lapidary needed it stopped. */
export class TargetExitedError extends LapidaryError {
  readonly code = 'LAPIDARY_TARGET_EXITED' as const;
}

/**
 * The process whose memory a checkpoint was being read from (the copy-on-write snapshot child)
 * ended before every page was read, e.g. killed or chosen by the OOM killer: the checkpoint is
 * not written, since its missing pages would restore as zeros.
 */
export class MemoryLostError extends LapidaryError {
  readonly code = 'LAPIDARY_MEMORY_LOST' as const;
}

/** The target is in a state a gem5 SE checkpoint cannot represent (threads, for example). */
export class UnsupportedTargetError extends LapidaryError {
  readonly code = 'LAPIDARY_TARGET_UNSUPPORTED' as const;
}

/** gem5 was not found, or the found binary is not a usable gem5 v24 X86 build. */
export class Gem5NotFoundError extends LapidaryError {
  readonly code = 'LAPIDARY_GEM5_NOT_FOUND' as const;
}

/**
 * A program lapidary runs is not installed: the message names it, the hint the Debian package
 * that provides it (scripts/debian-packages.txt lists them all; scripts/setup.sh installs them).
 */
export class ToolMissingError extends LapidaryError {
  readonly code = 'LAPIDARY_TOOL_MISSING' as const;
}

/** gem5 ran and failed (non-zero exit, signal, panic, fatal). */
export class Gem5FailedError extends LapidaryError {
  readonly code = 'LAPIDARY_GEM5_FAILED' as const;
}

/**
 * A `--system` file cannot be used: unreadable, not Python, PARAMS not a literal dict of
 * int/float/bool/str defaults, no detailed_cpu(params); or a `--param`/`--sweep` names a key it
 * does not declare or gives a value of the wrong type. Found before gem5 runs.
 */
export class SystemFileError extends LapidaryError {
  readonly code = 'LAPIDARY_SYSTEM_FILE' as const;
}

/** A checkpoint directory is incomplete, corrupt, or not one lapidary wrote. */
export class CheckpointError extends LapidaryError {
  readonly code = 'LAPIDARY_CHECKPOINT_INVALID' as const;
}

/** Another live lapidary holds the batch lock of this (checkpoint directory, configuration). */
export class BatchLockedError extends LapidaryError {
  readonly code = 'LAPIDARY_BATCH_LOCKED' as const;
}

/** The user interrupted lapidary (SIGINT/SIGTERM); exit code 130. */
export class InterruptedError extends LapidaryError {
  readonly code = 'LAPIDARY_INTERRUPTED' as const;
}

/**
 * Running the target in a QEMU guest (`--vm`) is impossible here: qemu-system-x86_64, a Debian
 * kernel package or busybox-static is missing (docs/vm.md lists the packages).
 */
export class VmUnavailableError extends LapidaryError {
  readonly code = 'LAPIDARY_VM_UNAVAILABLE' as const;
}

/** The guest image cannot be built (a file it needs is missing or unreadable). */
export class VmImageError extends LapidaryError {
  readonly code = 'LAPIDARY_VM_IMAGE' as const;
}

/** The QEMU guest did not boot, died, or did not get ready in time; the message ends with the guest console's last lines. */
export class VmBootError extends LapidaryError {
  readonly code = 'LAPIDARY_VM_BOOT' as const;
}

/** The in-guest agent (lapidary-vm-agent) did not answer or broke the protocol. */
export class VmAgentError extends LapidaryError {
  readonly code = 'LAPIDARY_VM_AGENT' as const;
}

/** gdb could not reach or use the gdbserver inside the guest. */
export class VmGdbServerError extends LapidaryError {
  readonly code = 'LAPIDARY_VM_GDBSERVER' as const;
}

/** Another live `lapidary create` is writing the same --directory (its lock file names the pid). */
export class DirectoryBusyError extends LapidaryError {
  readonly code = 'LAPIDARY_DIRECTORY_BUSY' as const;
}

/** A file system lapidary writes to is full (ENOSPC, EDQUOT); the message names the directory and the bytes needed. */
export class NoSpaceError extends LapidaryError {
  readonly code = 'LAPIDARY_NO_SPACE' as const;
}
