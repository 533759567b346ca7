import type { MiTuple } from './value.js';

/** `result-class ==> "done" | "running" | "connected" | "error" | "exit"` (GDB manual, "GDB/MI Output Syntax"). */
export type MiResultClass = 'done' | 'running' | 'connected' | 'error' | 'exit';

/** The answer to one command: `7^done,value="42"`. `token` echoes the command's token. */
export interface MiResultRecord {
  type: 'result';
  token?: number;
  resultClass: MiResultClass;
  results: MiTuple;
}

/**
 * An asynchronous record: `*stopped,…` (exec), `+download,…` (status), `=thread-group-started,…` (notify).
 * `asyncClass` is the word after the prefix, e.g. `stopped`, `running`, `breakpoint-modified`.
 * Source: GDB manual, nodes "GDB/MI Async Records" and "GDB/MI Output Syntax".
 */
export interface MiAsyncRecord {
  type: 'exec' | 'status' | 'notify';
  token?: number;
  asyncClass: string;
  results: MiTuple;
}

/** Text gdb (`~` console, `&` log) or a remote target (`@`) printed, already unescaped. */
export interface MiStreamRecord {
  type: 'console' | 'target' | 'log';
  token?: number;
  text: string;
}

/** The `(gdb)` line that ends each batch of output. */
export interface MiPromptRecord {
  type: 'prompt';
}

/** One line of gdb/MI output. */
export type MiRecord = MiResultRecord | MiAsyncRecord | MiStreamRecord | MiPromptRecord;
