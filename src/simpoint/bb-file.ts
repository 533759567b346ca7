/**
 * SimPoint's basic-block-vector text format (`.bb`), as Valgrind's exp-bbv writes it
 * (exp-bbv/bbv_main.c, handle_overflow: `T` then `:id:count` per block executed in the interval,
 * one line per interval) and SimPoint 3.2 reads it (`-loadFVFile`): block ids are positive
 * integers, counts are instructions the block executed in the interval. Lines starting with `#`
 * (exp-bbv's closing summary) and blank lines are not intervals.
 */

/** One interval's vector: block id → instructions executed in the interval (sparse). */
export type BasicBlockVector = Map<number, number>;

/** The `.bb` text of `vectors`, one `T` line per interval, ids ascending. */
export function formatBbFile(vectors: readonly BasicBlockVector[]): string {
  return vectors
    .map((v) => `T${[...v.entries()].sort((a, b) => a[0] - b[0]).map(([id, n]) => `:${id}:${n} `).join('')}\n`)
    .join('');
}

/**
 * Parse `.bb` text into one vector per `T` line.
 * @throws Error naming the line, for text that is not in the format.
 */
export function parseBbFile(text: string): BasicBlockVector[] {
  const vectors: BasicBlockVector[] = [];
  text.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (!trimmed.startsWith('T')) throw new Error(`line ${index + 1} of the .bb file does not start with "T"`);
    const v: BasicBlockVector = new Map();
    for (const token of trimmed.slice(1).split(/\s+/).filter((t) => t !== '')) {
      const match = /^:(\d+):(\d+)$/.exec(token);
      if (match === null) throw new Error(`line ${index + 1} of the .bb file has "${token}", not ":id:count"`);
      const id = Number(match[1]);
      v.set(id, (v.get(id) ?? 0) + Number(match[2]));
    }
    vectors.push(v);
  });
  return vectors;
}

/** Instructions in a vector (the sum of its counts). */
export function vectorInstructions(v: BasicBlockVector): number {
  let n = 0;
  for (const c of v.values()) n += c;
  return n;
}
