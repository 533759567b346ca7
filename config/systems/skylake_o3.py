# A Skylake-like out-of-order core for lapidary (the system-file interface: docs/systems.md).
#
#   lapidary parallel-simulate -d CPTS --system config/systems/skylake_o3.py --param rob=192
#   lapidary parallel-simulate -d CPTS --system config/systems/skylake_o3.py --sweep l2_size=256KiB,1MiB,4MiB
#
# Sizes follow Intel's Skylake client core (Intel 64 and IA-32 Architectures Optimization
# Reference Manual, the Skylake client microarchitecture section: 224-entry ROB, 97
# scheduler entries, 72 loads and 56 stores in flight, 180 integer / 168 vector physical
# registers, 4-wide allocation and retirement; 32 KiB 8-way L1I and L1D with 4-cycle loads,
# 256 KiB 4-way L2 with 12 cycles, an 8 MiB 16-way shared L3). An IP-stride prefetcher sits at
# the L1D and the L2, as Skylake's L1 IP prefetcher and L2 streamer do. The branch predictor is
# gem5's TAGE-SC-L (64 KB budget) or LTAGE (the `bp` parameter). It is a model a researcher
# starts from, not a validated Skylake.

import m5.objects
from m5.objects import *

PARAMS = {
    "rob": 224,
    "iq": 97,
    "lq": 72,
    "sq": 56,
    "int_regs": 180,
    "fp_regs": 168,
    "width": 4,
    "bp": "TAGE_SC_L_64KB",
    "l1i_size": "32KiB",
    "l1d_size": "32KiB",
    "l2_size": "256KiB",
    "l2_assoc": 4,
    "l3_size": "8MiB",
    "l3_assoc": 16,
    "prefetch_degree": 2,
    "cpu_clock": "3GHz",
}

BRANCH_PREDICTORS = ("TAGE_SC_L_64KB", "LTAGE", "TournamentBP")


def detailed_cpu(params):
    if params["bp"] not in BRANCH_PREDICTORS:
        raise ValueError(f"bp must be one of {', '.join(BRANCH_PREDICTORS)}, not {params['bp']!r}")
    width = params["width"]
    return X86O3CPU(
        fetchWidth=width * 2,  # 16 bytes a cycle from the L1I, about 4 x86 instructions
        decodeWidth=width + 1,  # 4 simple decoders + 1 complex (counted as 5 micro-op slots)
        renameWidth=width,
        dispatchWidth=width,
        issueWidth=width * 2,  # 8 execution ports
        wbWidth=width * 2,
        commitWidth=width,
        squashWidth=width * 2,
        numROBEntries=params["rob"],
        numIQEntries=params["iq"],
        LQEntries=params["lq"],
        SQEntries=params["sq"],
        numPhysIntRegs=params["int_regs"],
        numPhysFloatRegs=params["fp_regs"],
        branchPred=getattr(m5.objects, params["bp"])(),
    )


def cache(size, assoc, latency, mshrs, prefetch_degree=0):
    c = Cache(
        size=size,
        assoc=assoc,
        tag_latency=latency,
        data_latency=latency,
        response_latency=latency,
        mshrs=mshrs,
        tgts_per_mshr=20,
        write_buffers=16,
    )
    if prefetch_degree > 0:
        c.prefetcher = StridePrefetcher(degree=prefetch_degree)
    return c


def caches(system, cpu, params):
    """Private L1I, L1D (stride prefetcher) and L2 (stride prefetcher) per core, a shared L3."""
    degree = params["prefetch_degree"]
    cpu.icache = cache(params["l1i_size"], 8, 4, 8)
    cpu.dcache = cache(params["l1d_size"], 8, 4, 12, degree)
    cpu.icache_port = cpu.icache.cpu_side
    cpu.dcache_port = cpu.dcache.cpu_side
    cpu.l2bus = L2XBar()
    cpu.icache.mem_side = cpu.l2bus.cpu_side_ports
    cpu.dcache.mem_side = cpu.l2bus.cpu_side_ports
    # page-table walks go through the L2, as on the real core
    cpu.mmu.connectWalkerPorts(cpu.l2bus.cpu_side_ports, cpu.l2bus.cpu_side_ports)
    cpu.l2cache = cache(params["l2_size"], params["l2_assoc"], 12, 32, degree)
    cpu.l2bus.mem_side_ports = cpu.l2cache.cpu_side
    system.l3bus = L2XBar()
    cpu.l2cache.mem_side = system.l3bus.cpu_side_ports
    system.l3cache = cache(params["l3_size"], params["l3_assoc"], 40, 64)
    system.l3bus.mem_side_ports = system.l3cache.cpu_side
    system.l3cache.mem_side = system.membus.cpu_side_ports


def memory(system, params):
    """Dual-channel-like DDR4-2400, one controller over the whole simulated memory."""
    return MemCtrl(dram=DDR4_2400_8x8(range=system.mem_ranges[0]))
