import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lapidary } from '../helpers/cli.js';
import { createAtBreakpoints } from '../helpers/breakpoint-checkpoints.js';
import { GEM5, GEM5_SKIP_REASON } from '../helpers/gem5.js';
import { fixture, ROOT } from '../helpers/paths.js';
import { testWorkDir } from '../helpers/work-dir.js';

const work = testWorkDir('lapidary-systems-');
const env = { ...process.env, GEM5: GEM5 ?? '' };
const SKYLAKE = join(ROOT, 'config', 'systems', 'skylake_o3.py');
const MINOR = join(ROOT, 'config', 'systems', 'minor_inorder.py');
/** Small SMARTS windows: the runs check the system, not the estimate. */
const window = ['--warmup-insts', '20000', '--detail-insts', '20000', '-j', '2'];
/** Two checkpoints of fixtures/c/int-loop, at its first two step_done calls; made by beforeAll. */
let cpts: string;

interface Run { id: string; status: string; failureKind?: string; failureDetail?: string; params: Record<string, unknown>; measurement?: { cpi: number }; outdir: string }
async function runs(name: string): Promise<Run[]> {
  const listed = await lapidary(['runs', cpts, '--name', name, '--json'], { env });
  expect(listed.exitCode, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as Run[];
}

/** One `[section]`'s `key=value` lines of a gem5 config.ini. */
function section(configIni: string, name: string): Record<string, string> {
  const body = configIni.split(`\n[${name}]\n`)[1]?.split('\n[')[0] ?? '';
  return Object.fromEntries(body.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

function badSystem(name: string, body: string): string {
  const path = join(work(), name);
  writeFileSync(path, `from m5.objects import *\nPARAMS = {"rob": 192}\ndef detailed_cpu(params):\n${body}\n`);
  return path;
}

describe.skipIf(GEM5 === undefined)(`researchers' system files in gem5${GEM5_SKIP_REASON}`, () => {
  beforeAll(async () => {
    cpts = join(work(), 'int-loop');
    const made = await createAtBreakpoints(fixture('int-loop'), 'step_done', ['checkpoint', 'continue', 'checkpoint', 'exit'], cpts, { stdout: '/dev/null', env });
    expect(made.exitCode, made.stderr).toBe(0);
  }, 300_000);

  it('runs the Skylake-like O3 example with its L1/L2/L3, stride prefetchers and TAGE-SC-L, and --param changes the built system', async () => {
    const first = await lapidary(['parallel-simulate', '-d', cpts, '--system', SKYLAKE, ...window], { env, timeoutMs: 1_800_000 });
    expect(first.exitCode, first.stderr).toBe(0);
    const sky = await runs('skylake_o3');
    expect(sky.map((r) => r.status)).toEqual(['Finished', 'Finished']);
    expect(sky[0]!.params).toMatchObject({ system: SKYLAKE, systemParams: { rob: 224, l2_size: '256KiB', bp: 'TAGE_SC_L_64KB' } });
    const config = readFileSync(join(sky[0]!.outdir, 'config.ini'), 'utf8');
    expect(section(config, 'system.switch_cpus')).toMatchObject({ type: 'BaseO3CPU', numROBEntries: '224', numIQEntries: '97', LQEntries: '72', SQEntries: '56' });
    expect(section(config, 'system.switch_cpus.branchPred').type).toBe('TAGE_SC_L_64KB');
    expect(section(config, 'system.cpu.dcache.prefetcher').type).toBe('StridePrefetcher');
    expect(section(config, 'system.cpu.l2cache').size).toBe(String(256 * 1024));
    expect(section(config, 'system.l3cache').size).toBe(String(8 * 1024 * 1024));
    expect(section(config, 'system.mem_ctrl.dram').type).toBe('DRAMInterface');
    expect(section(config, 'system.cpu_clk_domain').clock).toBe('333'); // 3GHz: 333 ps ticks
    const stats = readFileSync(join(sky[0]!.outdir, 'stats.txt'), 'utf8');
    expect(stats).toMatch(/^system\.l3cache\.tags\.dataAccesses\s+\d+/m);

    const changed = await lapidary(['parallel-simulate', '-d', cpts, '--system', SKYLAKE, '--param', 'rob=64', '--param', 'bp=LTAGE', '--name', 'small-rob', ...window], { env, timeoutMs: 1_800_000 });
    expect(changed.exitCode, changed.stderr).toBe(0);
    const small = await runs('small-rob');
    expect(small.map((r) => r.status)).toEqual(['Finished', 'Finished']);
    const smallConfig = readFileSync(join(small[0]!.outdir, 'config.ini'), 'utf8');
    expect(section(smallConfig, 'system.switch_cpus').numROBEntries).toBe('64');
    expect(section(smallConfig, 'system.switch_cpus.branchPred').type).toBe('LTAGE');
    const report = await lapidary(['report', cpts, '--name', 'skylake_o3', '--name', 'small-rob', '--no-plot'], { env });
    expect(report.exitCode, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/skylake_o3\n=+\n[\s\S]*mean CPI \d+\.\d{4} ± \d+\.\d{4}/);
    expect(report.stdout).toMatch(/small-rob vs skylake_o3/);
  }, 3_600_000);

  it('runs the in-order Minor example, slower per instruction than the out-of-order core on the same checkpoints', async () => {
    const run = await lapidary(['parallel-simulate', '-d', cpts, '--system', MINOR, ...window], { env, timeoutMs: 1_800_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    const minor = await runs('minor_inorder');
    expect(minor.map((r) => r.status)).toEqual(['Finished', 'Finished']);
    const config = readFileSync(join(minor[0]!.outdir, 'config.ini'), 'utf8');
    expect(section(config, 'system.switch_cpus')).toMatchObject({ type: 'BaseMinorCPU', executeIssueLimit: '2' });
    expect(section(config, 'system.cpu.l2cache').size).toBe(String(512 * 1024));
    const sky = await runs('skylake_o3');
    minor.forEach((r, i) => expect(r.measurement!.cpi).toBeGreaterThan(sky[i]!.measurement!.cpi));
  }, 3_600_000);

  it('simulate takes simulation.system from lapidary.yaml, relative to the file', async () => {
    const project = join(work(), 'project');
    mkdirSync(join(project, 'systems'), { recursive: true });
    copyFileSync(MINOR, join(project, 'systems', 'inorder.py'));
    writeFileSync(join(project, 'lapidary.yaml'), 'simulation:\n  system: systems/inorder.py\n');
    const outdir = join(project, 'm5out');
    const run = await lapidary(['simulate', '--start-checkpoint', join(cpts, 'cpt.1'), '--max-insts', '20000', '--param', 'issue=1', '--outdir', outdir], { env, cwd: project, timeoutMs: 900_000 });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/exit cause: lapidary max instructions reached/);
    expect(section(readFileSync(join(outdir, 'config.ini'), 'utf8'), 'system.switch_cpus')).toMatchObject({ type: 'BaseMinorCPU', executeIssueLimit: '1' });
  }, 900_000);

  it('sweeps the cross product, one recorded and reported configuration per point; runs nothing twice; an edited system file makes every run new', async () => {
    const system = join(work(), 'sweep_o3.py');
    copyFileSync(SKYLAKE, system);
    const sweep = ['parallel-simulate', '-d', cpts, '--system', system, '--sweep', 'rob=64,192', '--sweep', 'l2_size=256KiB,1MiB', ...window];
    const points = ['rob=64,l2_size=256KiB', 'rob=64,l2_size=1MiB', 'rob=192,l2_size=256KiB', 'rob=192,l2_size=1MiB'];
    const first = await lapidary(sweep, { env, timeoutMs: 3_600_000 });
    expect(first.exitCode, first.stderr).toBe(0);
    for (const point of points) {
      expect(first.stderr).toContain(`lapidary: ${point}: 2 finished, 0 failed, 0 timed out, 0 killed, 0 skipped`);
      const recorded = await runs(point);
      expect(recorded.map((r) => r.status)).toEqual(['Finished', 'Finished']);
      const [rob, l2] = point.split(',').map((a) => a.split('=')[1]!);
      expect(recorded[0]!.params).toMatchObject({ systemParams: { rob: Number(rob), l2_size: l2, bp: 'TAGE_SC_L_64KB' } });
      const config = readFileSync(join(recorded[0]!.outdir, 'config.ini'), 'utf8');
      expect(section(config, 'system.switch_cpus').numROBEntries).toBe(rob);
      expect(section(config, 'system.cpu.l2cache').size).toBe(String((l2 === '1MiB' ? 1024 : 256) * 1024));
    }
    const report = await lapidary(['report', cpts, ...points.flatMap((p) => ['--name', p]), '--no-plot'], { env });
    expect(report.exitCode, report.stderr).toBe(0);
    for (const point of points) expect(report.stdout).toMatch(new RegExp(`${point}\n=+\n[\\s\\S]*?mean CPI \\d+\\.\\d{4} ± \\d+\\.\\d{4} \\(95% CI`));
    for (const point of points.slice(1)) expect(report.stdout).toMatch(new RegExp(`${point} vs ${points[0]}\nspeed-up \\d+\\.\\d{4} ± \\S+ \\(\\d+% CI [^)]*\\) on 2 shared checkpoints`));

    const again = await lapidary(sweep, { env, timeoutMs: 600_000 });
    expect(again.exitCode, again.stderr).toBe(0);
    for (const point of points) expect(again.stderr).toContain(`lapidary: ${point}: 0 finished, 0 failed, 0 timed out, 0 killed, 2 skipped`);

    writeFileSync(system, `${readFileSync(system, 'utf8')}\n# edited: the same system, a new file\n`);
    const edited = await lapidary(sweep, { env, timeoutMs: 3_600_000 });
    expect(edited.exitCode, edited.stderr).toBe(0);
    for (const point of points) expect(edited.stderr).toContain(`lapidary: ${point}: 2 finished, 0 failed, 0 timed out, 0 killed, 0 skipped`);

    // a point whose system cannot be built fails alone
    const mixed = await lapidary(['parallel-simulate', '-d', cpts, '--system', system, '--sweep', 'bp=TAGE_SC_L_8KB,LTAGE', '--name', 'bp', ...window], { env, timeoutMs: 3_600_000 });
    expect(mixed.exitCode).toBe(1);
    expect((await runs('bp:bp=LTAGE')).map((r) => r.status)).toEqual(['Finished', 'Finished']);
    const refused = await runs('bp:bp=TAGE_SC_L_8KB');
    expect(refused.map((r) => r.failureKind)).toEqual(['system-file', 'system-file']);
    expect(refused[0]!.failureDetail).toMatch(/detailed_cpu\(\) raised ValueError: bp must be one of TAGE_SC_L_64KB, LTAGE, TournamentBP, not 'TAGE_SC_L_8KB'/);
    const typo = await lapidary(['parallel-simulate', '-d', cpts, '--system', system, '--sweep', 'rob=64,many', ...window], { env });
    expect(typo.exitCode).toBe(1);
    expect(typo.stderr).toMatch(/error\[LAPIDARY_SYSTEM_FILE\]: rob=many: rob is a int/);
  }, 3_600_000);

  it('fails a bad system file\'s configuration with gem5\'s message and a hint, and leaves the other configurations\' runs alone', async () => {
    const unknown = await lapidary(['parallel-simulate', '-d', cpts, '--system', SKYLAKE, '--param', 'l4_size=64MiB', '--name', 'unknown', ...window], { env });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/error\[LAPIDARY_SYSTEM_FILE\]: --param l4_size: .* declares no parameter "l4_size"/);
    expect(unknown.stderr).toMatch(/hint: known parameters: rob \(int, default 224\), .*l3_size \(str, default "8MiB"\)/);
    expect(existsSync(join(cpts, 'runs', 'unknown'))).toBe(false); // refused before gem5 ran

    const cases = [
      { name: 'python-error', body: '    return X86O3CPU(numROBEntries=params["rob"], branchPred=TAGE_SC_L_9KB())', detail: /detailed_cpu\(\) raised NameError: name 'TAGE_SC_L_9KB' is not defined at line 4/ },
      { name: 'smt-cpu', body: '    return X86O3CPU(numThreads=2)', detail: /preparing the X86O3CPU from detailed_cpu\(\) to take over raised RuntimeError: Number of ISA instances doesn't match thread count/ },
      { name: 'kvm-cpu', body: '    return X86KvmCPU()', detail: /a KVM CPU runs on the host, it cannot be the detailed CPU/ },
      { name: 'not-a-cpu', body: '    return Cache(size="1MiB")', detail: /detailed_cpu\(\) returned .*Cache.*, not a gem5 CPU/ },
    ];
    for (const bad of cases) {
      const run = await lapidary(['parallel-simulate', '-d', cpts, '--system', badSystem(`${bad.name}.py`, bad.body), '--name', bad.name, ...window], { env, timeoutMs: 900_000 });
      expect(run.exitCode, run.stderr).toBe(1);
      const failed = await runs(bad.name);
      expect(failed.map((r) => [r.status, r.failureKind])).toEqual([['Failed', 'system-file'], ['Failed', 'system-file']]);
      expect(failed[0]!.failureDetail).toMatch(/^fatal: lapidary system file /);
      expect(failed[0]!.failureDetail).toMatch(bad.detail);
    }
    const single = await lapidary(['simulate', '--start-checkpoint', join(cpts, 'cpt.1'), '--system', join(work(), 'python-error.py'), '--outdir', join(work(), 'bad-single')], { env, timeoutMs: 900_000 });
    expect(single.exitCode).toBe(1);
    expect(single.stderr).toMatch(/error\[LAPIDARY_GEM5_FAILED\]: gem5 failed: fatal: lapidary system file .*NameError/);
    expect(single.stderr).toMatch(/hint: fix the system file \(the Python traceback is in simerr\.txt/);
    expect((await runs('skylake_o3')).map((r) => r.status)).toEqual(['Finished', 'Finished']);
  }, 3_600_000);
});
