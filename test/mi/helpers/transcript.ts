import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MiCommandError } from '../../../src/errors.js';
import { parseRecord, type MiCommandSender, type MiResultRecord } from '../../../src/mi/index.js';

/** test/fixtures/mi/gdb-13.1, the transcripts scripts/record-mi.ts recorded. */
export const TRANSCRIPT_DIR = fileURLToPath(new URL('../../fixtures/mi/gdb-13.1/', import.meta.url));

/** One `.mi` file: `#` header, `>` lines sent (token + command), `<` lines received, with line numbers. */
export interface Transcript {
  name: string;
  header: string[];
  sent: Array<{ lineNumber: number; token: number; command: string }>;
  received: Array<{ lineNumber: number; text: string }>;
}

/** Names of every recorded scenario (file name without `.mi`), sorted. */
export function transcriptNames(): string[] {
  return readdirSync(TRANSCRIPT_DIR).filter((file) => file.endsWith('.mi')).map((file) => file.slice(0, -3)).sort();
}

/** Read `<name>.mi` from `dir` (default TRANSCRIPT_DIR). Throws on a line that is neither `#`, `> ` nor `< `. */
export function loadTranscript(name: string, dir = TRANSCRIPT_DIR): Transcript {
  const transcript: Transcript = { name, header: [], sent: [], received: [] };
  readFileSync(join(dir, `${name}.mi`), 'utf8').split('\n').forEach((line, index) => {
    const lineNumber = index + 1;
    if (line === '') return;
    if (line.startsWith('# ')) transcript.header.push(line.slice(2));
    else if (line.startsWith('< ')) transcript.received.push({ lineNumber, text: line.slice(2) });
    else if (line.startsWith('> ')) {
      const match = /^(\d+)(.*)$/.exec(line.slice(2));
      if (match?.[1] === undefined || match[2] === undefined) throw new Error(`${name}.mi:${lineNumber}: sent line without a token`);
      transcript.sent.push({ lineNumber, token: Number(match[1]), command: match[2] });
    } else throw new Error(`${name}.mi:${lineNumber}: not a transcript line: ${line}`);
  });
  return transcript;
}

/**
 * A MiCommandSender answering from a transcript: each command gets the result record gdb gave
 * the same command text, in order (a fake of gdb for the pure command wrappers, replaying what
 * a real gdb said). Rejects with MiCommandError on a recorded `^error`, as GdbSession does.
 */
export class ReplaySender implements MiCommandSender {
  readonly commandsSent: string[] = [];
  private readonly used = new Set<number>();

  constructor(private readonly transcript: Transcript) {}

  async send(command: string): Promise<MiResultRecord> {
    this.commandsSent.push(command);
    const sent = this.transcript.sent.find((entry) => entry.command === command && !this.used.has(entry.token));
    if (sent === undefined) throw new Error(`${this.transcript.name}.mi has no unused command ${command}`);
    this.used.add(sent.token);
    for (const { text } of this.transcript.received) {
      const record = parseRecord(text);
      if (record.type === 'result' && record.token === sent.token) {
        if (record.resultClass === 'error') throw new MiCommandError(command, record.results.str('msg'));
        return record;
      }
    }
    throw new Error(`${this.transcript.name}.mi has no result for token ${sent.token}`);
  }
}
