import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_DIR, recordScenarios, SCENARIOS } from '../../scripts/record-mi.js';
import { parseRecord, type MiEntries, type MiValue } from '../../src/mi/index.js';
import { loadTranscript, TRANSCRIPT_DIR, type Transcript } from '../mi/helpers/transcript.js';

/**
 * Drift check: re-record every scenario on the installed gdb and compare the *shapes* (record
 * types, classes, field names; not addresses, pids or text) with the stored gdb-13.1 transcripts,
 * so that a gdb upgrade that changes MI output announces itself here.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const freshDir = mkdtempSync(join(tmpdir(), 'lapidary-mi-drift-'));
/** mi-target is compiled here, not into the stored transcripts' BUILD_DIR, so that nothing outlives the test. */
const freshBuild = join(freshDir, 'build');
afterAll(() => { if (process.env.KEEP_DRIFT === undefined) rmSync(freshDir, { recursive: true, force: true }); });

/** A value's structure: `c` for a c-string, names for tuples, the distinct item shapes of lists. */
function shapeOf(value: MiValue): unknown {
  if (value.kind === 'const') return 'c';
  if (value.kind === 'tuple') return entriesShape(value.entries);
  if (value.kind === 'resultList') return { results: distinct(value.entries.map(([name, item]) => [name, shapeOf(item)])) };
  return { values: distinct(value.items.map(shapeOf)) };
}

function entriesShape(entries: MiEntries): unknown {
  return entries.map(([name, value]) => [name, shapeOf(value)]);
}

function distinct(shapes: unknown[]): string[] {
  return [...new Set(shapes.map((shape) => JSON.stringify(shape)))].sort();
}

/**
 * Per command (token stripped): its result's class and shape; plus the set of out-of-band shapes.
 * `buildDir`, where the transcript's mi-target was compiled, is written as BUILD_DIR in commands.
 */
function transcriptShape(transcript: Transcript, buildDir = BUILD_DIR) {
  const results = new Map<number, unknown>();
  const outOfBand = new Set<string>();
  for (const { text } of transcript.received) {
    const record = parseRecord(text);
    if (record.type === 'result') results.set(record.token ?? -1, [record.resultClass, entriesShape(record.results.entries)]);
    else if (record.type === 'exec' || record.type === 'status' || record.type === 'notify') {
      outOfBand.add(JSON.stringify([record.type, record.asyncClass, entriesShape(record.results.entries)]));
    } else outOfBand.add(record.type);
  }
  // start() adds `unset environment LC_ALL` when lapidary runs without a UTF-8 locale (see src/gdb/locale.ts).
  const commands = transcript.sent.filter(({ command }) => !/environment LC_ALL/.test(command));
  return {
    commands: commands.map(({ token, command }) => ({ command: command.replaceAll(buildDir, BUILD_DIR), result: results.get(token) })),
    outOfBand: [...outOfBand].sort(),
  };
}

describe('recorded transcripts still describe the installed gdb', async () => {
  const fresh = await recordScenarios(ROOT, freshDir, SCENARIOS, freshBuild);

  it('records every scenario', () => {
    expect(fresh.map((file) => file.slice(freshDir.length + 1))).toEqual(SCENARIOS.map((scenario) => `${scenario.name}.mi`));
  });

  it.each(SCENARIOS.map((scenario) => scenario.name))('%s has the shapes of the stored transcript', (name) => {
    const stored = transcriptShape(loadTranscript(name));
    const recorded = loadTranscript(name, freshDir);
    expect(recorded.sent.map((s) => s.command)).toContain(`-file-exec-and-symbols "${join(freshBuild, 'mi-target')}"`);
    const now = transcriptShape(recorded, freshBuild);
    expect(now, `re-recorded ${name}.mi differs in shape from ${TRANSCRIPT_DIR}${name}.mi`).toEqual(stored);
  });
});
