/**
 * Process-wide cleanup: hooks that SIGKILL what lapidary started (gdb process groups, the
 * programs gdb runs, later gem5 and QEMU) when the Node process exits or, once the CLI has called
 * installSignalCleanup(), when it receives SIGINT or SIGTERM. Hooks run synchronously, because
 * Node's `exit` event allows nothing else; they must be idempotent and must not throw.
 * Library code registers hooks; only the CLI decides about signals (and nothing here calls process.exit).
 */

/** A synchronous, idempotent action that releases one resource (typically a SIGKILL). */
export type CleanupHook = () => void;

const hooks = new Set<CleanupHook>();
let exitListenerInstalled = false;
/** Set once a handled SIGINT/SIGTERM ran the hooks: whatever is started afterwards is ended at once. */
let signalled = false;

/**
 * Run `hook` when the process exits (or on SIGINT/SIGTERM once installSignalCleanup() was called),
 * unless the returned function is called first to unregister it. After such a signal was handled,
 * the hook runs at once: a gdb or program started while the CLI unwinds (a launch that began
 * before the signal) does not live on.
 */
export function registerCleanup(hook: CleanupHook): () => void {
  if (signalled) {
    try {
      hook();
    } catch {
      // as in runCleanups
    }
    return () => undefined;
  }
  if (!exitListenerInstalled) {
    process.once('exit', runCleanups);
    exitListenerInstalled = true;
  }
  hooks.add(hook);
  return () => {
    hooks.delete(hook);
  };
}

/**
 * Run and unregister every hook now, the last registered first (a program before the gdb that
 * runs it: gdb's death would kill the program at once through PTRACE_O_EXITKILL, re-parenting
 * its workers to pid 1 before they are found). A throwing hook does not stop the others.
 */
export function runCleanups(): void {
  for (const hook of [...hooks].reverse()) {
    hooks.delete(hook);
    try {
      hook();
    } catch {
      // A cleanup hook must not prevent the next one from running.
    }
  }
}

/** How many hooks are registered (for tests and diagnostics). */
export function pendingCleanupCount(): number {
  return hooks.size;
}

/** What installSignalCleanup does after the hooks ran. */
export interface SignalCleanupOptions {
  /** Signals to handle; default SIGINT and SIGTERM. */
  signals?: readonly NodeJS.Signals[];
  /**
   * Called after the hooks ran, instead of re-raising the signal; the CLI uses this to set
   * `process.exitCode` (130 on SIGINT) and abort its work so `finally` blocks still run.
   * Without it the handlers remove themselves and re-raise the signal, so the process dies of it
   * as it would have without lapidary's handler.
   */
  onSignal?: (signal: NodeJS.Signals) => void;
}

/**
 * Install SIGINT/SIGTERM handlers that run every cleanup hook first. For the CLI (the only
 * code that decides about the process); returns a function that uninstalls the handlers.
 */
export function installSignalCleanup(options: SignalCleanupOptions = {}): () => void {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const uninstall = (): void => {
    for (const signal of signals) process.removeListener(signal, handle);
  };
  function handle(signal: NodeJS.Signals): void {
    runCleanups();
    if (options.onSignal !== undefined) {
      signalled = true;
      options.onSignal(signal);
      return;
    }
    uninstall();
    process.kill(process.pid, signal);
  }
  for (const signal of signals) process.on(signal, handle);
  return uninstall;
}

/**
 * SIGKILL a process (`pid` > 0) or a process group (`pid` < 0, as for kill(2)), ignoring the
 * error when it is already gone. Returns true if the signal was delivered.
 */
export function killQuietly(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
