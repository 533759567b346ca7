/**
 * mi: gdb/MI as text. Parses one output line into a typed record (grammar.ts, cstring.ts,
 * value.ts), interprets stop records (stop.ts) and register texts (register-value.ts).
 * Pure: no processes, files or timers; must not import src/gdb or anything doing I/O.
 * The typed MI command wrappers are in ./commands (exported separately from './commands/index.js').
 */
export { parseRecord } from './grammar.js';
export { quoteCString, readCString } from './cstring.js';
export { MiTuple, type MiEntries, type MiValue } from './value.js';
export type { MiAsyncRecord, MiPromptRecord, MiRecord, MiResultClass, MiResultRecord, MiStreamRecord } from './record.js';
export { parseGdbExitCode, parseStopEvent, type StopEvent } from './stop.js';
export { parseRegisterValue } from './register-value.js';
export { recordExcerpt } from './excerpt.js';
export * from './commands/index.js';
