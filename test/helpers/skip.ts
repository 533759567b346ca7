/**
 * Tests that cannot run on this machine are skipped (describe.skipIf / it.skipIf), never passed,
 * and say so in their name with a marker made here: the tier they belong to, why it cannot run
 * and the command that enables it. test/reporters/skipped-tiers.ts reads the markers back and
 * lists each skipped tier at the end of `npm test`.
 */

/** One tier of tests that is skipped here. */
export interface SkippedTier {
  /** Short name, e.g. `gem5`, `Slurm`, `QEMU guest`. */
  tier: string;
  /** What this machine lacks. */
  reason: string;
  /** The command (or setting) that makes the tier run. */
  enable: string;
}

/** ` [skipped: TIER: REASON; to run: ENABLE]`, appended to a skipped test's or suite's name. */
export function skipMarker({ tier, reason, enable }: SkippedTier): string {
  return ` [skipped: ${tier}: ${reason}; to run: ${enable}]`;
}

const MARKER = /\[skipped: ([^:\]]+): (.*?); to run: (.*?)\](?=$| >| \[)/;

/** The tier a test's full name (suites and test joined by ` > `) names in its skip marker, if any. */
export function parseSkipMarker(fullName: string): SkippedTier | undefined {
  const match = MARKER.exec(fullName);
  return match === null ? undefined : { tier: match[1]!, reason: match[2]!, enable: match[3]! };
}
