import { resolve } from 'node:path';
import { RunStore } from '../../simulate/records.js';
import type { RunRecord, RunStatus } from '../../simulate/run-types.js';
import { defineCommand } from '../command.js';
import { println, type CliIo } from '../io.js';

const STATUSES = ['Created', 'Spawning', 'Running', 'Finished', 'Failed', 'Timeout', 'Killed'] as const;

function line(r: RunRecord): string {
  const cause = r.failureDetail ?? r.exitCause ?? '';
  const cpi = r.measurement ? r.measurement.cpi.toFixed(4) : '';
  return [r.id.padEnd(24), r.status.padEnd(9), cpi.padStart(8), (r.startedAt ?? '').padEnd(24), cause].join('  ').trimEnd();
}

export const runsCommand = defineCommand({
  command: 'runs [checkpoint-dir]',
  describe: 'list the gem5 runs recorded for a checkpoint directory',
  builder: (y) =>
    y
      .positional('checkpoint-dir', { type: 'string', default: '.', describe: 'the checkpoint directory' })
      .option('status', { choices: STATUSES, describe: 'only runs with this status' })
      .option('name', { type: 'string', describe: 'only runs of this configuration' })
      .option('json', { type: 'boolean', default: false, describe: 'print the records as JSON' }),
  run: async (args, io: CliIo) => {
    const store = new RunStore(resolve(io.cwd, args['checkpoint-dir']));
    try {
      const records = store.list({ ...(args.status ? { status: args.status as RunStatus } : {}), ...(args.name ? { name: args.name } : {}) });
      if (args.json) {
        io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
      } else {
        println(io.stdout, ['run'.padEnd(24), 'status'.padEnd(9), 'CPI'.padStart(8), 'started'.padEnd(24), 'cause'].join('  '));
        for (const record of records) println(io.stdout, line(record));
      }
      return 0;
    } finally {
      store.close();
    }
  },
});
