import { writeFile, access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { CONFIG_FILE } from '../../config/load.js';
import { defineCommand } from '../command.js';
import { CONFIG_OPTION } from '../config-option.js';
import { println, type CliIo } from '../io.js';

const STARTER = `# lapidary.yaml: lapidary's configuration (lapidary --config-help lists every key).
# lapidary reads the first lapidary.yaml found from the current directory upward, or -c PATH.
# Relative paths are relative to this file.

# gem5 v24.0 built for X86: the gem5.opt binary, a gem5 source tree, or its build directory.
# The GEM5 environment variable, if set, takes precedence.
# gem5_path: /opt/gem5/build/X86/gem5.opt

# Defaults for simulate and parallel-simulate.
simulation:
  cpu: o3                      # atomic | timing | minor | o3
  caches: l1i=32KiB:8,l1d=32KiB:8,l2=1MiB:16
  warmup_insts: 5000000        # detailed warm-up before the statistics are reset
  detail_insts: 100000         # measured instructions per checkpoint (SMARTS unit)
  # jobs: 2                    # parallel gem5 runs (default: the number of cores)
  # timeout: 3600              # seconds before a gem5 run is killed

# SPEC CPU 2017, for --bench 505.mcf_r and the like.
# spec2017:
#   install_path: /opt/spec2017
#   workspace: ./spec-runs     # default: the installation's own run directories
#   size: ref                  # test | train | refrate | refspeed | ref
#   label: mytest-m64          # the config label the binaries were built with
#   tune: base
`;

export const configCommand = defineCommand({
  command: 'config init',
  describe: 'write a commented starter lapidary.yaml in the current directory (or at -c PATH)',
  builder: (y) =>
    y
      .option('force', { type: 'boolean', default: false, describe: 'overwrite an existing lapidary.yaml' })
      .option('config', { ...CONFIG_OPTION, describe: `where to write it (default: ${CONFIG_FILE} in the current directory)` }),
  run: async (args, io: CliIo) => {
    const path = resolve(io.cwd, args.config ?? CONFIG_FILE);
    if (!args.force && (await access(path).then(() => true, () => false))) {
      throw new UsageError(`${path} already exists`, { hint: 'use --force to overwrite it' });
    }
    await writeFile(path, STARTER);
    println(io.stdout, `wrote ${path}`);
    return 0;
  },
});
