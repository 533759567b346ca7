import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the stand-in gem5 does for one run. */
export type Behaviour = 'finish' | 'hang' | 'oom' | 'fail' | 'slow' | 'malformed-result' | 'unwritable-info';

/**
 * A stand-in for gem5.opt, put in front through the GEM5 environment variable (as
 * test/simulate/pool-faults.test.ts does), for the Slurm tests without gem5. It writes what
 * lapidary reads from a gem5 run — simout.txt with the `lapidary-result` line and a stats.txt
 * dump with CPI (100000 + 1000·N)/100000 for cpt.N — or misbehaves as told per run
 * (`<name>.<cpt.N>`): hang (until killed; answers SIGUSR1 with a statistics dump, as gem5 v24
 * does), oom (allocates 1 GiB), fail (a gem5 `panic:` line, exit 1), slow (finish after 5 s),
 * malformed-result (a `lapidary-result` line cut short, as a full disk leaves it), unwritable-info
 * (replaces the run's info.json by a directory, so lapidary cannot write it, then finishes).
 */
export function writeStandin(dir: string): { gem5: string; behave(name: string, checkpoint: string, behaviour: Behaviour): void; cpi(checkpoint: string): number } {
  mkdirSync(join(dir, 'behaviour'), { recursive: true });
  const gem5 = join(dir, 'gem5.opt');
  writeFileSync(gem5, `#!/bin/sh
# Stand-in for gem5.opt in lapidary's Slurm tests (test/slurm/standin.ts).
here=$(dirname "$0")
outdir=.
checkpoint=
prev=
for arg in "$@"; do
  case "$prev" in --checkpoint) checkpoint=$arg ;; esac
  case "$arg" in --outdir=*) outdir=\${arg#--outdir=} ;; esac
  prev=$arg
done
cpt=$(basename "$checkpoint")
name=$(basename "$(dirname "$outdir")")
n=\${cpt#cpt.}
behaviour=$(cat "$here/behaviour/$name.$cpt" 2>/dev/null || echo finish)
dump() {
  printf '\\n---------- Begin Simulation Statistics ----------\\nsimSeconds 0.000100 # Number of seconds simulated (Second)\\nsystem.switch_cpus.numCycles %s # Number of cpu cycles simulated (Cycle)\\nsystem.switch_cpus.commitStats0.numInsts %s # Number of instructions committed (Count)\\nsystem.switch_cpus.commitStats0.numOps %s # Number of ops committed (Count)\\n\\n---------- End Simulation Statistics   ----------\\n' "$1" "$2" "$2" >> "$outdir/stats.txt"
}
trap 'echo "stand-in: SIGUSR1: statistics dumped" >> "$outdir/simerr.txt"; dump 1 1' USR1
echo "stand-in gem5 for $name $cpt: $behaviour" > "$outdir/simerr.txt"
case $behaviour in
  hang) while :; do sleep 1; done ;;
  oom) exec python3 -c 'import time; a = bytearray(1 << 30); a[::4096] = b"x" * len(a[::4096]); time.sleep(120)' ;;
  fail) echo "panic: stand-in gem5 failed on $cpt" >> "$outdir/simerr.txt"; exit 1 ;;
  slow) sleep 5 ;;
  malformed-result) dump 1 1; echo 'lapidary-result {"cause": "lapidary detailed reg' > "$outdir/simout.txt"; exit 0 ;;
  unwritable-info) until [ -d "$outdir/info.json" ]; do rm -f "$outdir/info.json"; mkdir "$outdir/info.json" 2>/dev/null; done ;;
esac
sleep "\${STANDIN_SECONDS:-1}"
dump $((100000 + n * 1000)) 100000
echo 'lapidary-result {"cause": "lapidary detailed region done", "exitCode": 0, "tick": 1000, "phases": []}' > "$outdir/simout.txt"
`);
  chmodSync(gem5, 0o755);
  return {
    gem5,
    behave: (name, checkpoint, behaviour) => {
      const file = join(dir, 'behaviour', `${name}.${checkpoint}`);
      if (behaviour === 'finish') rmSync(file, { force: true });
      else writeFileSync(file, `${behaviour}\n`);
    },
    cpi: (checkpoint) => (100000 + 1000 * Number(checkpoint.replace('cpt.', ''))) / 100000,
  };
}

/** Pids of stand-in processes still running for runs of `name` (their command line names the run directory). */
export function standinProcesses(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes('gem5.opt') && cmdline.includes(`/runs/${name}/`)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
