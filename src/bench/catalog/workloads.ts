import { corpus } from './corpus.js';

/** How big a catalog workload's input is: `small` runs natively in about a tenth of a second. */
export type WorkloadSize = 'small' | 'default';

/** What to run for a catalog workload, relative to its working directory. */
export interface WorkloadInvocation {
  /** argv; argv[0] is the Debian program's absolute path, so no other installation in PATH is picked. */
  argv: string[];
  /** File (in the working directory) to feed on stdin. */
  stdin?: string;
  /** Files to create in the working directory before the run: name → contents. */
  files: Record<string, string>;
}

/** A real program from a Debian package, on a deterministic input. */
export interface Workload {
  name: string;
  /** Debian package providing the program (installed by .ci/run). */
  debianPackage: string;
  description: string;
  /**
   * Why the program's checkpoints only restore in gem5 when it ran under `--vm`: it picks code
   * gem5 lacks by its own CPUID test, which no environment variable turns off.
   */
  needsVm?: string;
  invocation(size: WorkloadSize): WorkloadInvocation;
}

const CORPUS_BYTES: Record<WorkloadSize, number> = { small: 192 * 1024, default: 3 * 1024 * 1024 };
/** The corpus, `scale` times the size's bytes (fast programs get more input to run as long as the others). */
const text = (size: WorkloadSize, scale = 1): Record<string, string> => ({ 'corpus.txt': corpus(CORPUS_BYTES[size] * scale) });

const PERL_WORDFREQ = `use strict; use warnings;
my %count; my $lines = 0;
while (my $line = <>) { $lines++; $count{lc $_}++ for split /\\W+/, $line; }
delete $count{''};
my @top = (sort { $count{$b} <=> $count{$a} || $a cmp $b } keys %count)[0 .. 19];
printf "%-12s %d\\n", $_, $count{$_} for @top;
printf "lines %d words %d distinct %d\\n", $lines, eval { my $t = 0; $t += $_ for values %count; $t }, scalar keys %count;
`;

const PYTHON_ANALYSIS = `import collections, hashlib, json, sys
words = open(sys.argv[1]).read().split()
counts = collections.Counter(w.strip('.') for w in words)
pairs = collections.Counter(zip(words, words[1:]))
for word, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]:
    print(f"{word:<12} {n}")
doc = json.dumps({"top_pairs": [[a, b, n] for (a, b), n in pairs.most_common(50)]}, sort_keys=True)
print("pairs", len(pairs), "digest", hashlib.sha256(doc.encode()).hexdigest()[:32])
print("sorted", hashlib.sha256(" ".join(sorted(words)).encode()).hexdigest()[:32])
`;

/**
 * Integer and text results only: SQLite formats floating-point values with long double (x87)
 * arithmetic, which gem5 v24 runs wrongly (fcomip is unimplemented).
 */
function sqliteScript(size: WorkloadSize): string {
  const rows = size === 'small' ? 20000 : 300000;
  return `CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
INSERT INTO t SELECT i, (i * 7919) % 1000, printf('row-%08d', (i * 104729) % ${rows}) FROM n;
CREATE INDEX t_k ON t(k);
SELECT k, count(*), min(v), max(v) FROM t GROUP BY k ORDER BY count(*) DESC, k LIMIT 10;
SELECT count(*), sum(length(v)), sum(k) FROM t WHERE v LIKE '%7%';
SELECT a.k, count(*) FROM t a JOIN t b ON a.k = b.k AND a.id < b.id WHERE a.id % 97 = 0 GROUP BY a.k ORDER BY a.k LIMIT 5;
`;
}

/**
 * The built-in catalog: programs every Debian machine has (or .ci/run installs), on inputs
 * generated here, so `--bench xz` works on a fresh machine with no SPEC installation.
 */
export const CATALOG: readonly Workload[] = [
  // --check=crc32: liblzma 5.4's default CRC64 uses PCLMULQDQ, chosen by its own CPUID test with
  // no switch to turn it off, and gem5 v24 lacks it (create --vm handles the default check).
  { name: 'xz', debianPackage: 'xz-utils', description: 'LZMA2 compression (xz -6 --check=crc32) of a text corpus',
    invocation: (size) => ({ argv: ['/usr/bin/xz', '-6', '--check=crc32', '-c', 'corpus.txt'], files: text(size) }) },
  { name: 'bzip2', debianPackage: 'bzip2', description: 'Burrows-Wheeler compression (bzip2 -9) of a text corpus',
    invocation: (size) => ({ argv: ['/usr/bin/bzip2', '-9', '-c', 'corpus.txt'], files: text(size, 5) }) },
  { name: 'gzip', debianPackage: 'gzip', description: 'DEFLATE compression (gzip -9) of a text corpus',
    invocation: (size) => ({ argv: ['/usr/bin/gzip', '-9', '-c', 'corpus.txt'], files: text(size) }) },
  { name: 'zstd', debianPackage: 'zstd', description: 'Zstandard compression (zstd -12 --single-thread --no-asyncio) of a text corpus',
    needsVm: 'libzstd picks BMI2 code (shlx, shrx) by its own CPUID test, and gem5 v24 lacks BMI2',
    invocation: (size) => ({ argv: ['/usr/bin/zstd', '-12', '--single-thread', '--no-asyncio', '-q', '-c', 'corpus.txt'], files: text(size) }) },
  { name: 'perl', debianPackage: 'perl-base', description: 'word frequencies of a text corpus in a Perl script',
    invocation: (size) => ({ argv: ['/usr/bin/perl', 'wordfreq.pl', 'corpus.txt'], files: { ...text(size, 5), 'wordfreq.pl': PERL_WORDFREQ } }) },
  { name: 'python3', debianPackage: 'python3', description: 'word and bigram counts, JSON and hashing in a Python script',
    invocation: (size) => ({ argv: ['/usr/bin/python3', 'analysis.py', 'corpus.txt'], files: { ...text(size), 'analysis.py': PYTHON_ANALYSIS } }) },
  { name: 'sqlite3', debianPackage: 'sqlite3', description: 'an in-memory SQLite database: bulk insert, index, group-by and join queries',
    invocation: (size) => ({ argv: ['/usr/bin/sqlite3', ':memory:'], stdin: 'queries.sql', files: { 'queries.sql': sqliteScript(size) } }) },
];

/** The catalog workload of that name, if any. */
export function catalogWorkload(name: string): Workload | undefined {
  return CATALOG.find((w) => w.name === name);
}
