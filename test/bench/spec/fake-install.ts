/**
 * A temporary directory laid out like an installed and built SPEC CPU 2017 v1.1.0:
 * `bin/specxz`, `benchspec/CPU/<bench>/exe/<exe>_base.<label>` for every executable of all 47
 * benchmarks (copies of one compiled C program that prints its argv and stdin length), and
 * `benchspec/CPU/<bench>/data/<dir>/input/<file>` with the file names of the real installation
 * (test/fixtures/spec/data-layout.json). Each data file contains `<bench>/<dir>/<file>` so a
 * test can tell which directory a run-directory file came from.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SPEC_BENCHMARKS } from '../../../src/bench/spec/index.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/spec/', import.meta.url));

/** `{ benchmarks: { '<bench>': { '<dir>': ['<file>', …] } } }` */
export const DATA_LAYOUT = JSON.parse(readFileSync(join(FIXTURES, 'data-layout.json'), 'utf8')) as {
  benchmarks: Record<string, Record<string, string[]>>;
};

/** Compile the stand-in benchmark program into `dir`; returns its path. */
export function compileFakeBenchmark(dir: string): string {
  const out = join(dir, 'fake-benchmark');
  execFileSync('gcc', ['-O1', '-Wall', '-Werror', '-o', out, join(FIXTURES, 'fake-benchmark.c')]);
  return out;
}

/** Content written to each fake data file. */
export function dataContent(bench: string, dataSet: string, rel: string): string {
  return `${bench}/${dataSet}/${rel}\n`;
}

export interface FakeSpecOptions {
  /** Build label; default `lapidary-test`. */
  readonly label?: string;
  /** Benchmarks to leave unbuilt (no exe/ entries). */
  readonly unbuilt?: readonly string[];
  /** Benchmarks whose data/ directory to leave out. */
  readonly noData?: readonly string[];
  /** Lay out only these benchmarks (default: all 47); creating files is slow on some disks. */
  readonly only?: readonly string[];
}

/** Create a fake installation under a new temporary directory; returns its root. */
export function makeFakeSpec(program: string, options: FakeSpecOptions = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'lapidary-spec-'));
  const label = options.label ?? 'lapidary-test';
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'shrc'), '# fake SPEC CPU 2017 installation for lapidary tests\n');
  // `specxz -dc FILE > OUT`: the fake "decompresses" by copying.
  writeFileSync(join(root, 'bin', 'specxz'), '#!/bin/sh\n[ "$1" = -dc ] || exit 2\nexec cat "$2"\n');
  chmodSync(join(root, 'bin', 'specxz'), 0o755);
  for (const bench of SPEC_BENCHMARKS) {
    if (options.only !== undefined && !options.only.includes(bench.name)) continue;
    const dir = join(root, 'benchspec', 'CPU', bench.name);
    mkdirSync(join(dir, 'Spec'), { recursive: true });
    if (!options.unbuilt?.includes(bench.name)) installExes(root, bench.name, bench.exes, label, program);
    if (options.noData?.includes(bench.name)) continue;
    for (const [dataSet, files] of Object.entries(DATA_LAYOUT.benchmarks[bench.name] ?? {})) {
      for (const rel of files) writeData(root, bench.name, dataSet, rel, dataContent(bench.name, dataSet, rel));
    }
  }
  return root;
}

/** Install copies of `program` as `exe/<exe>_base.<label>` of one benchmark. */
export function installExes(root: string, bench: string, exes: readonly string[], label: string, program: string): void {
  const exeDir = join(root, 'benchspec', 'CPU', bench, 'exe');
  mkdirSync(exeDir, { recursive: true });
  for (const exe of exes) {
    const path = join(exeDir, `${exe}_base.${label}`);
    copyFileSync(program, path);
    chmodSync(path, 0o755);
  }
}

/** Write one data file, creating directories. */
export function writeData(root: string, bench: string, dataSet: string, rel: string, content: string): string {
  const path = join(root, 'benchspec', 'CPU', bench, 'data', dataSet, 'input', rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}
