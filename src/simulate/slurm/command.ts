import { execa } from 'execa';

/** What one Slurm client command printed, or why it could not run. */
export interface SlurmCommandResult {
  /** The command line as run, for messages. */
  command: string;
  ok: boolean;
  exitCode?: number;
  stdout: string;
  stderr: string;
  /** The program was not found on PATH (spawn ENOENT): Slurm's client is not installed here. */
  notFound: boolean;
  /** One line saying what went wrong, in Slurm's own words when it printed any (empty when ok). */
  message: string;
}

/**
 * Run a Slurm client command (sbatch, squeue, sacct, scancel, scontrol) without a shell and
 * never throw: failures come back with Slurm's own stderr. `env` is passed whole, so SLURM_CONF
 * and PATH are the caller's.
 * @param timeoutMs kill the command after this many milliseconds (a hung slurmctld).
 */
export async function slurmCommand(program: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<SlurmCommandResult> {
  const command = [program, ...args].join(' ');
  const done = await execa(program, args, { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: timeoutMs, stripFinalNewline: true });
  const stdout = String(done.stdout ?? '');
  const stderr = String(done.stderr ?? '');
  const notFound = (done as { code?: string }).code === 'ENOENT';
  const ok = !done.failed;
  let message = '';
  if (notFound) message = `${program} not found on PATH (${env.PATH ?? 'PATH unset'}): is Slurm's client (slurm-client) installed on this host?`;
  else if (done.timedOut) message = `${command} did not answer within ${Math.round(timeoutMs / 1000)} s`;
  else if (!ok) message = stderr.trim().split('\n').filter((l) => l.trim() !== '').join(' | ') || `${command} exited with status ${done.exitCode ?? done.signal}`;
  return { command, ok, ...(done.exitCode !== undefined ? { exitCode: done.exitCode } : {}), stdout, stderr, notFound, message };
}
