import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { LapidaryError } from '../errors.js';
import type { BreakpointSession, StopReport } from '../create/breakpoints.js';
import { formatBytes, shellWords } from './format.js';

export const PROMPT = '(py-gdb) ';

const HELP = `commands:
  checkpoint       take a checkpoint here (written as the next cpt.N)
  gdb <command>    run a gdb command in the stopped program, e.g. gdb info registers rip
  continue         run to the next breakpoint
  help             show this text
  exit, quit       end the session: kill the program, keep every checkpoint taken
end of input (Ctrl-D) ends the session like exit`;

/**
 * The `(py-gdb)` checkpoint shell of breakpoint mode. Reads commands line by line from `input`
 * (a terminal gets line editing and history from readline; a file or pipe is read as a script,
 * with each command echoed after the prompt), until exit/quit or end of input. Unknown commands
 * and gdb errors print a message and the prompt comes back: they never end the session.
 * @param first the stop that opened the shell.
 */
export async function runCheckpointShell(
  session: BreakpointSession,
  first: StopReport,
  io: { input: Readable; output: Writable; terminal: boolean },
): Promise<void> {
  const say = (text: string): void => {
    io.output.write(`${text}\n`);
  };
  say(first.text);
  const lines = createInterface({ input: io.input, output: io.terminal ? io.output : undefined, terminal: io.terminal, prompt: PROMPT, historySize: 1000 });
  const prompt = (): void => {
    if (io.terminal) lines.prompt();
    else io.output.write(PROMPT);
  };
  prompt();
  try {
    for await (const raw of lines) {
      const line = raw.trim();
      if (!io.terminal) say(line);
      const [word = '', ...rest] = line.split(/\s+/);
      try {
        if (word === 'exit' || word === 'quit') return;
        if (word === '') {
          // nothing: an empty line does not repeat the last command
        } else if (word === 'help') {
          say(HELP);
        } else if (word === 'checkpoint' && rest.length === 0) {
          const cpt = await session.checkpoint();
          say(`checkpoint ${cpt.index} written to ${cpt.path} (${cpt.pagesStored} pages, ${formatBytes(cpt.bytesCompressed)} gzip, paused ${cpt.pauseMs.toFixed(0)} ms)`);
          for (const note of cpt.notes) say(`  note: ${note}`);
          if (cpt.stdinRest !== undefined) say(`  se.py: gem5.opt ${shellWords(cpt.sePyArguments)}`);
        } else if (word === 'continue' && rest.length === 0) {
          say((await session.continue()).text);
        } else if (word === 'gdb' && rest.length > 0) {
          io.output.write(await session.gdb(line.slice(3).trim()));
        } else {
          say(`unknown command: ${JSON.stringify(line)}; type help for the commands`);
        }
      } catch (error) {
        if (!(error instanceof LapidaryError)) throw error;
        say(`error: ${error.message}`);
      }
      prompt();
    }
    say('');
  } finally {
    lines.close();
  }
}
