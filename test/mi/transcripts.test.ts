import { describe, expect, it } from 'vitest';
import { parseRecord, type MiRecord } from '../../src/mi/index.js';
import { loadTranscript, transcriptNames } from './helpers/transcript.js';

/**
 * Golden records: every line gdb 13.1 printed in the recorded transcripts parses, every result
 * answers a command sent before it (once), and the parsed records match the reviewed
 * `<scenario>.records.json` beside each transcript (refresh with `npx vitest run test/mi -u`).
 */
describe.each(transcriptNames())('transcript %s.mi', (name) => {
  const transcript = loadTranscript(name);

  it('names the gdb that recorded it', () => {
    expect(transcript.header[0]).toMatch(/^recorded by scripts\/record-mi\.ts on GNU gdb .*13\.1/);
  });

  it('parses every received line, and each result answers an earlier command once', async () => {
    const answered = new Set<number>();
    const records: Array<{ line: number; record: MiRecord }> = [];
    for (const { lineNumber, text } of transcript.received) {
      const record = parseRecord(text);
      records.push({ line: lineNumber, record });
      if (record.type !== 'result') continue;
      expect(record.token, `line ${lineNumber}`).toBeDefined();
      const command = transcript.sent.find((sent) => sent.token === record.token);
      expect(command, `line ${lineNumber}: token ${record.token} was never sent`).toBeDefined();
      expect(command?.lineNumber ?? Infinity, `line ${lineNumber}: answer before its command`).toBeLessThan(lineNumber);
      expect(answered.has(record.token ?? -1), `line ${lineNumber}: token answered twice`).toBe(false);
      answered.add(record.token ?? -1);
    }
    expect([...answered].sort((a, b) => a - b)).toEqual(transcript.sent.map((sent) => sent.token));
    const oneRecordPerLine = `[\n${records.map((entry) => JSON.stringify(entry)).join(',\n')}\n]\n`;
    await expect(oneRecordPerLine).toMatchFileSnapshot(`../fixtures/mi/gdb-13.1/${name}.records.json`);
  });
});
