/*
 * lapidary-insts-ptrace: counts retired user-mode instructions of a native run with ptrace,
 * as lapidary's independent reference count and as the fast native way to reach a marker.
 *
 * Usage:
 *   lapidary-insts-ptrace [OPTIONS] -- EXE ARGV0 ARGS...
 * Options:
 *   --env-file F        NUL-separated NAME=value strings: the target's whole environment
 *                       (default: inherit this helper's environment).
 *   --cwd D             working directory of the target.
 *   --stdin F / --stdout F / --stderr F   redirect the target's standard streams.
 *   --aslr              keep address-space randomisation (default: off, as gdb does).
 *   --keep-vdso         keep AT_SYSINFO_EHDR (default: removed, as lapidary's launcher does).
 *   --origin OBJ@OFF    where counting starts: the first arrival at file offset OFF (hex) of
 *                       the executable OBJ. Default: the first instruction of the program.
 *   --steps T1,T2,...   single-step from the origin; report the state at each count.
 *   --routes FILE       follow routes from the origin, one command per line:
 *                         hop HITS OFFSET OBJECT   run to the HITS-th arrival at file offset
 *                                                  OFFSET (hex) of OBJECT after the current stop
 *                         steps N                  single-step N instructions
 *                         point                    report the state here
 *   --to-exit           single-step from the origin (or the last point) until the program exits;
 *                       report {"event":"exit","count":N}, N counting the final exit_group
 *                       system call instruction (which never completes).
 *   --bench-steps N     single-step N times (raw traps) from the origin and report the rate.
 *   --bench-hits OBJ@OFF:N   count N breakpoint hits at OBJ@OFF from the origin; report the rate.
 *   --dump-stack FILE   at the program's first instruction (after the vDSO edit), write its initial
 *                       stack to FILE and end: u64 "LLSTACK1", u64 rsp, u64 top of [stack], u64 length,
 *                       then the bytes rsp..top (the lapinsts Valgrind tool runs the program on it).
 * Output: one JSON object per line on stdout: {"event":"point",...} per reported point with
 * the general registers, {"event":"bench",...}, and {"event":"end",...}. The target is killed
 * after the last request. Exit status 0, or 1 with {"event":"error","message":...}.
 *
 * Unit: one retired instruction. PTRACE_SINGLESTEP traps after each iteration of a
 * rep-prefixed string instruction (Intel SDM vol. 3 17.3.1.4; seen on this AMD EPYC VM), so a
 * trap that leaves RIP on the same rep string instruction is an iteration, not a retirement:
 * a rep instruction counts once, as in gem5 (one macroop) and hardware retired-instruction
 * counters.
 *
 * Single-threaded targets only: a clone is reported as an error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define AT_NULL_ 0
#define AT_IGNORE_ 1
#define AT_SYSINFO_EHDR_ 33

static pid_t child = -1;
static int exit_ok = 0;     /* --to-exit: the program's exit ends the count instead of failing */
static int exited = 0;

static void fail(const char *format, ...) {
  char message[1024];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  printf("{\"event\":\"error\",\"message\":\"");
  for (const char *c = message; *c; c++) {
    if (*c == '"' || *c == '\\') putchar('\\');
    putchar(*c >= ' ' ? *c : ' ');
  }
  printf("\"}\n");
  fflush(stdout);
  if (child > 0) kill(child, SIGKILL);
  exit(1);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the target's memory and registers ---- */

static uint64_t peek(uint64_t addr) {
  errno = 0;
  long word = ptrace(PTRACE_PEEKDATA, child, (void *)addr, NULL);
  if (errno != 0) fail("cannot read target memory at 0x%" PRIx64 ": %s", addr, strerror(errno));
  return (uint64_t)word;
}

static void poke(uint64_t addr, uint64_t word) {
  if (ptrace(PTRACE_POKEDATA, child, (void *)addr, (void *)word) != 0)
    fail("cannot write target memory at 0x%" PRIx64 ": %s", addr, strerror(errno));
}

static void get_regs(struct user_regs_struct *regs) {
  if (ptrace(PTRACE_GETREGS, child, NULL, regs) != 0) fail("PTRACE_GETREGS: %s", strerror(errno));
}

static void set_regs(const struct user_regs_struct *regs) {
  if (ptrace(PTRACE_SETREGS, child, NULL, regs) != 0) fail("PTRACE_SETREGS: %s", strerror(errno));
}

/* Wait for the next stop; fails on exit, on a signal other than SIGTRAP, and on clones. */
static void wait_trap(const char *doing) {
  int status;
  if (waitpid(child, &status, 0) < 0) fail("waitpid while %s: %s", doing, strerror(errno));
  if (WIFEXITED(status) && exit_ok) {
    child = -1;
    exited = 1;
    return;
  }
  if (WIFEXITED(status)) {
    child = -1;
    fail("the program exited with status %d while %s", WEXITSTATUS(status), doing);
  }
  if (WIFSIGNALED(status)) {
    child = -1;
    fail("the program was killed by signal %d while %s", WTERMSIG(status), doing);
  }
  if (!WIFSTOPPED(status)) fail("unexpected wait status 0x%x while %s", status, doing);
  if (status >> 16 == PTRACE_EVENT_CLONE || status >> 16 == PTRACE_EVENT_FORK || status >> 16 == PTRACE_EVENT_VFORK)
    fail("the program started a thread or process while %s: only single-threaded programs are supported", doing);
  if (WSTOPSIG(status) != SIGTRAP)
    fail("the program received signal %d while %s (signals are not supported)", WSTOPSIG(status), doing);
}

/* True if the instruction at `rip` is a rep/repne-prefixed string instruction (movs, cmps, stos,
 * lods, scas, ins, outs): legacy prefixes, optional REX, then opcode A4-A7, AA-AF or 6C-6F. */
static int is_rep_string(uint64_t rip) {
  uint64_t words[2] = {peek(rip), peek(rip + 8)};
  const uint8_t *bytes = (const uint8_t *)words;
  int rep = 0;
  for (int i = 0; i < 15; i++) {
    uint8_t b = bytes[i];
    if (b == 0xf2 || b == 0xf3) {
      rep = 1;
    } else if (b == 0x66 || b == 0x67 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65) {
      /* other legacy prefixes */
    } else {
      if (b >= 0x40 && b <= 0x4f && i + 1 < 15) b = bytes[++i]; /* REX */
      return rep && ((b >= 0xa4 && b <= 0xa7) || (b >= 0xaa && b <= 0xaf) || (b >= 0x6c && b <= 0x6f));
    }
  }
  return 0;
}

static uint64_t raw_steps;

/* Execute exactly one instruction (all iterations of a rep string instruction). */
static void step_instruction(void) {
  struct user_regs_struct regs;
  get_regs(&regs);
  uint64_t rip = regs.rip;
  int rep = -1;
  for (;;) {
    if (ptrace(PTRACE_SINGLESTEP, child, NULL, NULL) != 0) fail("PTRACE_SINGLESTEP: %s", strerror(errno));
    wait_trap("single-stepping");
    if (exited) return;
    raw_steps++;
    get_regs(&regs);
    if (regs.rip != rip) return;
    if (rep < 0) rep = is_rep_string(rip);
    if (!rep) return; /* e.g. `jmp .`: one retired instruction that stays put */
  }
}

/* ---- address translation: OBJ@OFF (file offset) to a native address via /proc/PID/maps ---- */

static uint64_t native_address(const char *object, uint64_t file_offset) {
  char path[64], line[4352], real_object[4096];
  if (realpath(object, real_object) == NULL) fail("cannot resolve %s: %s", object, strerror(errno));
  snprintf(path, sizeof path, "/proc/%d/maps", (int)child);
  FILE *maps = fopen(path, "r");
  if (maps == NULL) fail("cannot open %s", path);
  while (fgets(line, sizeof line, maps) != NULL) {
    unsigned long long start, end, offset;
    char perms[8], file[4096] = "";
    if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %4095[^\n]", &start, &end, perms, &offset, file) < 4) continue;
    if (strcmp(file, real_object) != 0) continue;
    if (file_offset >= offset && file_offset < offset + (end - start)) {
      fclose(maps);
      return start + (file_offset - offset);
    }
  }
  fclose(maps);
  fail("%s offset 0x%" PRIx64 " is not mapped in the program", object, file_offset);
  return 0;
}

/* Parse OBJ@OFF; `rest` receives the text after OFF. */
static uint64_t parse_location(char *text, char **rest) {
  char *at = strrchr(text, '@');
  if (at == NULL) fail("expected OBJ@OFFSET, got %s", text);
  *at = '\0';
  uint64_t offset = strtoull(at + 1, rest, 16);
  return native_address(text, offset);
}

/* ---- breakpoints ---- */

static uint64_t saved_word;

static void insert_int3(uint64_t addr) {
  saved_word = peek(addr);
  poke(addr, (saved_word & ~(uint64_t)0xff) | 0xcc);
}

static void remove_int3(uint64_t addr) { poke(addr, saved_word); }

/* Run until the `hits`-th arrival at `addr` (not counting the instruction we are stopped at). */
static void run_to_hit(uint64_t addr, uint64_t hits) {
  struct user_regs_struct regs;
  if (hits == 0) return;
  get_regs(&regs);
  if (regs.rip == addr) step_instruction(); /* like gdb: resuming from a breakpoint is not a hit */
  insert_int3(addr);
  for (uint64_t hit = 0; hit < hits;) {
    if (ptrace(PTRACE_CONT, child, NULL, NULL) != 0) fail("PTRACE_CONT: %s", strerror(errno));
    wait_trap("running to a breakpoint");
    get_regs(&regs);
    if (regs.rip - 1 != addr) fail("stopped by SIGTRAP at 0x%llx, not at the breakpoint", regs.rip);
    regs.rip = addr;
    set_regs(&regs);
    if (++hit == hits) break;
    remove_int3(addr);
    step_instruction();
    insert_int3(addr);
  }
  remove_int3(addr);
}

/* ---- reporting ---- */

/* The file and offset mapped at `addr` (from /proc/PID/maps), or "" and 0. */
static void file_location(uint64_t addr, char *object, size_t size, uint64_t *offset) {
  char path[64], line[4352];
  snprintf(path, sizeof path, "/proc/%d/maps", (int)child);
  object[0] = '\0';
  *offset = 0;
  FILE *maps = fopen(path, "r");
  if (maps == NULL) return;
  while (fgets(line, sizeof line, maps) != NULL) {
    unsigned long long start, end, off;
    char file[4096] = "";
    if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %4095[^\n]", &start, &end, &off, file) < 3) continue;
    if (addr >= start && addr < end && file[0] == '/') {
      snprintf(object, size, "%s", file);
      *offset = addr - start + off;
      break;
    }
  }
  fclose(maps);
}

static void report_point(uint64_t count) {
  struct user_regs_struct r;
  get_regs(&r);
  char object[4096];
  uint64_t offset;
  file_location(r.rip, object, sizeof object, &offset);
  printf("{\"event\":\"point\",\"count\":%" PRIu64 ",\"object\":\"%s\",\"offset\":\"0x%" PRIx64 "\",\"rawSteps\":%" PRIu64 ",\"regs\":{"
         "\"rip\":\"0x%llx\",\"rsp\":\"0x%llx\",\"rbp\":\"0x%llx\",\"rax\":\"0x%llx\",\"rbx\":\"0x%llx\","
         "\"rcx\":\"0x%llx\",\"rdx\":\"0x%llx\",\"rsi\":\"0x%llx\",\"rdi\":\"0x%llx\",\"r8\":\"0x%llx\","
         "\"r9\":\"0x%llx\",\"r10\":\"0x%llx\",\"r11\":\"0x%llx\",\"r12\":\"0x%llx\",\"r13\":\"0x%llx\","
         "\"r14\":\"0x%llx\",\"r15\":\"0x%llx\",\"eflags\":\"0x%llx\"}}\n",
         count, object, offset, raw_steps, r.rip, r.rsp, r.rbp, r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.r8, r.r9, r.r10, r.r11,
         r.r12, r.r13, r.r14, r.r15, r.eflags);
  fflush(stdout);
}

/* ---- starting the target ---- */

static char **read_env_file(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("cannot open %s: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) fail("cannot stat %s", path);
  char *buf = malloc((size_t)st.st_size + 1);
  ssize_t got = read(fd, buf, (size_t)st.st_size);
  if (got != st.st_size) fail("cannot read %s", path);
  close(fd);
  buf[got] = '\0';
  size_t count = 0;
  for (ssize_t i = 0; i < got; i++) count += buf[i] == '\0';
  char **env = calloc(count + 1, sizeof(char *));
  size_t n = 0;
  for (ssize_t i = 0; i < got && n < count; i += (ssize_t)strlen(buf + i) + 1) env[n++] = buf + i;
  return env;
}

static void redirect(const char *path, int target, int flags) {
  if (path == NULL) return;
  int fd = open(path, flags, 0666);
  if (fd < 0 || dup2(fd, target) < 0) _exit(127);
  close(fd);
}

/* Turn AT_SYSINFO_EHDR into AT_IGNORE on the initial stack (as src/create/vdso.ts does). */
static void remove_vdso(void) {
  struct user_regs_struct regs;
  get_regs(&regs);
  uint64_t at = regs.rsp;
  uint64_t argc = peek(at);
  at += 8 + argc * 8 + 8;
  while (peek(at) != 0) at += 8;
  at += 8;
  for (;; at += 16) {
    uint64_t type = peek(at);
    if (type == AT_NULL_) return;
    if (type == AT_SYSINFO_EHDR_) {
      poke(at, AT_IGNORE_);
      return;
    }
  }
}

/* Write the initial stack (rsp .. end of [stack]) to `path`. */
static void dump_stack(const char *path) {
  struct user_regs_struct regs;
  get_regs(&regs);
  char maps_path[64], line[4352];
  snprintf(maps_path, sizeof maps_path, "/proc/%d/maps", (int)child);
  FILE *maps = fopen(maps_path, "r");
  if (maps == NULL) fail("cannot open %s", maps_path);
  unsigned long long start = 0, end = 0;
  while (fgets(line, sizeof line, maps) != NULL) {
    unsigned long long s, e;
    if (strstr(line, "[stack]") != NULL && sscanf(line, "%llx-%llx", &s, &e) == 2) {
      start = s;
      end = e;
    }
  }
  fclose(maps);
  if (end == 0 || regs.rsp < start || regs.rsp >= end) fail("no [stack] holds rsp 0x%llx", regs.rsp);
  uint64_t header[4] = {0x314b434154534c4cULL, regs.rsp, end, end - regs.rsp};
  char *bytes = malloc(header[3]);
  char mem_path[64];
  snprintf(mem_path, sizeof mem_path, "/proc/%d/mem", (int)child);
  int mem = open(mem_path, O_RDONLY | O_CLOEXEC);
  if (mem < 0 || pread(mem, bytes, header[3], (off_t)regs.rsp) != (ssize_t)header[3]) fail("cannot read the stack of %d", (int)child);
  close(mem);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || write(fd, header, sizeof header) != (ssize_t)sizeof header ||
      write(fd, bytes, header[3]) != (ssize_t)header[3] || close(fd) != 0)
    fail("cannot write %s: %s", path, strerror(errno));
  free(bytes);
  printf("{\"event\":\"stack\",\"rsp\":\"0x%llx\",\"top\":\"0x%llx\"}\n", regs.rsp, end);
}

struct options {
  char **env;
  const char *cwd, *in, *out, *err, *origin, *steps, *routes, *bench_hits, *dump_stack;
  uint64_t bench_steps;
  int aslr, keep_vdso, to_exit;
  char **argv; /* EXE ARGV0 ARGS... */
};

static void start_target(const struct options *o) {
  child = fork();
  if (child < 0) fail("fork: %s", strerror(errno));
  if (child == 0) {
    if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) _exit(127);
    if (!o->aslr) personality(ADDR_NO_RANDOMIZE);
    redirect(o->in, 0, O_RDONLY);
    redirect(o->out, 1, O_WRONLY | O_CREAT | O_TRUNC);
    redirect(o->err, 2, O_WRONLY | O_CREAT | O_TRUNC);
    if (o->cwd != NULL && chdir(o->cwd) != 0) _exit(127);
    extern char **environ;
    execve(o->argv[0], o->argv + 1, o->env != NULL ? o->env : environ);
    _exit(127);
  }
  wait_trap("starting the program");
  if (ptrace(PTRACE_SETOPTIONS, child, NULL, (void *)(long)(PTRACE_O_EXITKILL | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK)) != 0)
    fail("PTRACE_SETOPTIONS: %s", strerror(errno));
  if (!o->keep_vdso) remove_vdso();
  if (o->dump_stack != NULL) {
    dump_stack(o->dump_stack);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    exit(0);
  }
  if (o->origin != NULL) {
    char location[4352], *rest;
    snprintf(location, sizeof location, "%s", o->origin);
    run_to_hit(parse_location(location, &rest), 1);
  }
}

/* ---- main ---- */

int main(int argc, char **argv) {
  struct options o = {0};
  int i = 1;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    const char *arg = argv[i];
    const char *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(arg, "--aslr") == 0) { o.aslr = 1; continue; }
    if (strcmp(arg, "--keep-vdso") == 0) { o.keep_vdso = 1; continue; }
    if (strcmp(arg, "--to-exit") == 0) { o.to_exit = 1; continue; }
    if (value == NULL) fail("option %s needs a value", arg);
    i++;
    if (strcmp(arg, "--env-file") == 0) o.env = read_env_file(value);
    else if (strcmp(arg, "--cwd") == 0) o.cwd = value;
    else if (strcmp(arg, "--stdin") == 0) o.in = value;
    else if (strcmp(arg, "--stdout") == 0) o.out = value;
    else if (strcmp(arg, "--stderr") == 0) o.err = value;
    else if (strcmp(arg, "--origin") == 0) o.origin = value;
    else if (strcmp(arg, "--steps") == 0) o.steps = value;
    else if (strcmp(arg, "--routes") == 0) o.routes = value;
    else if (strcmp(arg, "--bench-steps") == 0) o.bench_steps = strtoull(value, NULL, 10);
    else if (strcmp(arg, "--bench-hits") == 0) o.bench_hits = value;
    else if (strcmp(arg, "--dump-stack") == 0) o.dump_stack = value;
    else fail("unknown option %s", arg);
  }
  if (i + 2 >= argc) fail("usage: lapidary-insts-ptrace [OPTIONS] -- EXE ARGV0 ARGS...");
  o.argv = argv + i + 1;
  start_target(&o);

  uint64_t count = 0;
  double t0 = now();
  if (o.steps != NULL) {
    char *cursor = (char *)o.steps;
    while (*cursor != '\0') {
      uint64_t target = strtoull(cursor, &cursor, 10);
      if (*cursor == ',') cursor++;
      if (target < count) fail("--steps must be ascending");
      while (count < target) {
        step_instruction();
        count++;
      }
      report_point(count);
    }
  }
  if (o.routes != NULL) {
    FILE *routes = fopen(o.routes, "r");
    if (routes == NULL) fail("cannot open %s", o.routes);
    char line[4352];
    while (fgets(line, sizeof line, routes) != NULL) {
      line[strcspn(line, "\n")] = '\0';
      unsigned long long hits, offset, steps;
      int object_at = 0;
      if (sscanf(line, "hop %llu %llx %n", &hits, &offset, &object_at) == 2 && object_at > 0) {
        run_to_hit(native_address(line + object_at, offset), hits);
      } else if (sscanf(line, "steps %llu", &steps) == 1) {
        for (uint64_t s = 0; s < steps; s++) step_instruction();
      } else if (strcmp(line, "point") == 0) {
        report_point(0);
      } else if (line[0] != '\0') {
        fail("bad route line: %s", line);
      }
    }
    fclose(routes);
  }
  if (o.bench_steps > 0) {
    double start = now();
    for (uint64_t s = 0; s < o.bench_steps; s++) {
      if (ptrace(PTRACE_SINGLESTEP, child, NULL, NULL) != 0) fail("PTRACE_SINGLESTEP: %s", strerror(errno));
      wait_trap("single-stepping");
    }
    double seconds = now() - start;
    printf("{\"event\":\"bench\",\"kind\":\"steps\",\"count\":%" PRIu64 ",\"seconds\":%.6f}\n", o.bench_steps, seconds);
  }
  if (o.bench_hits != NULL) {
    char location[4352], *rest;
    snprintf(location, sizeof location, "%s", o.bench_hits);
    uint64_t addr = parse_location(location, &rest);
    uint64_t hits = *rest == ':' ? strtoull(rest + 1, NULL, 10) : 1;
    double start = now();
    run_to_hit(addr, hits);
    double seconds = now() - start;
    printf("{\"event\":\"bench\",\"kind\":\"hits\",\"count\":%" PRIu64 ",\"seconds\":%.6f}\n", hits, seconds);
  }
  if (o.to_exit) {
    exit_ok = 1;
    while (!exited) {
      step_instruction();
      count++;
    }
    printf("{\"event\":\"exit\",\"count\":%" PRIu64 ",\"rawSteps\":%" PRIu64 "}\n", count, raw_steps);
    printf("{\"event\":\"end\",\"seconds\":%.6f,\"rawSteps\":%" PRIu64 "}\n", now() - t0, raw_steps);
    return 0;
  }
  printf("{\"event\":\"end\",\"seconds\":%.6f,\"rawSteps\":%" PRIu64 "}\n", now() - t0, raw_steps);
  fflush(stdout);
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  return 0;
}
