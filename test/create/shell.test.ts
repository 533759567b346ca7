import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pty from 'node-pty';
import { afterAll, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { readCheckpoint } from '../helpers/checkpoints.js';
import { CLI, fixture } from '../helpers/paths.js';
import { waitForNoProcess } from '../helpers/processes.js';

const work = mkdtempSync(join(tmpdir(), 'lapidary-shell-'));
afterAll(() => { if (!process.env.KEEP) rmSync(work, { recursive: true, force: true }); });
const env = { ...process.env, STEP_MS: '5', STEPS: '4', TERM: 'xterm' } as Record<string, string>;
const breakpoints = ['--breakpoints', 'int-loop.c:20', 'step_done'];

/** Drive a process on a real pseudo-terminal: wait for text, then type. */
class Terminal {
  private text = '';
  readonly exited: Promise<number>;
  private readonly process: pty.IPty;

  constructor(args: string[]) {
    this.process = pty.spawn('node', [CLI, ...args], { cols: 120, rows: 40, cwd: work, env });
    this.process.onData((data) => { this.text += data; });
    this.exited = new Promise((resolve) => this.process.onExit(({ exitCode }) => resolve(exitCode)));
  }

  /** What the terminal showed, without the escape sequences readline uses to redraw the prompt. */
  get screen(): string {
    return this.text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  }

  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.screen)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; the terminal shows:\n${this.screen}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Type a line and wait for the prompt to come back. */
  async type(line: string, until: RegExp = /\(py-gdb\) $/): Promise<void> {
    const before = this.screen.length;
    this.process.write(`${line}\r`);
    const deadline = Date.now() + 30_000;
    while (!until.test(this.screen.slice(before))) {
      if (Date.now() > deadline) throw new Error(`no ${until} after typing ${line}; the terminal shows:\n${this.screen}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  write(data: string): void {
    this.process.write(data);
  }
}

describe('the (py-gdb) shell of breakpoint mode', () => {
  it('takes checkpoints at two breakpoints through a real terminal and ends cleanly on Ctrl-D', async () => {
    const dir = join(work, 'tty');
    const term = new Terminal(['create', '--cmd', fixture('int-loop'), ...breakpoints, '--directory', dir, '--stdout', join(work, 'tty.out')]);
    await term.waitFor(/breakpoint \d+ hit in main at .*int-loop\.c:21[\s\S]*\(py-gdb\) $/);
    await term.type('checkpoint');
    await term.type('gdb info registers rip');
    await term.type('help');
    await term.type('\x1b[A'); // up arrow: readline history recalls `help`
    await term.type('continue');
    await term.type('checkpoint');
    term.write('\x04');
    expect(await term.exited).toBe(0);
    const screen = term.screen;
    expect(screen).toMatch(/checkpoint 1 written to .*\/tty\/cpt\.1 \(\d+ pages/);
    expect(screen).toMatch(/rip\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <main\+\d+>/);
    expect(screen.match(/exit, quit\s+end the session/g)).toHaveLength(2);
    expect(screen).toMatch(/breakpoint \d+ hit in step_done/);
    expect(screen).toMatch(/checkpoint 2 written to .*\/tty\/cpt\.2/);
    expect(screen).toMatch(/2 checkpoint\(s\) in/);
    expect(readdirSync(dir).sort()).toEqual(['cpt.1', 'cpt.2']);
    expect(await waitForNoProcess(/build\/fixtures\/int-loop$/)).toEqual([]);
  });

  it('runs the same session from a commands file and writes the same checkpoints', async () => {
    const commands = join(work, 'commands.txt');
    writeFileSync(commands, 'checkpoint\ngdb info registers rip\nhelp\ncontinue\ncheckpoint\n');
    const dir = join(work, 'file');
    const run = await lapidary(['create', '--cmd', fixture('int-loop'), ...breakpoints, '--directory', dir, '--commands', commands, '--stdout', join(work, 'file.out')], { env, cwd: work });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\(py-gdb\) checkpoint\ncheckpoint 1 written/);
    for (const name of ['cpt.1', 'cpt.2']) {
      const viaTerminal = readCheckpoint(join(work, 'tty', name));
      const viaFile = readCheckpoint(join(dir, name));
      expect(viaFile.manifest.registers).toEqual(viaTerminal.manifest.registers);
      expect([...viaFile.pages().keys()]).toEqual([...viaTerminal.pages().keys()]);
      expect(viaFile.value('system.cpu.workload.vmalist', 'size')).toBe(viaTerminal.value('system.cpu.workload.vmalist', 'size'));
    }
  });

  it('reads commands piped on stdin, survives unknown commands and gdb errors, and stops at end of input', async () => {
    const dir = join(work, 'piped');
    const { execa } = await import('execa');
    const run = await execa('node', [CLI, 'create', '--cmd', fixture('int-loop'), ...breakpoints, '--directory', dir, '--stdout', join(work, 'piped.out')], {
      env, cwd: work, input: 'frobnicate\ngdb no-such-gdb-command\ncheckpoint\n', reject: false, timeout: 60_000,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/unknown command: "frobnicate"; type help/);
    expect(run.stdout).toMatch(/error: gdb rejected .*Undefined command: "no-such-gdb-command"/);
    expect(readdirSync(dir)).toEqual(['cpt.1']);
  });
});
