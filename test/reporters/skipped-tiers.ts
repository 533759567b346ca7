import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { relative } from 'node:path';
import { parseSkipMarker, type SkippedTier } from '../helpers/skip.js';

/**
 * A vitest reporter that ends the run with every skipped tier: how many tests it holds and in
 * which files, why it is skipped here and the command that enables it (from the markers of
 * test/helpers/skip.ts). Tests skipped without a marker (by -t, .only, or a plain .skip) are
 * counted apart. Runs after the default reporter, so its lines follow vitest's own summary.
 */
export default class SkippedTiersReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const tiers = new Map<string, SkippedTier & { tests: number; files: Set<string> }>();
    let unmarked = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        const tier = parseSkipMarker(test.fullName);
        if (tier === undefined) {
          unmarked++;
          continue;
        }
        const key = `${tier.tier}\n${tier.reason}\n${tier.enable}`;
        const entry = tiers.get(key) ?? { ...tier, tests: 0, files: new Set<string>() };
        entry.tests++;
        entry.files.add(relative(this.vitest?.config.root ?? process.cwd(), module.moduleId));
        tiers.set(key, entry);
      }
    }
    if (tiers.size === 0 && unmarked === 0) return;
    const lines = ['', 'Skipped on this machine:'];
    for (const t of [...tiers.values()].sort((a, b) => a.tier.localeCompare(b.tier))) {
      lines.push(`  ${t.tier}: ${t.tests} test${t.tests === 1 ? '' : 's'} in ${[...t.files].sort().join(', ')}`);
      lines.push(`    why:    ${t.reason}`);
      lines.push(`    to run: ${t.enable}`);
    }
    if (unmarked > 0) lines.push(`  ${unmarked} more test${unmarked === 1 ? '' : 's'} skipped by -t, .only or .skip`);
    const log = this.vitest?.logger.log.bind(this.vitest.logger) ?? console.log;
    log(lines.join('\n'));
  }
}
