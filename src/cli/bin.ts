#!/usr/bin/env node
import { InterruptedError } from '../errors.js';
import { installSignalCleanup } from '../gdb/cleanup.js';
import { run } from './main.js';

// A reader that goes away (lapidary bench list | head) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const controller = new AbortController();
installSignalCleanup({
  onSignal: (signal) => {
    process.exitCode = 130;
    controller.abort(new InterruptedError(`interrupted by ${signal}`));
  },
});
const exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = controller.signal.aborted ? 130 : exitCode;
