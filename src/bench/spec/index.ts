/**
 * SPEC CPU 2017: benchmark names → the native invocations runcpu/specinvoke would run, and the
 * run directories they run in.
 *
 * Owns: the 47-benchmark table (table/), name and size parsing, SPEC's data-directory rules,
 * run-directory setup. Must not import gdb/, create/, gem5/ or cli/: callers (the CLI's
 * `--bench` and `bench list`) turn a `SpecInvocation` into a target to checkpoint.
 */
export type { SpecBenchmarkSpec, SpecInvocationSpec, SpecInputGeneration, SpecLanguage, SpecPreRunRewrite, SpecSize, SpecSizeSpec, SpecSourceId, SpecSuite, SpecWorkloadSource } from './types.js';
export { SPEC_BENCHMARKS } from './table/index.js';
export { SPEC_CHECK_SOURCES, SPEC_ORIGIN, sourcesOf, type SpecSource, type SpecSourceRef } from './sources.js';
export { findBenchmark } from './names.js';
export { SPEC_SIZES, isRate, parseSize, refSize, sizesOf } from './sizes.js';
export { candidateInputDirs, inputDirsInMergeOrder, type SpecDataDir } from './workload-dirs.js';
export { collectInputFiles, type SpecInputFile } from './inputs.js';
export { builtLabels, chooseLabel, exeFileName, type SpecTune } from './install.js';
export { defaultWorkspace, runDirIn, runDirName, withRunDir, type SpecGenerationStep, type SpecInvocation, type SpecResolution } from './resolution.js';
export { resolveBenchmark, type SpecResolveOptions } from './resolve.js';
export { rewriteTargets, rewriteText } from './pre-run.js';
export { prepareRunDir, type SpecInputMode, type SpecPrepareOptions, type SpecPreparedRunDir } from './run-dir.js';
export { listBenchmarks, type SpecBenchmarkListing } from './list.js';
