/** The Slurm backend of `lapidary parallel-simulate --executor slurm`; see executor.ts. */
export { SlurmExecutor, type SlurmExecutorOptions } from './executor.js';
export { syncSlurmRuns, unfinishedSlurmRecords, type SyncReport } from './sync.js';
export { cancelSlurmRuns, type CancelReport } from './cancel.js';
export { runSlurmTask, type RunTaskOptions } from './run-task.js';
export { OUTCOME_FILE, type OutcomeFile, type SignalNote } from './files.js';
export type { SlurmSubmitOptions } from './script.js';
export type { SlurmTaskState } from './states.js';
