import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { RunStore } from '../../simulate/records.js';
import { cancelSlurmRuns } from '../../simulate/slurm/index.js';
import { defineCommand } from '../command.js';
import { println, type CliIo } from '../io.js';

export const cancelCommand = defineCommand({
  command: 'cancel <checkpoint-dir>',
  describe: 'cancel the Slurm arrays of unfinished parallel-simulate runs (scancel) and mark those runs Killed',
  builder: (y) =>
    y
      .positional('checkpoint-dir', { type: 'string', demandOption: true, describe: 'the checkpoint directory the runs belong to' })
      .option('name', { type: 'string', describe: 'only runs of this configuration' })
      .option('wait', { type: 'number', default: 20, describe: 'seconds to wait for Slurm to report the tasks ended' }),
  run: async (args, io: CliIo) => {
    const dir = resolve(io.cwd, args['checkpoint-dir']);
    if (!existsSync(dir)) throw new UsageError(`${dir} does not exist`, { hint: 'name the checkpoint directory parallel-simulate ran on' });
    const store = new RunStore(dir);
    try {
      const report = await cancelSlurmRuns(dir, store, { ...(args.name ? { name: args.name } : {}), env: io.env, waitSeconds: args.wait });
      const scope = args.name ? ` of ${args.name}` : '';
      if (report.jobIds.length === 0) println(io.stderr, `lapidary: no unfinished Slurm runs${scope} in ${dir}`);
      else {
        if (report.scancel && !report.scancel.ok) println(io.stderr, `lapidary: ${report.scancel.command}: ${report.scancel.message}`);
        println(io.stderr, `lapidary: cancelled Slurm array${report.jobIds.length > 1 ? 's' : ''} ${report.jobIds.join(', ')}${scope}: ${report.killed.length} runs Killed, ${report.ended.length} ended meanwhile (${report.ended.map((r) => `${r.id} ${r.status}`).join(', ') || 'none'})`);
      }
      if (report.local.length > 0) {
        println(io.stderr, `lapidary: ${report.local.length} unfinished runs belong to the local pool (${report.local.map((r) => r.id).join(', ')}); stop their parallel-simulate with Ctrl-C`);
      }
      if (report.killed.length > 0) println(io.stderr, 'lapidary: run the same parallel-simulate again to resubmit every run not Finished');
      return report.scancel && !report.scancel.ok && report.killed.length > 0 ? 1 : 0;
    } finally {
      store.close();
    }
  },
});
