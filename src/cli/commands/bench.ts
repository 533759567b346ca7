import { CATALOG } from '../../bench/catalog/workloads.js';
import { listBenchmarks } from '../../bench/spec/index.js';
import { defineCommand } from '../command.js';
import { println, type CliIo } from '../io.js';

export const benchCommand = defineCommand({
  command: 'bench list',
  describe: 'list the workloads --bench accepts: the built-in catalog and SPEC CPU 2017',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'print both catalogs as JSON' }),
  run: async (args, io: CliIo) => {
    const spec = listBenchmarks();
    if (args.json) {
      const builtIn = CATALOG.map((w) => ({ name: w.name, debianPackage: w.debianPackage, description: w.description, small: w.invocation('small').argv }));
      io.stdout.write(`${JSON.stringify({ builtIn, spec2017: spec }, null, 2)}\n`);
      return 0;
    }
    println(io.stdout, 'Built-in workloads (real Debian programs on generated inputs; --size small|default):');
    for (const w of CATALOG) {
      println(io.stdout, `  ${w.name.padEnd(9)} ${w.description} [${w.debianPackage}]${w.needsVm ? ` (needs --vm for gem5: ${w.needsVm})` : ''}`);
    }
    println(io.stdout);
    println(io.stdout, 'SPEC CPU 2017 (needs spec2017.install_path in lapidary.yaml; --size test|train|refrate|refspeed|ref; --invocation K):');
    for (const b of spec) {
      const invocations = Object.entries(b.invocations).map(([size, n]) => `${size} ${n}`).join(', ');
      println(io.stdout, `  ${b.name.padEnd(18)} ${b.suite.padEnd(9)} ${b.language.join(', ').padEnd(19)} invocations: ${invocations}${b.companion ? '  (unscored companion)' : ''}`);
    }
    return 0;
  },
});
