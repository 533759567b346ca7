import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { Gem5FailedError, InterruptedError } from '../../errors.js';
import type { BuildStep, Gem5BuildPlan } from './plan.js';

/** One line of scons' own output, e.g. ` [     CXX] src/arch/x86/faults.cc -> X86/arch/x86/faults.o`. */
const COMPILE_LINE = /^\s*\[\s*(CXX|CC|SHCXX|SHCC)\]/;

/** Where the build's output and progress go. */
export interface BuildOutput {
  /** scons' own lines, as they come. */
  line(text: string): void;
  /** lapidary's progress lines: each step, and the count of compiled files every `every` files. */
  progress(text: string): void;
}

/**
 * The command as a shell would show it, with its environment, for --dry-run and the progress
 * lines (it is run without a shell).
 */
export function showStep(step: BuildStep): string {
  const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
  return `(cd ${quote(step.cwd)} && ${Object.entries(step.env).map(([k, v]) => `${k}=${quote(v)}`).join(' ')} ${step.argv.map(quote).join(' ')})`;
}

/**
 * Write the plan's files, then run its steps in order, passing scons' lines to `output.line` and
 * counting compiled files (`every`: how often to report the count).
 * @throws Gem5FailedError naming the step that failed and its exit status; InterruptedError
 *   when `signal` aborts (scons is killed; running the build again resumes it).
 */
export async function runGem5Build(plan: Gem5BuildPlan, output: BuildOutput, options: { signal?: AbortSignal; every?: number } = {}): Promise<void> {
  for (const file of plan.files) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.contents);
    await chmod(file.path, file.mode);
  }
  const every = options.every ?? 50;
  for (const [index, step] of plan.steps.entries()) {
    output.progress(`step ${index + 1}/${plan.steps.length}: ${step.what}: ${showStep(step)}`);
    const started = Date.now();
    let compiled = 0;
    const child = execa(step.argv[0]!, step.argv.slice(1), {
      cwd: step.cwd, env: step.env, reject: false, stdin: 'ignore', all: true, buffer: false, forceKillAfterDelay: 5000,
      ...(options.signal !== undefined ? { cancelSignal: options.signal } : {}),
    });
    for await (const line of child.iterable({ from: 'all' })) {
      output.line(line);
      if (COMPILE_LINE.test(line) && ++compiled % every === 0) {
        output.progress(`${compiled} files compiled in ${Math.round((Date.now() - started) / 60_000)} min (a full gem5.opt build compiles about 1,800)`);
      }
    }
    const done = await child;
    if (options.signal?.aborted) throw new InterruptedError(`interrupted during: ${step.what}`, { hint: 'run the same command again: scons resumes where it stopped' });
    if (done.exitCode !== 0) {
      throw new Gem5FailedError(`${step.what} failed (${done.signal ? `killed by ${done.signal}` : `scons exit status ${done.exitCode ?? '?'}`}${done.code === 'ENOENT' ? ': scons not found' : ''})`, {
        hint: 'scons\' error is in the lines above; fix it and run the same command again (the build resumes)',
        keptPath: step.cwd,
      });
    }
    output.progress(`${step.what}: done in ${Math.round((Date.now() - started) / 1000)} s, ${compiled} files compiled`);
  }
}
