/**
 * simpoint: SimPoint phase analysis from lapidary's native-speed profiling pass (docs/simpoint.md).
 * BBVs from the lapinsts Valgrind tool (profile.ts), SimPoint 3's clustering (cluster.ts), and
 * SimPoint's and gem5's file formats (bb-file.ts, output.ts). Imports src/insts; knows nothing of
 * checkpoints or gem5 runs.
 */
export { formatBbFile, parseBbFile, vectorInstructions, type BasicBlockVector } from './bb-file.js';
export { DEFAULT_CLUSTER_OPTIONS, analyseSimPoints, bicScore, projectVectors, type ClusterOptions, type Clustering, type SimPointAnalysis } from './cluster.js';
export { simPointFileTexts, writeSimPointFiles, type Gem5SimpointJson, type SimPointFiles } from './output.js';
export { DEFAULT_SIMPOINT_INTERVAL, profileBasicBlocks, type BbvBlock, type BbvProfile } from './profile.js';
export { SeededRandom } from './random.js';
