import { writeFileSync } from 'node:fs';
import { lapidary } from './cli.js';

/**
 * `lapidary create --breakpoints LOCATION --commands FILE` with the (py-gdb) shell commands
 * given (e.g. `['checkpoint', 'continue', 'checkpoint', 'exit']`), written to `<directory>.commands`.
 * @returns the finished create run; its checkpoints are `<directory>/cpt.N`.
 */
export async function createAtBreakpoints(
  cmd: string,
  location: string,
  commands: readonly string[],
  directory: string,
  options: { stdout: string; env: NodeJS.ProcessEnv },
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const file = `${directory}.commands`;
  writeFileSync(file, `${commands.join('\n')}\n`);
  return lapidary(['create', '--cmd', cmd, '--breakpoints', location, '--commands', file, '--directory', directory, '--stdout', options.stdout], { env: options.env });
}
