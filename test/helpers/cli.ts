import { execa } from 'execa';
import { CLI } from './paths.js';

/** Run the built `lapidary` CLI as a real subprocess and collect what it printed; `input` is piped to its stdin (else none). */
export async function lapidary(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa('node', [CLI, ...args], {
    reject: false,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: options.env ?? process.env,
    extendEnv: options.env === undefined,
    timeout: options.timeoutMs ?? 300_000,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
