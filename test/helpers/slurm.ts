import { accessSync, chmodSync, chownSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { availableParallelism, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { skipMarker } from './skip.js';

/**
 * A real one-node Slurm cluster on loopback for the Slurm tests: Debian's munged, slurmctld and
 * slurmd (22.05), a generated slurm.conf and every state, spool, log and socket file in one
 * temporary directory. Started as root (slurmd must be), stopped afterwards with nothing left
 * running. Clients reach it through SLURM_CONF in {@link SlurmCluster.env}.
 */

const SEARCH = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin'];

function which(program: string): string | undefined {
  for (const dir of SEARCH) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The daemons and clients the harness and lapidary need (Debian: slurmctld slurmd slurm-client munge). */
const PROGRAMS = ['munged', 'munge', 'slurmctld', 'slurmd', 'sbatch', 'srun', 'squeue', 'sacct', 'scancel', 'scontrol', 'sinfo'] as const;
const FOUND = Object.fromEntries(PROGRAMS.map((p) => [p, which(p)])) as Record<(typeof PROGRAMS)[number], string | undefined>;
const MISSING = PROGRAMS.filter((p) => FOUND[p] === undefined);

/** Whether the Slurm packages are installed; the Slurm tests are skipped (with the reason) otherwise. */
export const SLURM_AVAILABLE = MISSING.length === 0;
/** Why the Slurm tests are skipped, for the test names. */
export const SLURM_SKIP_REASON = SLURM_AVAILABLE
  ? ''
  : skipMarker({ tier: 'Slurm', reason: `Slurm not installed (no ${MISSING.join(', ')})`, enable: 'apt-get install slurmctld slurmd slurm-client munge (as root), then npm test' });

export interface SlurmCluster {
  /** The temporary directory holding everything (removed by stop() unless KEEP=1). */
  dir: string;
  /** The generated slurm.conf. */
  conf: string;
  /** The node's name in slurm.conf (NodeName), and its partition. */
  node: string;
  partition: string;
  /** process.env plus SLURM_CONF: the environment for Slurm clients and lapidary. */
  env: NodeJS.ProcessEnv;
  /** Run a Slurm client against this cluster, in `dir`. */
  run(program: string, args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** Wait until sinfo shows the node in `state` (e.g. `idle`), or throw after `timeoutMs`. */
  waitForNode(state: RegExp, timeoutMs?: number): Promise<void>;
  /** The daemons' logs, for assertion messages. */
  logs(): string;
  /**
   * Cancel every job, stop slurmd, slurmctld and munged, and make sure no slurmstepd of this
   * cluster survives. Returns the pids still alive afterwards (expected: none).
   */
  stop(): Promise<number[]>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** uid and gid of a system user, from /etc/passwd. */
function systemUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (line === undefined) throw new Error(`no ${name} user in /etc/passwd (is the munge package installed?)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * slurmstepd processes of this cluster, and everything they started: a step daemon inherits
 * slurmd's log file, so it holds a file under the cluster's directory open.
 */
function stepTrees(dir: string): number[] {
  const parents = new Map<number, number>();
  const daemons: number[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    const pid = Number(entry);
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      parents.set(pid, Number(fields[1]));
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').startsWith('slurmstepd')) continue;
      const fds = readdirSync(`/proc/${entry}/fd`).map((fd) => { try { return readlinkSync(`/proc/${entry}/fd/${fd}`); } catch { return ''; } });
      if (fds.some((target) => target.startsWith(`${dir}/`))) daemons.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  const tree = new Set(daemons);
  for (let grown = true; grown;) {
    grown = false;
    for (const [pid, parent] of parents) {
      if (!tree.has(pid) && tree.has(parent)) {
        tree.add(pid);
        grown = true;
      }
    }
  }
  return [...tree];
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, logs: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Slurm test cluster: ${what} did not happen within ${timeoutMs / 1000} s\n${logs()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Start munged (as the munge user), slurmctld and slurmd (as root) in the foreground as children
 * of this process, on free loopback ports, and wait until sinfo shows the node idle.
 * @param options.memoryMiB RealMemory of the node (default: 80% of this machine, at most 8 GiB).
 * @param options.defMemPerCpuMiB memory a job gets (and may not exceed: OverMemoryKill) unless it
 *   asks with --mem (`DefMemPerCPU`); default 1000 MiB, at most RealMemory / CPUs.
 * @param options.maxArraySize `MaxArraySize` (array indices 0 to n-1); Slurm's default 1001 if unset.
 */
export async function startSlurmCluster(options: { memoryMiB?: number; defMemPerCpuMiB?: number; maxArraySize?: number } = {}): Promise<SlurmCluster> {
  if (!SLURM_AVAILABLE) throw new Error(`Slurm is not installed: ${SLURM_SKIP_REASON}`);
  if (process.getuid?.() !== 0) throw new Error('the Slurm test cluster needs root (slurmd runs jobs as their owner)');
  const dir = mkdtempSync(join(tmpdir(), 'lapidary-slurm-'));
  chmodSync(dir, 0o755); // munged, running as munge, must reach its socket directory
  const munge = join(dir, 'munge');
  const paths = {
    state: join(dir, 'state'), spool: join(dir, 'spool'), log: join(dir, 'log'), conf: join(dir, 'slurm.conf'),
    key: join(munge, 'munge.key'), socket: join(munge, 'munge.socket'),
  };
  for (const d of [paths.state, paths.spool, paths.log]) mkdirSync(d);
  const mungeUser = systemUser('munge');
  mkdirSync(munge, { mode: 0o711 });
  chownSync(munge, mungeUser.uid, mungeUser.gid);
  chmodSync(munge, 0o711); // munged: "execute permissions for all required" on the socket directory
  writeFileSync(paths.key, randomBytes(1024), { mode: 0o400 });
  chownSync(paths.key, mungeUser.uid, mungeUser.gid);

  const children: Array<{ name: string; child: ResultPromise }> = [];
  const logs = (): string => readdirSync(paths.log).concat(existsSync(join(munge, 'munged.log')) ? ['../munge/munged.log'] : [])
    .map((f) => `--- ${f}\n${readFileSync(join(paths.log, f), 'utf8').split('\n').slice(-25).join('\n')}`).join('\n');
  const start = (name: string, program: string, args: string[], extra: { uid?: number; gid?: number } = {}): void => {
    const out = join(paths.log, `${name}.out`);
    const child = execa(program, args, { ...extra, stdin: 'ignore', stdout: { file: out }, stderr: { file: out }, reject: false, cleanup: true });
    children.push({ name, child });
  };
  const killAll = (): void => {
    for (const { child } of children) if (child.pid !== undefined && alive(child.pid)) child.kill('SIGKILL');
    for (const pid of stepTrees(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  };
  process.once('exit', killAll);

  try {
    start('munged', FOUND.munged!, ['--foreground', `--key-file=${paths.key}`, `--socket=${paths.socket}`, `--pid-file=${join(munge, 'munged.pid')}`,
      `--log-file=${join(munge, 'munged.log')}`, `--seed-file=${join(munge, 'munged.seed')}`], mungeUser);
    await waitUntil(async () => (await execa(FOUND.munge!, ['-n', `--socket=${paths.socket}`], { reject: false })).exitCode === 0, 20_000, 'munged answering', logs);

    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    const host = hostname().split('.')[0]!;
    const node = `lapidary${randomBytes(3).toString('hex')}`;
    const cpus = availableParallelism();
    const memory = options.memoryMiB ?? Math.min(8192, Math.floor((totalmem() / 2 ** 20) * 0.8));
    writeFileSync(paths.conf, [
      '# lapidary Slurm test cluster: one node on loopback (test/helpers/slurm.ts)',
      'ClusterName=lapidarytest',
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${paths.socket}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      `StateSaveLocation=${paths.state}`,
      `SlurmdSpoolDir=${paths.spool}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(paths.log, 'slurmctld.log')}`,
      `SlurmdLogFile=${join(paths.log, 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core_Memory',
      `DefMemPerCPU=${Math.min(options.defMemPerCpuMiB ?? 1000, Math.floor(memory / cpus))}`,
      // memory limits enforced by polling the step's RSS (no cgroups here): sbatch --mem kills
      'JobAcctGatherType=jobacct_gather/linux',
      'JobAcctGatherFrequency=1',
      'JobAcctGatherParams=OverMemoryKill',
      'AccountingStorageType=accounting_storage/none',
      'MpiDefault=none',
      'ReturnToService=2',
      'MinJobAge=3600',
      'KillWait=5',
      'OverTimeLimit=0',
      'SchedulerType=sched/backfill',
      `NodeName=${node} NodeHostname=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memory} State=UNKNOWN`,
      `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      ...(options.maxArraySize !== undefined ? [`MaxArraySize=${options.maxArraySize}`] : []),
      '',
    ].join('\n'));
    const env = { ...process.env, SLURM_CONF: paths.conf };
    const run = async (program: string, args: readonly string[]) => {
      // In the cluster's directory: a job submitted without --output writes slurm-<job>_<task>.out
      // into sbatch's working directory, which would otherwise be the repository.
      const done = await execa(program, args, { cwd: dir, env, reject: false, stdin: 'ignore', timeout: 60_000 });
      return { exitCode: done.exitCode ?? -1, stdout: String(done.stdout), stderr: String(done.stderr) };
    };
    start('slurmctld', FOUND.slurmctld!, ['-D', '-f', paths.conf]);
    await waitUntil(async () => /UP/.test((await run('scontrol', ['ping'])).stdout), 30_000, 'slurmctld answering scontrol ping', logs);
    start('slurmd', FOUND.slurmd!, ['-D', '-N', node, '-f', paths.conf]);
    const waitForNode = (state: RegExp, timeoutMs = 60_000) =>
      waitUntil(async () => state.test((await run('sinfo', ['--noheader', '--Node', '--format=%t'])).stdout.trim()), timeoutMs, `node state ${state}`, logs);
    await waitForNode(/^idle$/);

    const stop = async (): Promise<number[]> => {
      const jobs = (await run('squeue', ['--noheader', '--format=%A'])).stdout.split('\n').filter((l) => /^\d+$/.test(l.trim()));
      if (jobs.length > 0) await run('scancel', jobs);
      await waitUntil(async () => (await run('squeue', ['--noheader', '--states=PENDING,RUNNING,COMPLETING,CONFIGURING,SUSPENDED', '--format=%A'])).stdout.trim() === '', 30_000, 'every job ending', logs).catch(() => undefined);
      for (const name of ['slurmd', 'slurmctld', 'munged']) {
        const child = children.find((c) => c.name === name)?.child;
        if (child?.pid === undefined || !alive(child.pid)) continue;
        child.kill('SIGTERM');
        await Promise.race([child, new Promise((r) => setTimeout(r, 10_000))]);
        if (alive(child.pid)) child.kill('SIGKILL');
        await child;
      }
      await waitUntil(() => stepTrees(dir).length === 0, 10_000, 'slurmstepd exiting', logs).catch(() => undefined);
      killAll();
      process.removeListener('exit', killAll);
      await new Promise((r) => setTimeout(r, 200));
      const survivors = [...children.map((c) => c.child.pid!).filter(alive), ...stepTrees(dir)];
      if (process.env.KEEP !== '1') rmSync(dir, { recursive: true, force: true });
      return survivors;
    };
    return { dir, conf: paths.conf, node, partition: 'debug', env, run, waitForNode, logs, stop };
  } catch (error) {
    killAll();
    process.removeListener('exit', killAll);
    if (process.env.KEEP !== '1') rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
