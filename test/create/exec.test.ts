import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointNames, readCheckpoint } from '../helpers/checkpoints.js';
import { lapidary } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-exec-');
const env = { ...process.env, STEP_MS: '40', STEPS: '4' };

/** create every 0.05 s on exec-into, which runs 4 steps and then execs `argv` (the clock fixture, or a #! script of it). */
async function checkpointAcrossExec(name: string, argv: string[], extra: string[] = []) {
  const dir = join(work(), `${name}-cpts`);
  const out = join(work(), `${name}.out`);
  const run = await lapidary(['create', '--cmd', [fixture('exec-into'), ...argv].join(' '), '--directory', dir, '--stdout', out, ...extra], { env });
  return { run, dir, out };
}

describe('a target that execs another program (real fixtures under gdb)', () => {
  it('is followed: the new image gets the vDSO removal too, and later manifests record its executable and argv', async () => {
    const clock = fixture('clock');
    const { run, dir, out } = await checkpointAcrossExec('c', [clock], ['--interval', '0.05']);
    expect(run.exitCode, run.stderr).toBe(0);
    const native = readFileSync(out, 'utf8');
    expect(native).toContain('before exec: step 3');
    expect(native).toContain('vdso=absent'); // the exec'd image's auxiliary vector was edited too
    expect(run.stderr).toContain(`lapidary: the program exec'd ${JSON.stringify([clock])} (${clock})`);
    const manifests = checkpointNames(dir).map((c) => readCheckpoint(join(dir, c)).manifest);
    const before = manifests.filter((m) => m.target.exe === fixture('exec-into'));
    const after = manifests.filter((m) => m.target.exe === clock);
    expect(before.length, run.stderr).toBeGreaterThanOrEqual(1);
    expect(after.length, run.stderr).toBeGreaterThanOrEqual(1);
    expect(before.length + after.length).toBe(manifests.length);
    for (const m of before) {
      expect(m.target.argv).toEqual([fixture('exec-into'), clock]);
      expect(m.target.execs).toBeUndefined();
    }
    for (const m of after) {
      expect(m.target.argv).toEqual([clock]);
      expect(m.target.execs).toEqual([expect.objectContaining({ exe: clock, argv: [clock], vdsoRemoved: true })]);
      expect(m.target.env).toContain('STEP_MS=40');
      const vdso = m.mappings.find((r) => r.path === '[vdso]');
      if (vdso !== undefined) expect(BigInt(m.registers.rip) >= BigInt(vdso.start) && BigInt(m.registers.rip) < BigInt(vdso.end)).toBe(false);
    }
  }, 120_000);

  it('follows the exec of a #! script to its interpreter, recording the argv the kernel gave it', async () => {
    const clock = fixture('clock');
    const script = join(work(), 'clock-script');
    writeFileSync(script, `#!${clock}\n`);
    chmodSync(script, 0o755);
    const { run, dir, out } = await checkpointAcrossExec('script', [script], ['--interval', '0.05']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('vdso=absent');
    const last = readCheckpoint(join(dir, checkpointNames(dir).at(-1)!)).manifest;
    expect(last.target.exe).toBe(clock);
    expect(last.target.argv).toEqual([clock, script]); // fs/binfmt_script.c: interpreter, then the script's path
  }, 120_000);

  it('refuses exact instruction counting across an exec with TARGET_UNSUPPORTED when planning, before any checkpoint', async () => {
    const { run, dir } = await checkpointAcrossExec('insts', [fixture('clock')], ['--interval-insts', '200000', '--insts-method', 'valgrind-gdb']);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toContain(`error[LAPIDARY_TARGET_UNSUPPORTED]: the profiling run of ${fixture('exec-into')} ended with status 0 but without lapinsts' final record: the program exec'd another program`);
    expect(run.stderr).not.toMatch(/INTERNAL/);
    expect(existsSync(dir) ? checkpointNames(dir) : []).toEqual([]);
  }, 300_000);
});
