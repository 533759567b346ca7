# lapidary's gem5 configuration script: restore one lapidary checkpoint in gem5 v24.0 X86
# syscall-emulation mode and run it.
#
#   gem5.opt [gem5 options] config/lapidary_gem5.py --checkpoint DIR --exe BINARY [options]
#
# The system mirrors configs/deprecated/example/se.py so that the checkpoint's section names
# (system.cpu, system.cpu.workload, system.workload, system.physmem) match: one CPU named
# `cpu`, one Process, one memory range [0, mem_size). The checkpoint is always restored into
# an AtomicSimpleCPU (the state gem5 itself would restore); a detailed CPU, if asked for, is
# switched in right after the restore and shares the restored ISA and Process.
#
# The system is lapidary's own (--cpu, --caches), or the user's: --system FILE.py builds the
# detailed CPU, caches and memory through the interface documented in docs/systems.md
# (PARAMS, detailed_cpu, caches, memory), with --system-params overriding PARAMS. Either way this
# script does the restore, the switch to the detailed CPU, the warm-up, the measured region and
# the result record.
#
# Modes:
#   default           run until the program exits (or --max-insts instructions)
#   --detail-insts M  SMARTS-style sample: --warmup-insts W in the detailed CPU, reset stats,
#                     exactly M instructions (gem5 instruction-count exit events), dump stats;
#                     --functional-warmup-insts F first runs F instructions in the restored
#                     atomic CPU with the detailed system's caches attached (functional warming)
#
# The script prints one line `lapidary-result {json}` and writes lapidary-result.json to the
# output directory: exit cause, exit code, tick, instructions simulated in each phase.

import argparse
import importlib.util
import json
import os
import sys
import traceback

import m5
from m5.objects import *

CPU_CLASSES = {
    "atomic": "X86AtomicSimpleCPU",
    "timing": "X86TimingSimpleCPU",
    "minor": "X86MinorCPU",
    "o3": "X86O3CPU",
}


def parse_args():
    parser = argparse.ArgumentParser(prog="lapidary_gem5.py")
    parser.add_argument("--checkpoint", required=True, help="cpt.N directory holding m5.cpt")
    parser.add_argument("--exe", required=True, help="the program's executable (parsed, not loaded)")
    parser.add_argument("--cwd", default=os.getcwd(), help="the program's working directory")
    parser.add_argument("--mem-size", required=True, type=int, help="bytes; must equal the checkpoint's range_size")
    parser.add_argument("--cpu", choices=sorted(CPU_CLASSES), default="atomic")
    parser.add_argument("--system", default="", help="a system file (docs/systems.md); replaces --cpu and --caches")
    parser.add_argument("--system-params", default="{}", help="JSON object: values for the system file's PARAMS")
    parser.add_argument("--caches", default="", help="e.g. l1i=32KiB:8,l1d=32KiB:8,l2=1MiB:16 (empty: none)")
    parser.add_argument("--max-insts", type=int, default=0, help="stop after this many instructions (0: run to exit)")
    parser.add_argument(
        "--functional-warmup-insts", type=int, default=0, help="atomic-CPU instructions with the caches attached, before the switch"
    )
    parser.add_argument("--warmup-insts", type=int, default=0)
    parser.add_argument("--detail-insts", type=int, default=0)
    parser.add_argument("--stdin", default="cin")
    parser.add_argument("--stdout", default="cout")
    parser.add_argument("--stderr", default="cerr")
    parser.add_argument(
        "--redirects", default="[]", help='JSON [[APP_DIR, [HOST_DIR, ...]], ...]: directories gem5 redirects'
    )
    parser.add_argument("--cpu-clock", default="2GHz")
    parser.add_argument(
        "--checkpoint-at-end", default="", help="write a gem5 checkpoint here when the run stops (to compare states)"
    )
    return parser.parse_args()


def make_cache(kind, size, assoc):
    """A classic cache with the latencies of configs/common/Caches.py (L1: 2/2/2, L2: 20/20/12)."""
    l1 = kind in ("l1i", "l1d")
    return Cache(
        size=size,
        assoc=int(assoc),
        tag_latency=2 if l1 else 20,
        data_latency=2 if l1 else 20,
        response_latency=2 if l1 else 12,
        mshrs=4 if l1 else 20,
        tgts_per_mshr=20 if l1 else 12,
        write_buffers=8,
    )


def parse_caches(spec):
    caches = {}
    for item in filter(None, spec.split(",")):
        name, _, geometry = item.partition("=")
        size, _, assoc = geometry.partition(":")
        if name not in ("l1i", "l1d", "l2") or not size:
            sys.exit(f"lapidary_gem5.py: bad --caches entry {item!r}; expected l1i|l1d|l2=SIZE[:ASSOC]")
        caches[name] = (size, assoc or "8")
    return caches


def cpu_class(kind):
    return getattr(m5.objects, CPU_CLASSES[kind])


class UserSystem:
    """A system file loaded through the interface of docs/systems.md: PARAMS (a literal dict of
    defaults), detailed_cpu(params), optional caches(system, cpu, params) and memory(system,
    params). Every failure of the file ends the run with one `fatal: lapidary system file` line,
    which lapidary records as the run's failure (src/gem5/run/classify.ts)."""

    def __init__(self, path, overrides):
        self.path = os.path.abspath(path)
        spec = importlib.util.spec_from_file_location("lapidary_user_system", self.path)
        if spec is None:
            self.fail("not a Python file")
        self.module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(self.module)
        except Exception as error:
            self.raised("importing it", error)
        declared = getattr(self.module, "PARAMS", {})
        if not isinstance(declared, dict):
            self.fail(f"PARAMS is a {type(declared).__name__}, not a dict of parameter defaults")
        unknown = sorted(set(overrides) - set(declared))
        if unknown:
            known = ", ".join(sorted(declared)) or "none"
            self.fail(f"unknown parameter {', '.join(unknown)} (known: {known})")
        self.params = dict(declared)
        for key, value in overrides.items():
            # JSON has one number type: 2.0 arrives as 2 for a float parameter.
            self.params[key] = float(value) if isinstance(declared[key], float) else value
        if not callable(getattr(self.module, "detailed_cpu", None)):
            self.fail("defines no detailed_cpu(params) function")

    def fail(self, what):
        print(f"fatal: lapidary system file {self.path}: {what}", file=sys.stderr, flush=True)
        sys.exit(1)

    def raised(self, doing, error):
        """Print the traceback to simerr.txt, then one fatal line naming the file's own line."""
        traceback.print_exc()
        frames = [f for f in traceback.extract_tb(error.__traceback__) if os.path.abspath(f.filename) == self.path]
        line = getattr(error, "lineno", None) if isinstance(error, SyntaxError) else None
        if frames:
            line = frames[-1].lineno
        where = f" at line {line}" if line else ""
        self.fail(f"{doing} raised {type(error).__name__}: {error}{where}")

    def has(self, name):
        return callable(getattr(self.module, name, None))

    def call(self, name, *args):
        try:
            return getattr(self.module, name)(*args)
        except Exception as error:
            self.raised(f"{name}()", error)

    def detailed_cpu(self, system):
        """The user's detailed CPU, made ready to take over from system.cpu (as se.py's switch_cpus)."""
        cpu = self.call("detailed_cpu", self.params)
        if not isinstance(cpu, BaseCPU):
            self.fail(f"detailed_cpu() returned {cpu!r}, not a gem5 CPU (a BaseCPU such as X86O3CPU)")
        kvm = getattr(m5.objects, "BaseKvmCPU", None)
        if kvm is not None and isinstance(cpu, kvm):
            # BaseKvmCPU::init dereferences the system's KvmVM, which this system has none of
            self.fail(f"detailed_cpu() returned a {type(cpu).__name__}: a KVM CPU runs on the host, it cannot be the detailed CPU")
        if not type(cpu).support_take_over():
            self.fail(f"detailed_cpu() returned a {type(cpu).__name__}, which cannot take over from the restored CPU (support_take_over() is False)")
        try:
            cpu.switched_out = True
            cpu.cpu_id = 0
            cpu.clk_domain = system.cpu_clk_domain
            cpu.workload = system.cpu.workload
            cpu.isa = system.cpu.isa
            cpu.createThreads()
        except Exception as error:
            self.raised(f"preparing the {type(cpu).__name__} from detailed_cpu() to take over", error)
        return cpu


def build_system(args, caches, user):
    """The se.py-shaped system: system.cpu restores the checkpoint; caches, if any, hang off it
    and are taken over with its ports by a switched-in detailed CPU (BaseCPU::takeOverFrom),
    which is lapidary's (--cpu) or the system file's (detailed_cpu)."""
    system = System()
    system.clk_domain = SrcClockDomain(clock="1GHz", voltage_domain=VoltageDomain())
    system.mem_ranges = [AddrRange(args.mem_size)]
    system.cpu_voltage_domain = VoltageDomain()
    clock = user.params["cpu_clock"] if user and "cpu_clock" in user.params else args.cpu_clock
    system.cpu_clk_domain = SrcClockDomain(clock=clock, voltage_domain=system.cpu_voltage_domain)
    system.mem_mode = "atomic"
    system.cache_line_size = 64

    system.cpu = cpu_class("atomic")(cpu_id=0, clk_domain=system.cpu_clk_domain)
    system.membus = SystemXBar()
    system.system_port = system.membus.cpu_side_ports
    if user and user.has("memory"):
        system.mem_ctrl = user.call("memory", system, user.params)
        if not hasattr(system.mem_ctrl, "port"):
            user.fail(f"memory() returned {system.mem_ctrl!r}, not a memory controller with a port (MemCtrl, SimpleMemory)")
    else:
        system.mem_ctrl = MemCtrl(dram=DDR3_1600_8x8(range=system.mem_ranges[0]))
    system.mem_ctrl.port = system.membus.mem_side_ports

    system.workload = SEWorkload.init_compatible(args.exe)
    system.cpu.workload = Process(
        pid=100,
        cmd=[args.exe],
        executable=args.exe,
        cwd=args.cwd,
        input=args.stdin,
        output=args.stdout,
        errout=args.stderr,
    )
    system.cpu.createThreads()
    if user:
        if user.has("caches"):
            user.call("caches", system, system.cpu, user.params)
        else:
            system.cpu.connectCachedPorts(system.membus.cpu_side_ports)
        system.cpu.createInterruptController()
        system.cpu.connectUncachedPorts(system.membus.cpu_side_ports, system.membus.mem_side_ports)
    else:
        if "l2" in caches:
            system.cpu.addTwoLevelCacheHierarchy(
                make_cache("l1i", *caches["l1i"]), make_cache("l1d", *caches["l1d"]), make_cache("l2", *caches["l2"])
            )
        elif caches:
            system.cpu.addPrivateSplitL1Caches(make_cache("l1i", *caches["l1i"]), make_cache("l1d", *caches["l1d"]))
        system.cpu.createInterruptController()
        system.cpu.connectAllPorts(
            system.membus.cpu_side_ports, system.membus.cpu_side_ports, system.membus.mem_side_ports
        )
    # Deepest directories first: gem5 takes the first RedirectPath whose app_path prefixes a path.
    redirects = sorted(json.loads(args.redirects), key=lambda r: -len(r[0]))
    system.redirect_paths = [RedirectPath(app_path=app, host_paths=hosts) for app, hosts in redirects]

    if user:
        system.switch_cpus = [user.detailed_cpu(system)]
    elif args.cpu != "atomic":
        switch_cpu = cpu_class(args.cpu)(switched_out=True, cpu_id=0, clk_domain=system.cpu_clk_domain)
        # system comes from Parent.any: assigning the still unparented System would make it a
        # child of the CPU (SimObject.__setattr__ adopts parentless values), a cycle.
        switch_cpu.workload = system.cpu.workload
        switch_cpu.isa = system.cpu.isa
        switch_cpu.createThreads()
        system.switch_cpus = [switch_cpu]
    return system


def result(cause, code, phases):
    record = {
        "cause": cause,
        "exitCode": code,
        "tick": m5.curTick(),
        "phases": phases,
    }
    print("lapidary-result " + json.dumps(record), flush=True)
    with open(os.path.join(m5.options.outdir, "lapidary-result.json"), "w") as f:
        json.dump(record, f, indent=2)


def main():
    args = parse_args()
    user = UserSystem(args.system, json.loads(args.system_params)) if args.system else None
    caches = parse_caches(args.caches)
    if not user and args.cpu in ("o3", "minor") and not ("l1i" in caches and "l1d" in caches):
        sys.exit(f"lapidary_gem5.py: the {args.cpu} CPU needs L1 caches (--caches l1i=...,l1d=...)")
    system = build_system(args, caches, user)
    root = Root(full_system=False, system=system)
    try:
        m5.instantiate(os.path.abspath(args.checkpoint))
    except Exception as error:
        if not user:
            raise
        user.raised("building its system (m5.instantiate)", error)

    phases = []

    def run(cpu, insts, cause):
        atomic = isinstance(cpu, BaseAtomicSimpleCPU)
        start = cpu.totalInsts()
        if insts > 0:
            # AtomicSimpleCPU services instruction-count events before fetching the next
            # instruction and finishes that instruction before the simulation loop exits
            # (src/cpu/simple/atomic.cc:648), so a stop requested at N lands after N + 1.
            cpu.scheduleInstStop(0, insts - 1 if atomic and insts > 1 else insts, cause)
        event = m5.simulate()
        simulated = cpu.totalInsts() - start
        if atomic and insts > 1 and event.getCause() == cause:
            simulated += 1  # the instruction the loop finished after the stop is not counted yet
        phases.append({"name": cause, "requested": insts, "simulated": simulated, "endTick": m5.curTick()})
        return event

    active = system.cpu
    if hasattr(system, "switch_cpus"):
        # Start the objects first (0 ticks, no instruction): O3's Fetch::startupStage asserts
        # that no CPU has taken over yet (src/cpu/o3/fetch.cc:265).
        m5.simulate(0)
        if args.functional_warmup_insts > 0:
            # SMARTS functional warming (Wunderlich et al., ISCA 2003, section 4): the restored
            # AtomicSimpleCPU owns the detailed system's caches until the switch and, in atomic
            # memory mode, accesses them atomically (tags and replacement state update, no
            # timing), so they are warm when the detailed CPU takes them over. The detailed
            # CPU's own state (branch predictor) is warmed only by the detailed warm-up.
            event = run(system.cpu, args.functional_warmup_insts, "lapidary functional warm-up done")
            if event.getCause() != "lapidary functional warm-up done":
                return result(event.getCause(), event.getCode(), phases)
        try:
            m5.switchCpus(system, [(system.cpu, system.switch_cpus[0])])
        except (RuntimeError, TypeError) as error:
            # m5.switchCpus checks the handover before draining (src/python/m5/simulate.py:377-400)
            if not user:
                raise
            user.fail(f"the detailed CPU cannot take over from the restored CPU: {error}")
        active = system.switch_cpus[0]
    elif args.functional_warmup_insts > 0:
        sys.exit("lapidary_gem5.py: --functional-warmup-insts needs a detailed CPU to switch to")

    if args.detail_insts > 0:
        if args.warmup_insts > 0:
            event = run(active, args.warmup_insts, "lapidary warm-up done")
            if event.getCause() != "lapidary warm-up done":
                return result(event.getCause(), event.getCode(), phases)
            # stats.txt then holds two dumps: the warm-up window, then the measured one (last).
            m5.stats.dump()
        m5.stats.reset()
        event = run(active, args.detail_insts, "lapidary detailed region done")
        m5.stats.dump()
        return result(event.getCause(), event.getCode(), phases)

    event = run(active, args.max_insts, "lapidary max instructions reached")
    m5.stats.dump()
    if args.checkpoint_at_end:
        m5.checkpoint(os.path.abspath(args.checkpoint_at_end))
    return result(event.getCause(), event.getCode(), phases)


if __name__ == "__m5_main__":
    main()
