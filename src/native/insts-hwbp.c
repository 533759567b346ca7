/*
 * lapidary-insts-hwbp: counted instruction breakpoints counted by the kernel, for a program that
 * gdb (or anyone else) traces. No hardware PMU is needed: perf's "breakpoint" event source drives
 * the CPU's debug registers, and each hit costs one #DB exception handled in the kernel, with no
 * stop and no context switch to a debugger (gdb's own ignore counts stop the program at every hit).
 *
 * Usage: lapidary-insts-hwbp PID      commands on stdin, one JSON object per line on stdout
 *        lapidary-insts-hwbp --probe  can this process open breakpoint events (and a PMU counter)?
 * Commands:
 *   arm ADDR K     an event on instruction ADDR (hex) of PID that sends PID a SIGTRAP (si_code
 *                  TRAP_PERF) at its K-th hit: PID stops before executing ADDR for the K-th time
 *                  (as a ptrace signal-delivery-stop its tracer sees). -> {"event":"armed","id":N}
 *   count ADDR     an event that only counts hits at ADDR. -> {"event":"counting","id":N}
 *   read           -> {"event":"counts","counts":[{"id":N,"address":"0x..","hits":H},...]}
 *   close N        close event N -> {"event":"closed","id":N,"hits":H}
 *   (end of input: close everything and exit)
 * Errors: {"event":"error","message":"..."} (the helper goes on reading commands).
 *
 * A hit is an arrival at ADDR: an instruction breakpoint faults before the instruction executes.
 * Resuming with RF set in EFLAGS (as the kernel leaves it after a breakpoint fault) does not hit
 * again; the caller sets RF before resuming from a stop at ADDR that must not count.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_EVENTS 16

static struct {
  int fd;
  uint64_t addr;
} events[MAX_EVENTS];

static void reply_error(const char *what) {
  printf("{\"event\":\"error\",\"message\":\"%s: %s\"}\n", what, strerror(errno));
  fflush(stdout);
}

static int open_breakpoint(pid_t pid, uint64_t addr, uint64_t period) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_BREAKPOINT;
  attr.bp_type = HW_BREAKPOINT_X;
  attr.bp_addr = addr;
  attr.bp_len = sizeof(long);
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  if (period > 0) {
    attr.sample_period = period;
    attr.sigtrap = 1;
    attr.remove_on_exec = 1;
    attr.sig_data = addr;
  }
  return (int)syscall(SYS_perf_event_open, &attr, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

static int slot(void) {
  for (int i = 0; i < MAX_EVENTS; i++)
    if (events[i].fd <= 0) return i;
  return -1;
}

/*
 * Open a breakpoint event at `addr` of `pid` (a SIGTRAP every `k` hits, or counting only when
 * k is 0) in a free slot and reply `{"event":<event>,"id":<slot>}`, or reply the error of
 * `command` (no free slot) or of `call` (perf_event_open refused).
 */
static void install(pid_t pid, uint64_t addr, uint64_t k, const char *command, const char *call, const char *event) {
  int i = slot();
  if (i < 0) {
    errno = EMFILE;
    reply_error(command);
    return;
  }
  int fd = open_breakpoint(pid, addr, k);
  if (fd < 0) {
    reply_error(call);
    return;
  }
  events[i].fd = fd;
  events[i].addr = addr;
  printf("{\"event\":\"%s\",\"id\":%d}\n", event, i);
}

static uint64_t hits_of(int i) {
  uint64_t value = 0;
  if (read(events[i].fd, &value, sizeof value) != (ssize_t)sizeof value) return UINT64_MAX;
  return value;
}

/* The probe's breakpoint target: called through a volatile pointer so that it is really executed. */
__attribute__((noinline)) static void probe_target(void) { __asm__ volatile(""); }

static int probe(void) {
  /*
   * A counting breakpoint on this process's own probe_target, executed three times. Some
   * hypervisors accept the event but never deliver the debug exception (seen on a Firecracker
   * guest, kernel 6.18): the event opens and counts nothing, so opening it proves nothing.
   */
  int fd = open_breakpoint(0, (uint64_t)(uintptr_t)&probe_target, 0);
  int bp_errno = errno;
  const char *bp_error = "";
  if (fd < 0) {
    bp_error = strerror(bp_errno);
  } else {
    void (*volatile call)(void) = probe_target;
    for (int i = 0; i < 3; i++) call();
    uint64_t hits = 0;
    if (read(fd, &hits, sizeof hits) != (ssize_t)sizeof hits || hits != 3) {
      bp_error = "breakpoint events open but do not count (the hypervisor does not deliver debug exceptions)";
      close(fd);
      fd = -1;
    }
  }
  if (fd >= 0) close(fd);
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_HARDWARE;
  attr.config = PERF_COUNT_HW_INSTRUCTIONS;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  int pmu = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
  int pmu_errno = errno;
  if (pmu >= 0) close(pmu);
  printf("{\"event\":\"probe\",\"breakpoints\":%s,\"breakpointError\":\"%s\",\"pmu\":%s,\"pmuError\":\"%s\"}\n",
         fd >= 0 ? "true" : "false", bp_error, pmu >= 0 ? "true" : "false",
         pmu >= 0 ? "" : strerror(pmu_errno));
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--probe") == 0) return probe();
  if (argc != 2) {
    fprintf(stderr, "usage: lapidary-insts-hwbp PID | --probe\n");
    return 2;
  }
  pid_t pid = (pid_t)atoi(argv[1]);
  char line[256];
  while (fgets(line, sizeof line, stdin) != NULL) {
    unsigned long long addr, k;
    int id;
    if (sscanf(line, "arm %llx %llu", &addr, &k) == 2) {
      if (k == 0) {
        errno = EINVAL;
        reply_error("arm");
        continue;
      }
      install(pid, addr, k, "arm", "perf_event_open (breakpoint, sigtrap)", "armed");
    } else if (sscanf(line, "count %llx", &addr) == 1) {
      install(pid, addr, 0, "count", "perf_event_open (breakpoint)", "counting");
    } else if (strncmp(line, "read", 4) == 0) {
      printf("{\"event\":\"counts\",\"counts\":[");
      int first = 1;
      for (int i = 0; i < MAX_EVENTS; i++) {
        if (events[i].fd <= 0) continue;
        printf("%s{\"id\":%d,\"address\":\"0x%" PRIx64 "\",\"hits\":%" PRIu64 "}", first ? "" : ",", i, events[i].addr,
               hits_of(i));
        first = 0;
      }
      printf("]}\n");
    } else if (sscanf(line, "close %d", &id) == 1 && id >= 0 && id < MAX_EVENTS && events[id].fd > 0) {
      uint64_t hits = hits_of(id);
      close(events[id].fd);
      events[id].fd = 0;
      printf("{\"event\":\"closed\",\"id\":%d,\"hits\":%" PRIu64 "}\n", id, hits);
    } else {
      printf("{\"event\":\"error\",\"message\":\"bad command: %.*s\"}\n", (int)strcspn(line, "\n"), line);
    }
    fflush(stdout);
  }
  return 0;
}
