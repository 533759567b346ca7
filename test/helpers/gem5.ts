import { loadConfig } from '../../src/config/load.js';
import { findGem5 } from '../../src/gem5/run/locate.js';
import { ROOT } from './paths.js';
import { skipMarker } from './skip.js';

/**
 * The gem5.opt the gem5-tier tests use: the GEM5 environment variable, else gem5_path of the
 * first lapidary.yaml found upward from the repository. Undefined when there is none: those
 * tests are then reported as skipped (describe.skipIf), never passed.
 */
export const GEM5 = findGem5((await loadConfig(undefined, ROOT).catch(() => ({ gem5_path: undefined }))).gem5_path, process.env);

/** Why gem5 tests are skipped, for the test names. */
export const GEM5_SKIP_REASON = GEM5 === undefined
  ? skipMarker({ tier: 'gem5', reason: 'no gem5.opt (GEM5 unset, no gem5_path in a lapidary.yaml above the repository)', enable: 'GEM5=/path/to/gem5/build/X86/gem5.opt npm test' })
  : '';
