/**
 * gdb: the live gdb process. Spawns it (transport.ts), correlates MI commands and results and
 * reports stops (session.ts), records transcripts (transcript.ts), and makes sure no gdb or
 * program it ran outlives lapidary (cleanup.ts, inferiors.ts).
 * Imports only src/mi and src/errors; knows nothing of checkpoints, capture or gem5.
 */
export { GdbSession } from './session.js';
export type { GdbSessionEvents, GdbSessionOptions } from './session-options.js';
export { GdbProcessTransport, type GdbSpawnOptions, type MiTransport, type TransportExit, type TransportListener } from './transport.js';
export { TranscriptRecorder } from './transcript.js';
export {
  installSignalCleanup, killQuietly, pendingCleanupCount, registerCleanup, runCleanups,
  type CleanupHook, type SignalCleanupOptions,
} from './cleanup.js';
