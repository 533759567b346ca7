# An in-order core for lapidary (the system-file interface: docs/systems.md): gem5's Minor
# pipeline (fetch1, fetch2, decode, execute; src/cpu/minor/README) with the widths and
# buffers of a small dual-issue in-order core in the style of an Arm Cortex-A53, 32 KiB L1s
# and a 512 KiB L2, a tournament branch predictor.
#
#   lapidary parallel-simulate -d CPTS --system config/systems/minor_inorder.py --param issue=1

from m5.objects import *

PARAMS = {
    "issue": 2,
    "l1i_size": "32KiB",
    "l1d_size": "32KiB",
    "l2_size": "512KiB",
    "l2_assoc": 16,
    "cpu_clock": "1.5GHz",
}


def detailed_cpu(params):
    issue = params["issue"]
    return X86MinorCPU(
        decodeInputWidth=issue,
        executeInputWidth=issue,
        executeIssueLimit=issue,
        executeCommitLimit=issue,
        branchPred=TournamentBP(),
    )


def caches(system, cpu, params):
    """Private split L1s and an L2 through gem5's own BaseCPU helper (src/cpu/BaseCPU.py)."""
    def cache(size, assoc, latency, mshrs):
        return Cache(size=size, assoc=assoc, tag_latency=latency, data_latency=latency,
                     response_latency=latency, mshrs=mshrs, tgts_per_mshr=8, write_buffers=8)

    cpu.addTwoLevelCacheHierarchy(
        cache(params["l1i_size"], 2, 1, 4),
        cache(params["l1d_size"], 4, 2, 8),
        cache(params["l2_size"], params["l2_assoc"], 12, 16),
    )
    # the helper leaves the L2's memory side to the caller
    cpu.connectCachedPorts(system.membus.cpu_side_ports)
