import { LapidaryError, UsageError, ConfigError, InterruptedError } from '../errors.js';

/**
 * Turn a thrown value into the lines the user sees and the exit code: expected failures
 * (LapidaryError) as `error[CODE]: message` with `hint:` and `kept:` lines and no stack;
 * anything else as a lapidary bug with its stack (exit 70).
 * Exit codes: 1 the job failed, 2 usage or configuration, 130 interrupted, 70 internal error.
 */
export function renderError(error: unknown): { text: string; exitCode: number } {
  if (error instanceof LapidaryError) {
    const lines = [`error[${error.code}]: ${error.message}`];
    if (error.hint) lines.push(`  hint: ${error.hint}`);
    if (error.keptPath) lines.push(`  kept: ${error.keptPath}`);
    const exitCode = error instanceof InterruptedError ? 130 : error instanceof UsageError || error instanceof ConfigError ? 2 : 1;
    return { text: `${lines.join('\n')}\n`, exitCode };
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return {
    text: `error[LAPIDARY_INTERNAL]: this is a lapidary bug; please report it with the output below\n${stack}\n`,
    exitCode: 70,
  };
}
