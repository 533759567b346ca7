import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { RUNS_DB, RunStore } from '../../simulate/records.js';
import type { RunRecord, RunStatus } from '../../simulate/run-types.js';
import { syncSlurmRuns } from '../../simulate/slurm/index.js';
import { defineCommand } from '../command.js';
import { println, type CliIo } from '../io.js';

const STATUSES = ['Created', 'Spawning', 'Running', 'Finished', 'Failed', 'Timeout', 'Killed'] as const;
/** Statuses `--watch` waits on: the run is pending or running somewhere. */
const UNDERWAY: ReadonlySet<RunStatus> = new Set(['Created', 'Spawning', 'Running']);

function line(r: RunRecord, withJob: boolean): string {
  const cause = r.failureDetail ?? r.exitCause ?? '';
  const cpi = r.measurement ? r.measurement.cpi.toFixed(4) : '';
  const job = withJob ? [(r.jobId === undefined ? '' : `${r.jobId}${r.taskId === undefined ? '' : `_${r.taskId}`}`).padEnd(12)] : [];
  return [r.id.padEnd(24), r.status.padEnd(9), cpi.padStart(8), ...job, (r.startedAt ?? '').padEnd(24), cause].join('  ').trimEnd();
}

/** The runs table: one line per run; a `job` column (Slurm `<job>_<task>`) when any run has one. */
export function runsTable(records: readonly RunRecord[]): string {
  const withJob = records.some((r) => r.jobId !== undefined);
  const header = ['run'.padEnd(24), 'status'.padEnd(9), 'CPI'.padStart(8), ...(withJob ? ['job'.padEnd(12)] : []), 'started'.padEnd(24), 'cause'].join('  ');
  return [header, ...records.map((r) => line(r, withJob))].join('\n');
}

/** `3 Spawning, 2 Running, 5 Finished` over the statuses present. */
function counts(records: readonly RunRecord[]): string {
  return STATUSES.map((s) => [s, records.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(', ') || 'no runs';
}

export const runsCommand = defineCommand({
  command: 'runs [checkpoint-dir]',
  describe: 'list the gem5 runs recorded for a checkpoint directory (--watch: follow them until none is pending or running)',
  builder: (y) =>
    y
      .positional('checkpoint-dir', { type: 'string', default: '.', describe: 'the checkpoint directory' })
      .option('status', { choices: STATUSES, describe: 'only runs with this status' })
      .option('name', { type: 'string', describe: 'only runs of this configuration' })
      .option('json', { type: 'boolean', default: false, describe: 'print the records as JSON (with --watch: once, when they are done)' })
      .option('watch', { alias: 'w', type: 'boolean', default: false, describe: 'refresh the table (and Slurm runs from squeue/sacct) until no run is pending or running' })
      .option('interval', { type: 'number', default: 5, describe: 'seconds between --watch refreshes' }),
  run: async (args, io: CliIo) => {
    const dir = resolve(io.cwd, args['checkpoint-dir']);
    if (!existsSync(dir)) throw new UsageError(`${dir} does not exist`, { hint: 'name the checkpoint directory parallel-simulate ran on' });
    if (!existsSync(join(dir, RUNS_DB))) {
      // Nothing was ever recorded here: answer so without making a database (a read makes no files).
      io.stdout.write(args.json ? '[]\n' : `${runsTable([])}\n`);
      return 0;
    }
    const store = new RunStore(dir);
    const filter = { ...(args.status ? { status: args.status as RunStatus } : {}), ...(args.name ? { name: args.name } : {}) };
    try {
      if (!args.watch) {
        const records = store.list(filter);
        io.stdout.write(args.json ? `${JSON.stringify(records, null, 2)}\n` : `${runsTable(records)}\n`);
        return 0;
      }
      const terminal = (io.stdout as { isTTY?: boolean }).isTTY === true;
      let shown = '';
      for (;;) {
        const sync = await syncSlurmRuns(dir, store, { ...(args.name ? { name: args.name } : {}), env: io.env });
        const all = store.list(args.name ? { name: args.name } : {});
        const records = store.list(filter);
        const table = runsTable(records);
        const status = `${counts(all)}${sync.problem ? `  (${sync.problem})` : ''}`;
        if (!args.json && (terminal || `${table}\n${status}` !== shown)) {
          if (terminal) io.stdout.write('\x1b[H\x1b[2J');
          else if (shown !== '') println(io.stdout);
          println(io.stdout, `${new Date().toISOString()}  ${status}`);
          println(io.stdout, table);
          shown = `${table}\n${status}`;
        }
        if (!all.some((r) => UNDERWAY.has(r.status))) {
          if (args.json) io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
          return 0;
        }
        const stopped = await sleep(args.interval * 1000, false, { signal: io.signal }).catch(() => true);
        if (stopped) return 130;
      }
    } finally {
      store.close();
    }
  },
});
