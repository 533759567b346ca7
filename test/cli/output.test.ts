import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-cli-output-');

/** How many times `part` occurs in `text`. */
const occurrences = (text: string, part: string): number => text.split(part).length - 1;

describe('what the CLI prints', () => {
  it('bare lapidary says once that a command is missing and where to look', async () => {
    const run = await lapidary([]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual(['error[LAPIDARY_USAGE]: no command given', '  hint: see lapidary --help']);
  });

  it('bench list separates a SPEC benchmark\'s languages', async () => {
    const table = JSON.parse((await lapidary(['bench', 'list', '--json'])).stdout) as { spec2017: Array<{ name: string; language: string[] }> };
    const text = (await lapidary(['bench', 'list'])).stdout;
    const mixed = table.spec2017.filter((b) => b.language.length > 1);
    expect(mixed.map((b) => b.name)).toContain('511.povray_r');
    for (const b of table.spec2017) {
      const line = text.split('\n').find((l) => l.trimStart().startsWith(`${b.name} `));
      expect(line, b.name).toMatch(new RegExp(` ${b.language.map((l) => l.replace(/\+/g, '\\+')).join(', ')} +invocations:`));
    }
  });

  it('inspect lists each descriptor closed after restore once, with its reason', async () => {
    // A real program holding a pipe at the checkpoint: python3 (Debian), its pipe on fds 3 and 4.
    const dir = join(work(), 'pipe');
    const script = 'import os\nr, w = os.pipe()\nfor i in range(4000): sum(range(100000))\n';
    const made = await lapidary(['create', '--cmd', `/usr/bin/python3 -c '${script}'`, '--interval', '1', '--directory', dir, '--max-checkpoints', '1']);
    expect(made.exitCode, made.stderr).toBe(0);
    const shown = await lapidary(['inspect', join(dir, 'cpt.1')]);
    expect(shown.exitCode, shown.stderr).toBe(0);
    const pipe = /fd 3 \((pipe:\[\d+\])\) is closed after restore/.exec(made.stderr)?.[1];
    expect(pipe, made.stderr).toBeDefined();
    const after = shown.stdout.slice(shown.stdout.indexOf('descriptors closed after restore (2):'));
    expect(after.split('\n').slice(1, 3)).toEqual([
      `  fd 3  ${pipe}: ${pipe} is not a file gem5 can reopen`,
      `  fd 4  ${pipe}: ${pipe} is not a file gem5 can reopen`,
    ]);
    expect(occurrences(shown.stdout, pipe!)).toBe(4);
  });

  it('vm status fails, after saying what it found, when create --vm cannot work', async () => {
    const run = await lapidary(['vm', 'status', '--kernel', '/nonexistent/vmlinuz-0'], { env: { ...process.env, LAPIDARY_QEMU: '/nonexistent/qemu-system-x86_64' } });
    expect(run.stdout).toContain('qemu: /nonexistent/qemu-system-x86_64 not found');
    expect(run.stdout).toContain('kernel: none usable');
    expect(run.stderr).toMatch(/^error\[LAPIDARY_VM_UNAVAILABLE\]: create --vm cannot run here: \/nonexistent\/qemu-system-x86_64 not found; no usable kernel for the VM guest \(\/nonexistent\/vmlinuz-0: /);
    expect(run.stderr).toMatch(/hint: install the Debian package qemu-system-x86 .*; install the Debian package linux-image-amd64/);
    expect(run.exitCode).toBe(1);
  });
});
