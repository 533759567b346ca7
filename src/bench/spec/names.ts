/**
 * Benchmark name → table entry. Pure; no I/O.
 *
 * Accepted spellings, case-insensitively: the full name (`505.mcf_r`), the number (`505`), the
 * name without the number (`mcf_r`, `specrand_ir`) and the short name (`mcf`). Unlike the
 * original lapidary (which matched any substring, so `c` selected half the suite), a name must
 * equal one of these; a short name shared by a rate and a speed benchmark is rejected with the
 * candidates, and the user picks one by full name or suffix.
 */
import { UsageError } from '../../errors.js';
import { SPEC_BENCHMARKS } from './table/index.js';
import type { SpecBenchmarkSpec } from './types.js';

function candidates(query: string): SpecBenchmarkSpec[] {
  const q = query.trim().toLowerCase();
  const exact = SPEC_BENCHMARKS.filter(
    (b) => b.name.toLowerCase() === q || String(b.number) === q || b.benchName.toLowerCase() === q,
  );
  if (exact.length > 0) return exact;
  return SPEC_BENCHMARKS.filter((b) => b.shortName.toLowerCase() === q);
}

/** Names that look like the query, for the "did you mean" hint. */
function nearNames(query: string): string[] {
  const q = query.trim().toLowerCase();
  if (q.length < 2) return [];
  return SPEC_BENCHMARKS.filter((b) => {
    const s = b.shortName.toLowerCase();
    return s.includes(q) || q.includes(s) || b.name.toLowerCase().includes(q);
  }).map((b) => b.name);
}

/**
 * The benchmark a user-given name denotes.
 *
 * @param name `505.mcf_r`, `505`, `mcf_r` or `mcf` (any case).
 * @returns the table entry.
 * @throws UsageError when the name is unknown (with close names in the hint) or ambiguous
 *   (listing every candidate, e.g. `mcf` → 505.mcf_r, 605.mcf_s).
 */
export function findBenchmark(name: string): SpecBenchmarkSpec {
  const found = candidates(name);
  if (found.length === 1) return found[0]!;
  if (found.length > 1) {
    const list = found.map((b) => `${b.name} (${b.suite})`).join(', ');
    const picks = found.map((b) => `${b.name} or ${b.benchName}`).join('; ');
    throw new UsageError(`benchmark name '${name}' is ambiguous: it matches ${found.length} SPEC CPU 2017 benchmarks: ${list}`, {
      hint: `name exactly one of them: ${picks}`,
    });
  }
  const near = nearNames(name);
  throw new UsageError(`unknown SPEC CPU 2017 benchmark '${name}'`, {
    hint:
      near.length > 0
        ? `did you mean ${near.join(', ')}? (\`lapidary bench list\` shows all 47)`
        : 'use a full name (505.mcf_r), a number (505), mcf_r or mcf; `lapidary bench list` shows all 47',
  });
}
