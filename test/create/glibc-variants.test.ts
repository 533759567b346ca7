import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { AVX2_STRING_SKIP_REASON } from '../helpers/host-cpu.js';
import { fixture } from '../helpers/paths.js';

const work = mkdtempSync(join(tmpdir(), 'lapidary-variants-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Proof with gdb of which string-function variants the target ends up with (glibc's IFUNC
 * resolvers ran at start-up under LD_BIND_NOW): fixtures/c/strings.c calls memcpy, strlen and
 * strchr through pointers, whose targets gdb names (libc6-dbg provides the variants' symbols).
 */
async function variants(extra: string[]): Promise<string> {
  const commands = join(work, `commands${extra.length}`);
  writeFileSync(commands, ['gdb info symbol length_fn', 'gdb info symbol find_fn', 'gdb print copy_fn == &__memmove_sse2_unaligned', 'exit', ''].join('\n'));
  const run = await lapidary(['create', '--cmd', fixture('strings'), '--breakpoints', 'step_done', '--commands', commands,
    '--directory', join(work, `cpts${extra.length}`), '--stdout', '/dev/null', ...extra], { env: { ...process.env, STEPS: '1', STEP_MS: '1' } });
  expect(run.exitCode, run.stderr).toBe(0);
  return run.stdout;
}

describe('glibc CPU dispatch under lapidary', () => {
  it('picks the SSE2 variants of memcpy, strlen and strchr with the default GLIBC_TUNABLES', async () => {
    const shown = await variants([]);
    expect(shown).toMatch(/__strlen_sse2 in section \.text of .*libc\.so\.6/);
    expect(shown).toMatch(/__strchr_sse2 in section \.text of .*libc\.so\.6/);
    expect(shown).toMatch(/\$1 = 1/); // memcpy is __memmove_sse2_unaligned
  });

  it.skipIf(AVX2_STRING_SKIP_REASON !== '')(`picks the host CPU's (AVX2/EVEX) variants without them${AVX2_STRING_SKIP_REASON}`, async () => {
    const shown = await variants(['--no-glibc-tunables']);
    expect(shown).toMatch(/__strlen_(avx2|evex)\S* in section/);
    expect(shown).toMatch(/\$1 = 0/);
  });
});
