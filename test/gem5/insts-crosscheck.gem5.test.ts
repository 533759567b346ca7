import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cptValue, parseCpt, type CptSection } from '../../src/gem5/checkpoint/ini.js';
import { checkpointNames } from '../helpers/checkpoints.js';
import { lapidary } from '../helpers/cli.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-crosscheck-');
const env = { ...process.env, GEM5: GEM5 ?? '' };
const EVERY = 10_000_000;

/** The architectural state of a checkpoint: GPRs, PC, RFLAGS (condition codes folded back), XMM. */
function state(sections: CptSection[]): Record<string, string> {
  const u64s = (key: string): bigint[] => {
    const bytes = cptValue(sections, 'system.cpu.xc.0', key)!.split(' ').map(Number);
    return Array.from({ length: bytes.length / 8 }, (_, i) => bytes.slice(i * 8, i * 8 + 8).reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n));
  };
  const ints = u64s('regs.integer');
  const floats = u64s('regs.floating_point');
  const cc = u64s('regs.condition_code');
  const rflagsMisc = BigInt(cptValue(sections, 'system.cpu.isa', 'regVal')!.split(' ')[24]!);
  const names = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
  return {
    ...Object.fromEntries(names.map((n, i) => [n, ints[i]!.toString(16)])),
    pc: BigInt(cptValue(sections, 'system.cpu.xc.0', '_pc')!).toString(16),
    rflags: ((((rflagsMisc | cc[0]! | cc[1]! | cc[2]!) & 0x3f7fd5n) | 2n)).toString(16),
    ...Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`xmm${i >> 1}${i & 1 ? 'h' : 'l'}`, floats[8 + i]!.toString(16)])),
  };
}

/**
 * Exactness of instruction positions, checked by gem5: restore checkpoint k, simulate exactly
 * N instructions, let gem5 write its own checkpoint, and compare its architectural registers with
 * the ones lapidary captured natively at checkpoint k+1.
 */
describe.skipIf(GEM5 === undefined)(`checkpoints every ${EVERY} instructions agree with gem5 run from one to the next${GEM5_SKIP_REASON}`, () => {
  it('matches every register of checkpoint k+1 after N simulated instructions from checkpoint k', async () => {
    const dir = join(work(), 'cpts');
    const made = await lapidary(['create', '--cmd', `${fixture('insts-mix')} 44`, '--interval-insts', String(EVERY), '--directory', dir], { env, timeoutMs: 1_800_000 });
    expect(made.exitCode, made.stderr).toBe(0);
    const names = checkpointNames(dir);
    expect(names.length).toBeGreaterThanOrEqual(9);
    for (let k = 0; k + 1 < names.length; k++) {
      const next = parseCpt(readFileSync(join(dir, names[k + 1]!, 'm5.cpt'), 'utf8'));
      expect(BigInt(cptValue(next, 'system.cpu', 'instCnt')!)).toBe(BigInt(EVERY) * BigInt(k + 2));
      const end = join(work(), `gem5-${names[k]}`);
      const run = await lapidary(['simulate', '--start-checkpoint', join(dir, names[k]!), '--max-insts', String(EVERY), '--outdir', join(work(), `m5out-${names[k]}`), '--checkpoint-at-end', end], { env, timeoutMs: 900_000 });
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(state(parseCpt(readFileSync(join(end, 'm5.cpt'), 'utf8'))), `${names[k]} + ${EVERY}`).toEqual(state(next));
    }
  }, 3_600_000);
});
