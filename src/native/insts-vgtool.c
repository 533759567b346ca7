/*
 * lapinsts: a Valgrind tool (valgrind 3.19, amd64-linux) that maps retired-instruction counts of
 * a program to markers, and plans for each the cheapest way for a native run under gdb to stop
 * there: a few counted breakpoints ("hops") and single-steps. docs/instruction-counting.md.
 *
 *   VALGRIND_LIB=DIR valgrind.bin --tool=lapinsts --lapinsts-out=FILE [options] PROGRAM ARGS...
 *
 * Vocabulary:
 *  - Unit: one retired user-mode instruction. A rep-prefixed string instruction counts once however
 *    many iterations it makes (gem5 runs it as one macroop). VEX runs each iteration as another
 *    execution of the superblock holding it; those continuations are recognised and not counted.
 *  - Origin: position 0, the first arrival at the origin instruction (--lapinsts-origin, or main:
 *    --lapinsts-origin-main names glibc's __libc_start_main, whose first argument (RDI) is main).
 *    Without either, the first instruction of the program.
 *  - Arrival of instruction P at position p: the moment before P executes, p instructions after
 *    the origin. A breakpoint hit is an arrival; so is a stop of gdb's stepi.
 *  - Point T: the arrival at position T. Marker of T: (pc, hits): the instruction there and the
 *    number of its arrivals at positions 0..T (so T is its hits-th arrival since the origin).
 *  - Route to T from the previous point: actions "hop A k" (run to the k-th arrival at A after the
 *    current stop; the arrival at the stop itself does not count, as with gdb) and "steps n".
 *    Chosen to minimise hop-cost*hops + hit-cost*hits + step-cost*steps by dynamic programming
 *    over the last --lapinsts-window positions before T (the program's recorded path), plus one
 *    hop from the previous point into that window.
 *
 * Counting: each superblock is cut into segments at its side exits; all instructions of a segment
 * run whenever it starts. Inline IR adds the segment's length to a global position and counts its
 * runs, so arrivals at any instruction are sums over segments. A guarded helper fires only when a
 * target falls inside the segment about to run, and, near a target, records the segment runs.
 * Requires --vex-guest-chase=no and no unrolling (set here): with chasing on, VEX 3.19 merges both
 * arms of a short if-then into one superblock with guarded statements, so IMarks of skipped
 * instructions appear in the IR and every IMark-based count (lackey's too) overcounts.
 *
 * Check mode (--lapinsts-check=FILE, lines "K 0xOFFSET PATH"): an independent count, by one
 * inline increment per instruction rather than segment sums, of the position of the K-th arrival
 * (since the origin, the origin's own arrival included) at PATH+OFFSET.
 *
 * Native stack (--lapinsts-stack-image=FILE): the initial stack of the native run (written by
 * lapidary-insts-ptrace --dump-stack). It replaces the stack Valgrind built, at the same offsets
 * within the page, so the program sees the native argv, environment (no LD_PRELOAD, no
 * VALGRIND_LIB) and auxv strings at addresses that agree with the native ones modulo 4096: code
 * whose instruction counts depend on alignment (SSE2 string functions, page-crossing checks) or
 * on the environment (getenv) then follows the native path.
 *
 * CPUID: the guest sees the host's CPUID (minus features VEX cannot run), not Valgrind's model,
 * so that glibc selects the same string functions and copy thresholds as natively.
 *
 * Basic-block vectors (--lapinsts-bbv-interval=N --lapinsts-bbv-out=FILE): from the origin, per
 * interval of exactly N instructions (positions kN .. kN+N-1), the instructions each block
 * executed, in SimPoint's .bb text format ("T:id:count :id:count ..." per interval, as Valgrind's
 * exp-bbv writes it; the last, partial interval too). A block is a segment (below): its
 * instructions run together whenever it starts; ids (from 1, in order of first execution) are per
 * (superblock start, segment start), so retranslations of the same code share an id. Counts are
 * the segment sums the positions are made of, so each full interval totals exactly N. Each new
 * block is described by a "block" line in the JSON output.
 *
 * Output (FILE, JSON lines): "origin", one "point" per target, "check" per check line, "block"
 * per BBV block, "end".
 */
#include "pub_tool_basics.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_machine.h"
#include "pub_tool_options.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_vki.h"
#include "libvex_guest_offsets.h"
#include "libvex_guest_amd64.h"

/* Core variables a tool header does not export (coregrind/pub_core_clientstate.h). */
extern UWord *vgPlain_client_auxv;
extern HChar **vgPlain_client_envp;
extern Addr vgPlain_clstk_end;
extern VexControl vgPlain_clo_vex_control;
extern void vgPlain_set_SP(ThreadId tid, Addr sp);

#define NO_TARGET ((Long)0x7fffffffffffffffLL)
#define INF 1e300

/* ---------------------------------------------------------------- options */

static const HChar *clo_out = NULL;
static const HChar *clo_targets = NULL;
static const HChar *clo_origin = NULL;      /* PATH:0xOFF */
static const HChar *clo_origin_main = NULL; /* PATH:0xOFF of __libc_start_main */
static const HChar *clo_check = NULL;
static const HChar *clo_stack_image = NULL;
static Long clo_window = 1 << 21;
static Long clo_cost_hit = 9000;     /* ns per counted breakpoint hit */
static Long clo_cost_step = 300000;  /* ns per single-step */
static Long clo_cost_hop = 20000000; /* ns per hop (arming, resuming, stopping) */
static Bool clo_stop_after_last = False;
static Bool clo_native_cpuid = True;   /* for experiments: False keeps Valgrind's synthetic CPUID */
static Bool clo_exact_imarks = True;   /* for experiments: False keeps --vex-guest-chase and unrolling */
static Long clo_first = 0, clo_every = 0, clo_max = 0; /* targets first, first+every, ... (max of them, 0: no limit) */
static Long clo_bbv_interval = 0; /* instructions per BBV interval (0: no BBV) */
static const HChar *clo_bbv_out = NULL;

/* ---------------------------------------------------------------- state */

/* What the inline IR reads and writes, in one block that dirty helpers declare they modify. */
static struct {
  Long icount;   /* position: instructions retired since the origin */
  Long next;     /* the next target, or NO_TARGET */
  Long rec_from; /* record segment runs that reach this position */
  Long started;  /* 1 once the origin was reached */
  Addr rep_cont; /* a rep string instruction whose next iteration is about to run, or 0 */
  Long sp_fixed; /* the initial stack pointer was replaced (stack image) */
  Long icount2;  /* check mode: the independent per-instruction count */
  Long bbv_next; /* the next BBV interval boundary, or NO_TARGET */
} G;

typedef struct {
  Int n;           /* instructions (IMarks) */
  Bool first_rep;  /* instruction 0 is a rep string instruction starting its superblock */
  Addr *addrs;
  UChar *rep;      /* per instruction: a rep string instruction */
  Long count;      /* runs started since the origin (the current one included) */
  Long cont;       /* of which continuations of a rep at instruction 0 */
  Long snap, snap_cont; /* count and cont at the previous point */
  Addr sb_addr;    /* BBV: the first instruction of the superblock this segment was translated in */
  Long bbv_snap;   /* BBV: instructions executed at the previous interval boundary */
  Int bbv_id;      /* BBV: block id (0: not assigned yet) */
} Seg;

static Seg **segs = NULL;
static Int n_segs = 0, cap_segs = 0;
static Long slots = 0;

static Long *targets = NULL;
static Int n_targets = 0, next_target = 0;
static Int out_fd = -1;
static Int threads = 0, signals = 0;
static Long prev_point = 0;
/* Where the previous point and the origin lie: instruction idx of a run of seg. Arrivals at
 * instructions after idx in that run came after the point. */
static Seg *prev_seg = NULL, *origin_seg = NULL;
static Int prev_idx = 0, origin_idx = 0;

typedef struct { ULong dev, ino; Long off; Bool known; } Loc;
static Loc origin_loc, main_loc;
static Addr origin_addr = 0; /* origin-main mode: main's address once __libc_start_main ran */

/* Recorded segment runs near a target. */
typedef struct { Seg *g; Long ic; Int cont; } Run;
static Run *runs = NULL;
static Long n_runs = 0, cap_runs = 0;

/* Check mode. */
typedef struct { Loc loc; Long k, hits, pos; } Check;
static Check *checks = NULL;
static Int n_checks = 0;

/* ---------------------------------------------------------------- output */

static void out_write(const HChar *text) {
  if (out_fd >= 0) VG_(write)(out_fd, text, VG_(strlen)(text));
}

static void json_string(HChar *buf, Int size, const HChar *s) {
  Int at = VG_(strlen)(buf);
  if (at < size - 1) buf[at++] = '"';
  for (; s != NULL && *s != '\0' && at < size - 8; s++) {
    UChar c = (UChar)*s;
    if (c == '"' || c == '\\') {
      buf[at++] = '\\';
      buf[at++] = (HChar)c;
    } else if (c < 0x20) {
      at += VG_(sprintf)(buf + at, "\\u%04x", (UInt)c);
    } else {
      buf[at++] = (HChar)c;
    }
  }
  if (at < size - 1) buf[at++] = '"';
  buf[at] = '\0';
}

/* Append "object":..,"offset":"0x..","address":"0x.." for a guest address. */
static void json_location(HChar *buf, Int size, Addr a) {
  NSegment const *seg = VG_(am_find_nsegment)(a);
  const HChar *name = seg != NULL ? VG_(am_get_filename)(seg) : NULL;
  Int at = VG_(strlen)(buf);
  VG_(snprintf)(buf + at, size - at, "\"object\":");
  json_string(buf, size, name != NULL ? name : "");
  at = VG_(strlen)(buf);
  ULong offset = seg != NULL && name != NULL ? (ULong)(a - seg->start) + (ULong)seg->offset : 0;
  VG_(snprintf)(buf + at, size - at, ",\"offset\":\"0x%llx\",\"address\":\"0x%lx\"", offset, a);
}

static Bool at_loc(const Loc *loc, Addr a) {
  if (!loc->known) return False;
  NSegment const *seg = VG_(am_find_nsegment)(a);
  if (seg == NULL || seg->kind != SkFileC || seg->ino != loc->ino || seg->dev != loc->dev) return False;
  return (Long)(a - seg->start) + (Long)seg->offset == loc->off;
}

/* ---------------------------------------------------------------- per-address sums */

typedef struct {
  Addr addr;      /* 0: empty */
  Long since_prev;   /* arrivals at positions (prev, t] */
  Long since_origin; /* arrivals at positions [0, t] */
  Long in_window;    /* arrivals in the DP window, after the previous point */
  Long last;         /* DP: index of the latest arrival in the window so far, or -1 */
} Entry;

static Entry *table = NULL;
static Long table_size = 0;

static Entry *entry_for(Addr a) {
  ULong h = ((ULong)a * 0x9E3779B97F4A7C15ULL) >> 17;
  for (Long i = (Long)(h & (ULong)(table_size - 1));; i = (i + 1) & (table_size - 1)) {
    if (table[i].addr == a) return &table[i];
    if (table[i].addr == 0) {
      table[i].addr = a;
      table[i].last = -1;
      return &table[i];
    }
  }
}

/* Arrivals of instruction i of g up to the arrival at instruction j of the current run of cur. */
static Long arrivals_now(Seg *g, Int i, Seg *cur, Int j) {
  Long a = g->count - (i == 0 ? g->cont : 0);
  if (g == cur && i > j) a--;
  if (g == origin_seg && i < origin_idx) a--;
  return a;
}

/* Arrivals up to and including the previous point. */
static Long arrivals_at_prev(Seg *g, Int i) {
  Long a = g->snap - (i == 0 ? g->snap_cont : 0);
  if (g == prev_seg && i > prev_idx) a--;
  if (g == origin_seg && i < origin_idx) a--;
  return a;
}

static void aggregate(Seg *cur, Int j) {
  Long want = 1024;
  while (want < 2 * slots + 2) want <<= 1;
  if (want != table_size) {
    if (table != NULL) VG_(free)(table);
    table_size = want;
    table = VG_(malloc)("lapinsts.table", sizeof(Entry) * (SizeT)table_size);
  }
  VG_(memset)(table, 0, sizeof(Entry) * (SizeT)table_size);
  for (Int s = 0; s < n_segs; s++) {
    Seg *g = segs[s];
    for (Int i = 0; i < g->n; i++) {
      Long now = arrivals_now(g, i, cur, j);
      if (now <= 0) continue;
      Entry *e = entry_for(g->addrs[i]);
      e->since_origin += now;
      e->since_prev += now - arrivals_at_prev(g, i);
    }
  }
}

/* ---------------------------------------------------------------- planning (DP) */

/* Route actions, forward order. */
typedef struct { Addr addr; Long hits; Long steps; Bool rep; } Action; /* hop if addr != 0, else steps or rep */

static void plan_and_report(Long t, Seg *cur, Int j) {
  aggregate(cur, j);
  Long w0 = t - clo_window;
  if (w0 < prev_point) w0 = prev_point;
  Long n = t - w0 + 1;
  Bool from_prev = w0 == prev_point; /* the previous point is index 0 of the window */

  Addr *addr = VG_(malloc)("lapinsts.dp", sizeof(Addr) * (SizeT)n);
  UChar *rep = VG_(malloc)("lapinsts.dp", (SizeT)n);
  double *f_none = VG_(malloc)("lapinsts.dp", sizeof(double) * (SizeT)n);
  double *f_arm = VG_(malloc)("lapinsts.dp", sizeof(double) * (SizeT)n);
  Int *from = VG_(malloc)("lapinsts.dp", sizeof(Int) * (SizeT)n);  /* armed: -1 chain, -2 entry, else stop idx */
  Int *prev_same = VG_(malloc)("lapinsts.dp", sizeof(Int) * (SizeT)n);
  UChar *stepped = VG_(malloc)("lapinsts.dp", (SizeT)n);
  Int *stk_idx = VG_(malloc)("lapinsts.dp", sizeof(Int) * (SizeT)n);
  double *stk_val = VG_(malloc)("lapinsts.dp", sizeof(double) * (SizeT)n);
  Long filled = 0;

  /* The path: positions w0..t from the recorded runs. */
  for (Long r = 0; r < n_runs; r++) {
    Seg *g = runs[r].g;
    for (Int i = runs[r].cont ? 1 : 0; i < g->n; i++) {
      Long pos = runs[r].ic + i - runs[r].cont;
      if (pos < w0 || pos > t) continue;
      addr[pos - w0] = g->addrs[i];
      rep[pos - w0] = g->rep[i];
      filled++;
    }
  }
  tl_assert2(filled == n, "lapinsts: window not recorded (%lld of %lld positions)", filled, n);
  for (Long s = 0; s < n; s++) {
    if (from_prev && s == 0) continue;
    entry_for(addr[s])->in_window++;
  }

  double c_hit = (double)clo_cost_hit * 1e-9, c_step = (double)clo_cost_step * 1e-9, c_hop = (double)clo_cost_hop * 1e-9;
  Long top = 0; /* monotonic stack of f_none: values strictly increase with index */
  for (Long s = 0; s < n; s++) {
    Entry *e = entry_for(addr[s]);
    Long p = e->last;
    prev_same[s] = (Int)p;
    f_arm[s] = INF;
    from[s] = -3;
    if (!rep[s] && !(from_prev && s == 0)) {
      if (p >= 0 && f_arm[p] + c_hit < f_arm[s]) {
        f_arm[s] = f_arm[p] + c_hit;
        from[s] = -1;
      }
      /* The cheapest stop q in [max(p,0), s-1]: the first stack entry with index >= q. */
      Long lo = p >= 0 ? p : 0;
      Long a = 0, b = top;
      while (a < b) {
        Long m = (a + b) / 2;
        if (stk_idx[m] < lo) a = m + 1; else b = m;
      }
      if (a < top && stk_val[a] + c_hop + c_hit < f_arm[s]) {
        f_arm[s] = stk_val[a] + c_hop + c_hit;
        from[s] = stk_idx[a];
      }
      if (!from_prev && p < 0) {
        Long before = e->since_prev - e->in_window;
        double c = c_hop + c_hit * (double)(before + 1);
        if (c < f_arm[s]) {
          f_arm[s] = c;
          from[s] = -2;
        }
      }
    }
    if (s == 0) {
      f_none[s] = from_prev ? 0 : f_arm[s];
      stepped[s] = 0;
    } else {
      double c = f_none[s - 1] + (rep[s - 1] ? c_hop : c_step);
      stepped[s] = c < f_arm[s];
      f_none[s] = stepped[s] ? c : f_arm[s];
    }
    while (top > 0 && stk_val[top - 1] >= f_none[s]) top--;
    stk_idx[top] = (Int)s;
    stk_val[top] = f_none[s];
    top++;
    e->last = s;
  }

  /* Back from t to the previous point. */
  Int cap = 64, n_act = 0;
  Action *act = VG_(malloc)("lapinsts.route", sizeof(Action) * (SizeT)cap);
  Long s = n - 1;
  for (;;) {
    if (from_prev && s == 0) break;
    if (n_act + 1 >= cap) {
      cap *= 2;
      act = VG_(realloc)("lapinsts.route", act, sizeof(Action) * (SizeT)cap);
    }
    if (s > 0 && stepped[s]) {
      if (rep[s - 1]) act[n_act++] = (Action){0, 0, 0, True};
      else if (n_act > 0 && act[n_act - 1].addr == 0 && !act[n_act - 1].rep) act[n_act - 1].steps++;
      else act[n_act++] = (Action){0, 0, 1, False};
      s--;
      continue;
    }
    Long hits = 1, k = s;
    while (from[k] == -1) {
      k = prev_same[k];
      hits++;
    }
    tl_assert(from[k] != -3);
    if (from[k] == -2) hits += entry_for(addr[k])->since_prev - entry_for(addr[k])->in_window;
    act[n_act++] = (Action){addr[s], hits, 0, False};
    if (from[k] == -2) break;
    s = from[k];
  }

  HChar *buf = VG_(malloc)("lapinsts.out", 65536);
  Int size = 65536;
  Entry *pc = entry_for(addr[n - 1]);
  VG_(snprintf)(buf, size, "{\"event\":\"point\",\"count\":%lld,\"pc\":{", t);
  json_location(buf, size, addr[n - 1]);
  Int at = VG_(strlen)(buf);
  at += VG_(snprintf)(buf + at, size - at, ",\"hits\":%lld,\"sincePrevious\":%lld,\"rep\":%s},\"route\":[", pc->since_origin,
                      pc->since_prev, rep[n - 1] ? "true" : "false");
  for (Int i = n_act - 1; i >= 0 && at < size - 1024; i--) {
    if (act[i].rep) {
      at += VG_(snprintf)(buf + at, size - at, "{\"rep\":true}");
    } else if (act[i].addr == 0) {
      at += VG_(snprintf)(buf + at, size - at, "{\"steps\":%lld}", act[i].steps);
    } else {
      Entry *h = entry_for(act[i].addr);
      at += VG_(snprintf)(buf + at, size - at, "{\"hits\":%lld,\"sincePrevious\":%lld,", act[i].hits, h->since_prev);
      json_location(buf, size, act[i].addr);
      at = VG_(strlen)(buf);
      at += VG_(snprintf)(buf + at, size - at, "}");
    }
    if (i > 0) at += VG_(snprintf)(buf + at, size - at, ",");
  }
  VG_(snprintf)(buf + at, size - at, "],\"cost\":%.6f,\"window\":%lld}\n", f_none[n - 1], n);
  out_write(buf);
  VG_(free)(buf);
  VG_(free)(act);
  VG_(free)(addr); VG_(free)(rep); VG_(free)(f_none); VG_(free)(f_arm); VG_(free)(from);
  VG_(free)(prev_same); VG_(free)(stepped); VG_(free)(stk_idx); VG_(free)(stk_val);
}

/* ---------------------------------------------------------------- basic-block vectors */

static Int bbv_fd = -1;
static Long bbv_intervals = 0; /* intervals written */
static Int bbv_blocks = 0;     /* ids assigned */
typedef struct { Addr sb, start; Int n; Int id; } BlockKey;
static BlockKey *block_keys = NULL;
static Long block_keys_size = 0;
static Long *bbv_counts = NULL; /* per id (index id), for the interval being written */
static Int bbv_counts_cap = 0;

/* The id of the block (superblock sb, first instruction start, n instructions), assigned on first use. */
static Int block_id(Seg *g) {
  if (g->bbv_id != 0) return g->bbv_id;
  if (2 * (Long)(bbv_blocks + 1) > block_keys_size) {
    Long size = block_keys_size == 0 ? 4096 : 2 * block_keys_size;
    BlockKey *old = block_keys;
    Long old_size = block_keys_size;
    block_keys = VG_(calloc)("lapinsts.bbv", (SizeT)size, sizeof(BlockKey));
    block_keys_size = size;
    for (Long i = 0; i < old_size; i++) {
      if (old[i].id == 0) continue;
      ULong h = ((ULong)old[i].start * 0x9E3779B97F4A7C15ULL ^ (ULong)old[i].sb) >> 17;
      Long k = (Long)(h & (ULong)(size - 1));
      while (block_keys[k].id != 0) k = (k + 1) & (size - 1);
      block_keys[k] = old[i];
    }
    if (old != NULL) VG_(free)(old);
  }
  ULong h = ((ULong)g->addrs[0] * 0x9E3779B97F4A7C15ULL ^ (ULong)g->sb_addr) >> 17;
  Long k = (Long)(h & (ULong)(block_keys_size - 1));
  for (;; k = (k + 1) & (block_keys_size - 1)) {
    BlockKey *b = &block_keys[k];
    if (b->id == 0) break;
    if (b->sb == g->sb_addr && b->start == g->addrs[0] && b->n == g->n) return g->bbv_id = b->id;
  }
  Int id = ++bbv_blocks;
  block_keys[k] = (BlockKey){g->sb_addr, g->addrs[0], g->n, id};
  if (id >= bbv_counts_cap) {
    bbv_counts_cap = bbv_counts_cap == 0 ? 4096 : 2 * bbv_counts_cap;
    bbv_counts = VG_(realloc)("lapinsts.bbv", bbv_counts, sizeof(Long) * (SizeT)bbv_counts_cap);
  }
  bbv_counts[id] = 0;
  HChar buf[2048];
  VG_(snprintf)(buf, sizeof buf, "{\"event\":\"block\",\"id\":%d,\"instructions\":%d,\"superblock\":\"0x%lx\",", id, g->n, g->sb_addr);
  json_location(buf, sizeof buf, g->addrs[0]);
  Int at = VG_(strlen)(buf);
  VG_(snprintf)(buf + at, sizeof buf - at, "}\n");
  out_write(buf);
  return g->bbv_id = id;
}

/* Instructions g executed since the origin, up to the arrival at instruction j of the current run
 * of cur (excluded; cur NULL: all of them). A run executes all n instructions, a continuation of
 * a rep at instruction 0 the n-1 after it, the origin's run those from origin_idx on. */
static Long executed(Seg *g, Seg *cur, Int j) {
  Long e = (Long)g->n * g->count - g->cont;
  if (g == cur) e -= g->n - j;
  if (g == origin_seg) e -= origin_idx;
  return e;
}

static void bbv_write(const HChar *text, Int len) {
  if (bbv_fd >= 0) VG_(write)(bbv_fd, text, len);
}

/* Close the interval ending at the arrival at instruction j of cur's current run (cur NULL: the
 * program's end): one "T" line with each block's instructions since the previous boundary. */
static void bbv_dump(Seg *cur, Int j) {
  Long total = 0;
  Int used = 0;
  Int *ids = VG_(malloc)("lapinsts.bbv", sizeof(Int) * (SizeT)(n_segs + 1));
  for (Int s = 0; s < n_segs; s++) {
    Seg *g = segs[s];
    Long e = executed(g, cur, j);
    Long d = e - g->bbv_snap;
    if (d == 0) continue;
    g->bbv_snap = e;
    Int id = block_id(g);
    if (bbv_counts[id] == 0) ids[used++] = id;
    bbv_counts[id] += d;
    total += d;
  }
  if (total == 0 && cur == NULL) {
    VG_(free)(ids);
    return;
  }
  /* Ascending ids, as exp-bbv writes them (insertion sort: a few thousand blocks per interval). */
  for (Int a = 1; a < used; a++) {
    Int v = ids[a], b = a - 1;
    while (b >= 0 && ids[b] > v) { ids[b + 1] = ids[b]; b--; }
    ids[b + 1] = v;
  }
  HChar buf[64];
  bbv_write("T", 1);
  for (Int a = 0; a < used; a++) {
    Int len = VG_(snprintf)(buf, sizeof buf, ":%d:%lld ", ids[a], bbv_counts[ids[a]]);
    bbv_write(buf, len);
    bbv_counts[ids[a]] = 0;
  }
  bbv_write("\n", 1);
  bbv_intervals++;
  VG_(free)(ids);
}

/* A BBV interval boundary lies in the run about to start: positions ic .. ic+inc-1. */
static VG_REGPARM(3) void at_bbv_boundary(Seg *cur, Long ic, Long inc) {
  Int cont = inc < cur->n ? 1 : 0;
  while (G.bbv_next < ic + inc) {
    bbv_dump(cur, (Int)(G.bbv_next - ic) + cont);
    G.bbv_next += clo_bbv_interval;
  }
}

/* ---------------------------------------------------------------- helpers called from IR */

static void set_next_target(void) {
  if (clo_every > 0) {
    Bool more = clo_max == 0 || next_target < clo_max;
    G.next = more ? clo_first + clo_every * (Long)next_target : NO_TARGET;
  } else {
    G.next = next_target < n_targets ? targets[next_target] : NO_TARGET;
  }
  Long from = G.next - clo_window;
  G.rec_from = G.next == NO_TARGET ? NO_TARGET : (from > prev_point ? from : prev_point);
  n_runs = 0;
}

static void finish(Int exitcode);

/* A segment run that reaches the recording window: remember it. */
static VG_REGPARM(3) void record_run(Seg *g, Long ic, Long inc) {
  if (n_runs == cap_runs) {
    cap_runs = cap_runs == 0 ? 4096 : 2 * cap_runs;
    runs = VG_(realloc)("lapinsts.runs", runs, sizeof(Run) * (SizeT)cap_runs);
  }
  runs[n_runs++] = (Run){g, ic, inc < g->n ? 1 : 0};
}

/* A target lies in the run about to start: positions ic .. ic+inc-1. */
static VG_REGPARM(3) void at_targets(Seg *cur, Long ic, Long inc) {
  Int cont = inc < cur->n ? 1 : 0;
  while (G.next < ic + inc) {
    Long t = G.next;
    Int j = (Int)(t - ic) + cont;
    plan_and_report(t, cur, j);
    prev_point = t;
    for (Int s = 0; s < n_segs; s++) {
      segs[s]->snap = segs[s]->count;
      segs[s]->snap_cont = segs[s]->cont;
    }
    prev_seg = cur;
    prev_idx = j;
    next_target++;
    set_next_target();
    if (G.next != NO_TARGET && G.rec_from <= t) {
      /* The next window starts inside this run: keep it. */
      record_run(cur, ic, inc);
    }
  }
  if (G.next == NO_TARGET && clo_stop_after_last && n_checks == 0) {
    finish(-1);
    VG_(exit)(0);
  }
}

/* The origin is instruction idx of cur, about to run for the first time. */
static VG_REGPARM(2) void at_origin(Seg *cur, Long idx) {
  G.started = 1;
  G.icount = -idx;
  G.icount2 = -idx;
  for (Int s = 0; s < n_segs; s++) segs[s]->count = segs[s]->cont = segs[s]->snap = segs[s]->snap_cont = segs[s]->bbv_snap = 0;
  if (clo_bbv_interval > 0) G.bbv_next = clo_bbv_interval;
  cur->snap = 1; /* the inline code counts this run next: the origin's own arrival is at the point */
  origin_seg = prev_seg = cur;
  origin_idx = prev_idx = (Int)idx;
  prev_point = 0;
  next_target = 0;
  set_next_target();
  for (Int c = 0; c < n_checks; c++) checks[c].hits = 0;
  HChar buf[2048];
  VG_(snprintf)(buf, sizeof buf, "{\"event\":\"origin\",");
  json_location(buf, sizeof buf, cur->addrs[idx]);
  Int at = VG_(strlen)(buf);
  VG_(snprintf)(buf + at, sizeof buf - at, "}\n");
  out_write(buf);
}

/* __libc_start_main was entered: its first argument is main. */
static VG_REGPARM(1) void at_libc_start_main(Addr main) {
  if (origin_addr == 0) origin_addr = main;
}

/* Check mode: an arrival at check location c; G.icount2 instructions since the origin. */
static VG_REGPARM(1) void at_check(Long c) {
  if (!G.started) return;
  Check *k = &checks[c];
  if (++k->hits != k->k) return;
  k->pos = G.icount2;
  if (!clo_stop_after_last) return;
  for (Int i = 0; i < n_checks; i++)
    if (checks[i].pos < 0) return;
  finish(-1);
  VG_(exit)(0);
}

/* ---------------------------------------------------------------- CPUID */

/* The host's own CPUID, instead of the CPU Valgrind describes (an Intel Haswell-like model on this
 * kind of host): glibc picks string functions, copy thresholds and tuning flags from the vendor,
 * family, model, feature and cache leaves, so the program must see the CPU the native run sees.
 * Only features VEX 3.19 cannot execute are hidden (AVX-512, AMX, SHA, GFNI/VAES/VPCLMULQDQ,
 * AVX-VNNI, XSAVEC/XSAVES, processor trace, Key Locker), so that glibc does not pick them (it
 * would pick _dl_runtime_resolve_xsavec, for one). lapidary's default GLIBC_TUNABLES hwcaps mask
 * turns all of them off natively as well, so glibc's active features match the native run's. */
static void native_cpuid(VexGuestAMD64State *st) {
  UInt leaf = (UInt)st->guest_RAX, sub = (UInt)st->guest_RCX;
  UInt a = leaf, b, c = sub, d;
  __asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
  if (leaf == 7 && sub == 0) {
    b &= ~((1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28) | (1u << 29) | (1u << 30) | (1u << 31));
    c &= ~((1u << 1) | (1u << 6) | (1u << 8) | (1u << 9) | (1u << 10) | (1u << 11) | (1u << 12) | (1u << 14));
    d &= ~((1u << 2) | (1u << 3) | (1u << 8) | (1u << 22) | (1u << 23) | (1u << 24) | (1u << 25));
  } else if (leaf == 7) {
    a = b = c = d = 0;
  } else if (leaf == 0xd && sub == 1) {
    a &= ~((1u << 1) | (1u << 3));
  } else if (leaf == 0x14 || leaf == 0x19 || leaf == 0x1d || leaf == 0x1e) {
    a = b = c = d = 0;
  }
  st->guest_RAX = a;
  st->guest_RBX = b;
  st->guest_RCX = c;
  st->guest_RDX = d;
}

/* ---------------------------------------------------------------- stack image */

static Addr new_sp = 0;

static VG_REGPARM(0) void fix_sp(void) {
  if (G.sp_fixed) return;
  G.sp_fixed = 1;
  vgPlain_set_SP(VG_(get_running_tid)(), new_sp);

}

static Bool auxv_points_into_stack(UWord type) {
  return type == 15 /* AT_PLATFORM */ || type == 24 /* AT_BASE_PLATFORM */ || type == 25 /* AT_RANDOM */ ||
         type == 31 /* AT_EXECFN */;
}

/* Replace the initial stack Valgrind built with the native one (see the header comment). */
static void mirror_stack(void) {
  SysRes res = VG_(open)(clo_stack_image, VKI_O_RDONLY, 0);
  if (sr_isError(res)) VG_(fmsg_bad_option)("--lapinsts-stack-image", "cannot open %s\n", clo_stack_image);
  Int fd = (Int)sr_Res(res);
  ULong header[4];
  if (VG_(read)(fd, header, sizeof header) != sizeof header || header[0] != 0x314b434154534c4cULL /* "LLSTACK1" */)
    VG_(fmsg_bad_option)("--lapinsts-stack-image", "%s is not a stack image\n", clo_stack_image);
  Addr nsp = header[1], ntop = header[2];
  SizeT len = (SizeT)(ntop - nsp);
  if (header[3] != len || len > 16 * 1024 * 1024 || (ntop & 0xfff) != 0)
    VG_(fmsg_bad_option)("--lapinsts-stack-image", "%s is inconsistent\n", clo_stack_image);
  UChar *img = VG_(malloc)("lapinsts.stack", len);
  if ((SizeT)VG_(read)(fd, img, len) != len) VG_(fmsg_bad_option)("--lapinsts-stack-image", "%s is truncated\n", clo_stack_image);
  VG_(close)(fd);

  /* Valgrind's initial stack: [argc][argv..][0][envp..][0][auxv..]; VG_(client_auxv) is known. */
  UWord *vauxv = vgPlain_client_auxv;

  UWord *p = vauxv - 2; /* last envp entry, or the argv terminator if envp is empty */
  while (*p != 0) p--;  /* the argv terminator */
  UWord *vsp = NULL;
  for (Long k = 0; k < 4096; k++) {
    if (p[-1 - k] == (UWord)k) {
      vsp = p - 1 - k;
      break;
    }
  }
  tl_assert2(vsp != NULL, "lapinsts: cannot find the initial stack pointer");
  Addr vtop = vgPlain_clstk_end + 1;
  Addr nsp_v = nsp + (vtop - ntop); /* the native stack pointer, moved to Valgrind's stack */
  NSegment const *seg = VG_(am_find_nsegment)(nsp_v);
  NSegment const *topseg = VG_(am_find_nsegment)(vtop - 1);
  if (seg == NULL || seg != topseg || seg->kind != SkAnonC)
    VG_(fmsg_bad_option)("--lapinsts-stack-image", "the native stack image (%lu bytes) does not fit in Valgrind's initial client stack\n", len);
  Long delta = (Long)(vtop - ntop);


  /* Relocate the image's pointers into itself; take Valgrind's auxv values (the loader and the
   * program are where Valgrind put them) except those pointing into the image. */
  UWord *w = (UWord *)img;
  UWord argc = w[0];
  Long i = 1;
  for (; i <= (Long)argc; i++) w[i] += delta;
  tl_assert(w[i] == 0);
  for (i++; w[i] != 0; i++) w[i] += delta;
  for (i++; w[i] != 0 /* AT_NULL */; i += 2) {
    UWord type = w[i];
    if (type == 1 /* AT_IGNORE */) continue;
    if (auxv_points_into_stack(type)) {
      w[i + 1] += delta;
      continue;
    }
    Bool found = False;
    for (UWord *v = vauxv; v[0] != 0; v += 2) {
      if (v[0] == type) {
        w[i + 1] = v[1];
        found = True;
        break;
      }
    }
    if (!found) w[i] = 1; /* Valgrind dropped it (the vDSO, AT_MINSIGSTKSZ, ...): drop it too */
  }
  /* Position of the auxv in the new stack. */
  Long auxv_index = 1 + (Long)argc + 1;
  while (w[auxv_index] != 0) auxv_index++;
  auxv_index++;
  /* Zero what Valgrind left below, then write the image. */
  Addr low = (Addr)vsp < nsp_v ? (Addr)vsp : nsp_v;
  VG_(memset)((void *)low, 0, nsp_v - low);
  VG_(memcpy)((void *)nsp_v, img, len);
  vgPlain_client_auxv = (UWord *)nsp_v + auxv_index;
  vgPlain_client_envp = (HChar **)((UWord *)nsp_v + 1 + argc + 1); /* Valgrind's getenv reads it */
  new_sp = nsp_v;
  VG_(free)(img);
}

/* ---------------------------------------------------------------- instrumentation */

/* Whether the instruction at `a` (len bytes) is a rep/repne string instruction: legacy prefixes,
 * an optional REX byte, then movs/cmps/stos/lods/scas/ins/outs. */
static Bool is_rep_string(Addr a, Int len) {
  const UChar *p = (const UChar *)a;
  Bool rep = False;
  for (Int i = 0; i < len; i++) {
    UChar b = p[i];
    if (b == 0xf2 || b == 0xf3) {
      rep = True;
    } else if (b == 0x66 || b == 0x67 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65) {
      /* other legacy prefix */
    } else {
      if (b >= 0x40 && b <= 0x4f && i + 1 < len) b = p[++i];
      return rep && ((b >= 0xa4 && b <= 0xa7) || (b >= 0xaa && b <= 0xaf) || (b >= 0x6c && b <= 0x6f));
    }
  }
  return False;
}

static Bool is_origin(Addr a) {
  if (clo_origin_main != NULL) return origin_addr != 0 && a == origin_addr;
  return at_loc(&origin_loc, a);
}

static Seg *new_seg(Int n) {
  Seg *g = VG_(calloc)("lapinsts.seg", 1, sizeof(Seg));
  g->n = n;
  g->addrs = VG_(calloc)("lapinsts.addrs", (SizeT)n, sizeof(Addr));
  g->rep = VG_(calloc)("lapinsts.rep", (SizeT)n, 1);
  if (n_segs == cap_segs) {
    cap_segs = cap_segs == 0 ? 1024 : 2 * cap_segs;
    segs = VG_(realloc)("lapinsts.segs", segs, sizeof(Seg *) * (SizeT)cap_segs);
  }
  segs[n_segs++] = g;
  slots += n;
  return g;
}

#define ADDR(p) mkIRExpr_HWord((HWord)(p))
#define TMP(t) IRExpr_RdTmp(t)
#define U64(v) IRExpr_Const(IRConst_U64((ULong)(v)))

static IRTemp load64(IRSB *sb, void *p) {
  IRTemp t = newIRTemp(sb->tyenv, Ity_I64);
  addStmtToIRSB(sb, IRStmt_WrTmp(t, IRExpr_Load(Iend_LE, Ity_I64, ADDR(p))));
  return t;
}

static IRTemp binop(IRSB *sb, IROp op, IRExpr *a, IRExpr *b, IRType ty) {
  IRTemp t = newIRTemp(sb->tyenv, ty);
  addStmtToIRSB(sb, IRStmt_WrTmp(t, IRExpr_Binop(op, a, b)));
  return t;
}

static IRDirty *state_call(const HChar *name, void *fn, IRExpr **args, Int regparms) {
  IRDirty *di = unsafeIRDirty_0_N(regparms, name, VG_(fnptr_to_fnentry)(fn), args);
  di->mFx = Ifx_Modify; /* it rewrites G: no IR value loaded from G may be reused across it */
  di->mAddr = ADDR(&G);
  di->mSize = sizeof G;
  return di;
}

/* The counting code for segment g, placed before its first instruction. */
static void instrument_segment(IRSB *out, Seg *g, Int origin_here) {
  if (origin_here >= 0) {
    IRTemp started = load64(out, &G.started);
    IRTemp not_started = binop(out, Iop_CmpEQ64, TMP(started), U64(0), Ity_I1);
    IRDirty *di = state_call("lapinsts_at_origin", at_origin, mkIRExprVec_2(ADDR(g), U64(origin_here)), 2);
    di->guard = TMP(not_started);
    addStmtToIRSB(out, IRStmt_Dirty(di));
  }
  IRTemp ic = load64(out, &G.icount);
  IRExpr *inc = U64(g->n);
  if (g->first_rep) {
    /* A continuation (the previous superblock jumped back to this rep instruction) is another
     * iteration of an instruction already counted. */
    IRTemp rc = load64(out, &G.rep_cont);
    IRTemp cont = binop(out, Iop_CmpEQ64, TMP(rc), U64(g->addrs[0]), Ity_I1);
    IRTemp t = newIRTemp(out->tyenv, Ity_I64);
    addStmtToIRSB(out, IRStmt_WrTmp(t, IRExpr_ITE(TMP(cont), U64(g->n - 1), U64(g->n))));
    IRTemp c64 = newIRTemp(out->tyenv, Ity_I64);
    addStmtToIRSB(out, IRStmt_WrTmp(c64, IRExpr_ITE(TMP(cont), U64(1), U64(0))));
    IRTemp cc = load64(out, &g->cont);
    IRTemp cc1 = binop(out, Iop_Add64, TMP(cc), TMP(c64), Ity_I64);
    addStmtToIRSB(out, IRStmt_Store(Iend_LE, ADDR(&g->cont), TMP(cc1)));
    inc = TMP(t);
  }
  IRTemp after = binop(out, Iop_Add64, TMP(ic), inc, Ity_I64);
  addStmtToIRSB(out, IRStmt_Store(Iend_LE, ADDR(&G.icount), TMP(after)));
  IRTemp count = load64(out, &g->count);
  IRTemp count1 = binop(out, Iop_Add64, TMP(count), U64(1), Ity_I64);
  addStmtToIRSB(out, IRStmt_Store(Iend_LE, ADDR(&g->count), TMP(count1)));
  /* Record the run if it reaches the window (and is not a bare continuation). */
  IRTemp rec_from = load64(out, &G.rec_from);
  IRTemp reaches = binop(out, Iop_CmpLT64S, TMP(rec_from), TMP(after), Ity_I1);
  IRTemp nonempty = binop(out, Iop_CmpNE64, inc, U64(0), Ity_I1);
  IRTemp both = binop(out, Iop_And1, TMP(reaches), TMP(nonempty), Ity_I1);
  IRDirty *dr = state_call("lapinsts_record_run", record_run, mkIRExprVec_3(ADDR(g), TMP(ic), inc), 3);
  dr->guard = TMP(both);
  addStmtToIRSB(out, IRStmt_Dirty(dr));
  /* A target in this run. */
  IRTemp next = load64(out, &G.next);
  IRTemp hit = binop(out, Iop_CmpLT64S, TMP(next), TMP(after), Ity_I1);
  IRDirty *di = state_call("lapinsts_at_targets", at_targets, mkIRExprVec_3(ADDR(g), TMP(ic), inc), 3);
  di->guard = TMP(hit);
  addStmtToIRSB(out, IRStmt_Dirty(di));
  if (clo_bbv_interval > 0) {
    /* An interval boundary in this run. */
    IRTemp bnext = load64(out, &G.bbv_next);
    IRTemp bhit = binop(out, Iop_CmpLT64S, TMP(bnext), TMP(after), Ity_I1);
    IRDirty *db = state_call("lapinsts_at_bbv_boundary", at_bbv_boundary, mkIRExprVec_3(ADDR(g), TMP(ic), inc), 3);
    db->guard = TMP(bhit);
    addStmtToIRSB(out, IRStmt_Dirty(db));
  }
}

static Bool first_translation = True;

static IRSB *lapinsts_instrument(VgCallbackClosure *closure, IRSB *in, const VexGuestLayout *layout,
                                 const VexGuestExtents *vge, const VexArchInfo *archinfo_host, IRType gWordTy,
                                 IRType hWordTy) {
  (void)closure; (void)layout; (void)vge; (void)archinfo_host;
  if (gWordTy != hWordTy) VG_(tool_panic)("host/guest word size mismatch");
  IRSB *out = deepCopyIRSBExceptStmts(in);
  Int n_stmts = in->stmts_used;


  if (first_translation && new_sp != 0) {
    /* The program's first instruction: move the stack pointer to the native stack image. */
    IRDirty *di = state_call("lapinsts_fix_sp", fix_sp, mkIRExprVec_0(), 0);
    di->nFxState = 1;
    di->fxState[0].fx = Ifx_Write;
    di->fxState[0].offset = OFFSET_amd64_RSP;
    di->fxState[0].size = 8;
    di->fxState[0].nRepeats = 0;
    di->fxState[0].repeatLen = 0;
    addStmtToIRSB(out, IRStmt_Dirty(di)); /* unguarded: VEX does not guard state-writing calls */
  }
  first_translation = False;

  /* Pass 1: cut the instructions into segments at side exits. */
  Int *seg_of_stmt = VG_(malloc)("lapinsts.tmp", sizeof(Int) * (SizeT)(n_stmts + 1));
  Seg *local[1024];
  Int counts[1024];
  Int n_local = 0;
  Bool open = False;
  for (Int i = 0; i < n_stmts; i++) {
    IRStmt *st = in->stmts[i];
    seg_of_stmt[i] = -1;
    if (st->tag == Ist_IMark) {
      if (!open) {
        tl_assert(n_local < 1024);
        counts[n_local++] = 0;
        open = True;
        seg_of_stmt[i] = n_local - 1;
      }
      counts[n_local - 1]++;
    } else if (st->tag == Ist_Exit) {
      open = False;
    }
  }
  for (Int s = 0; s < n_local; s++) local[s] = new_seg(counts[s]);
  Addr sb_addr = 0;
  for (Int i = 0; i < n_stmts && sb_addr == 0; i++)
    if (in->stmts[i]->tag == Ist_IMark) sb_addr = (Addr)in->stmts[i]->Ist.IMark.addr;
  for (Int s = 0; s < n_local; s++) local[s]->sb_addr = sb_addr;

  /* Pass 2: copy the statements, with each segment's code before its first IMark. */
  Addr last_rep = 0;
  Bool first_imark = True;
  for (Int i = 0; i < n_stmts; i++) {
    IRStmt *st = in->stmts[i];
    if (seg_of_stmt[i] >= 0) {
      Seg *g = local[seg_of_stmt[i]];
      Int origin_here = -1, k = 0;
      for (Int s = i; s < n_stmts && k < g->n; s++) {
        IRStmt *m = in->stmts[s];
        if (m->tag != Ist_IMark) continue;
        Addr a = (Addr)m->Ist.IMark.addr;
        g->addrs[k] = a;
        g->rep[k] = is_rep_string(a, (Int)m->Ist.IMark.len);
        if (origin_here < 0 && is_origin(a)) origin_here = k;
        k++;
      }
      g->first_rep = first_imark && g->rep[0];
      instrument_segment(out, g, origin_here);
    }
    if (st->tag == Ist_IMark) {
      Addr a = (Addr)st->Ist.IMark.addr;
      last_rep = is_rep_string(a, (Int)st->Ist.IMark.len) ? a : 0;
      Bool cont_possible = first_imark && last_rep != 0;
      first_imark = False;
      addStmtToIRSB(out, st);
      if (clo_origin_main != NULL && origin_addr == 0 && at_loc(&main_loc, a)) {
        IRTemp rdi = newIRTemp(out->tyenv, Ity_I64);
        addStmtToIRSB(out, IRStmt_WrTmp(rdi, IRExpr_Get(OFFSET_amd64_RDI, Ity_I64)));
        IRDirty *di = state_call("lapinsts_at_libc_start_main", at_libc_start_main, mkIRExprVec_1(TMP(rdi)), 1);
        addStmtToIRSB(out, IRStmt_Dirty(di));
      }
      if (n_checks > 0) {
        /* Independent count: one increment per instruction (not for a rep continuation). */
        IRExpr *inc1 = U64(1);
        if (cont_possible) {
          IRTemp rc = load64(out, &G.rep_cont);
          IRTemp cont = binop(out, Iop_CmpEQ64, TMP(rc), U64(a), Ity_I1);
          IRTemp t = newIRTemp(out->tyenv, Ity_I64);
          addStmtToIRSB(out, IRStmt_WrTmp(t, IRExpr_ITE(TMP(cont), U64(0), U64(1))));
          inc1 = TMP(t);
          for (Int ck = 0; ck < n_checks; ck++) {
            if (!at_loc(&checks[ck].loc, a)) continue;
            IRDirty *di = state_call("lapinsts_at_check", at_check, mkIRExprVec_1(U64(ck)), 1);
            di->guard = IRExpr_RdTmp(binop(out, Iop_CmpEQ64, TMP(t), U64(1), Ity_I1));
            addStmtToIRSB(out, IRStmt_Dirty(di));
          }
        } else {
          for (Int ck = 0; ck < n_checks; ck++) {
            if (!at_loc(&checks[ck].loc, a)) continue;
            addStmtToIRSB(out, IRStmt_Dirty(state_call("lapinsts_at_check", at_check, mkIRExprVec_1(U64(ck)), 1)));
          }
        }
        IRTemp c = load64(out, &G.icount2);
        IRTemp c1 = binop(out, Iop_Add64, TMP(c), inc1, Ity_I64);
        addStmtToIRSB(out, IRStmt_Store(Iend_LE, ADDR(&G.icount2), TMP(c1)));
      }
      if (cont_possible) {
        /* Consumed: a later arrival here is a continuation only if marked again. */
        addStmtToIRSB(out, IRStmt_Store(Iend_LE, ADDR(&G.rep_cont), U64(0)));
      }
      continue;
    }
    if (clo_native_cpuid && st->tag == Ist_Dirty && VG_(strncmp)(st->Ist.Dirty.details->cee->name, "amd64g_dirtyhelper_CPUID", 24) == 0) {
      IRDirty *d = st->Ist.Dirty.details;
      d->cee = mkIRCallee(0, "lapinsts_native_cpuid", VG_(fnptr_to_fnentry)(native_cpuid));
    }
    if (st->tag == Ist_Exit && last_rep != 0 && st->Ist.Exit.dst->tag == Ico_U64 &&
        st->Ist.Exit.dst->Ico.U64 == (ULong)last_rep) {
      /* Leaving to run the same rep instruction again: mark the continuation. */
      addStmtToIRSB(out, IRStmt_StoreG(Iend_LE, ADDR(&G.rep_cont), U64(last_rep), deepCopyIRExpr(st->Ist.Exit.guard)));
    }
    addStmtToIRSB(out, st);
  }
  if (last_rep != 0 && in->next->tag == Iex_Const && in->next->Iex.Const.con->tag == Ico_U64 &&
      in->next->Iex.Const.con->Ico.U64 == (ULong)last_rep) {
    addStmtToIRSB(out, IRStmt_Store(Iend_LE, ADDR(&G.rep_cont), U64(last_rep)));
  }
  VG_(free)(seg_of_stmt);
  return out;
}

/* ---------------------------------------------------------------- setup */

static Bool lapinsts_process_cmd_line_option(const HChar *arg) {
  if VG_STR_CLO(arg, "--lapinsts-out", clo_out) {}
  else if VG_STR_CLO(arg, "--lapinsts-targets", clo_targets) {}
  else if VG_STR_CLO(arg, "--lapinsts-origin", clo_origin) {}
  else if VG_STR_CLO(arg, "--lapinsts-origin-main", clo_origin_main) {}
  else if VG_STR_CLO(arg, "--lapinsts-check", clo_check) {}
  else if VG_STR_CLO(arg, "--lapinsts-stack-image", clo_stack_image) {}
  else if VG_BINT_CLO(arg, "--lapinsts-window", clo_window, 1, 1LL << 28) {}
  else if VG_BINT_CLO(arg, "--lapinsts-cost-hit", clo_cost_hit, 0, 1LL << 40) {}
  else if VG_BINT_CLO(arg, "--lapinsts-cost-step", clo_cost_step, 0, 1LL << 40) {}
  else if VG_BINT_CLO(arg, "--lapinsts-cost-hop", clo_cost_hop, 0, 1LL << 40) {}
  else if VG_BOOL_CLO(arg, "--lapinsts-stop-after-last", clo_stop_after_last) {}
  else if VG_BOOL_CLO(arg, "--lapinsts-native-cpuid", clo_native_cpuid) {}
  else if VG_BOOL_CLO(arg, "--lapinsts-exact-imarks", clo_exact_imarks) {}
  else if VG_BINT_CLO(arg, "--lapinsts-first", clo_first, 1, 1LL << 62) {}
  else if VG_BINT_CLO(arg, "--lapinsts-every", clo_every, 1, 1LL << 62) {}
  else if VG_BINT_CLO(arg, "--lapinsts-max", clo_max, 0, 1LL << 31) {}
  else if VG_BINT_CLO(arg, "--lapinsts-bbv-interval", clo_bbv_interval, 1, 1LL << 62) {}
  else if VG_STR_CLO(arg, "--lapinsts-bbv-out", clo_bbv_out) {}
  else return False;
  return True;
}

static void lapinsts_print_usage(void) {
  VG_(printf)("    --lapinsts-out=FILE              JSON-lines output (required)\n"
              "    --lapinsts-targets=FILE          ascending positions, one per line\n"
              "    --lapinsts-first=S --lapinsts-every=N [--lapinsts-max=M]  targets S, S+N, ... instead\n"
              "    --lapinsts-origin=PATH:0xOFF     position 0: first arrival at file offset OFF of PATH\n"
              "    --lapinsts-origin-main=PATH:0xOFF  position 0: main, found as RDI at __libc_start_main (PATH:OFF)\n"
              "    --lapinsts-check=FILE            lines \"K 0xOFF PATH\": independent position of the K-th arrival\n"
              "    --lapinsts-stack-image=FILE      run on the native initial stack (lapidary-insts-ptrace --dump-stack)\n"
              "    --lapinsts-window=N              positions searched for routes before each target [2097152]\n"
              "    --lapinsts-cost-hit=NS --lapinsts-cost-step=NS --lapinsts-cost-hop=NS   route cost model\n"
              "    --lapinsts-stop-after-last=yes   end the program after the last target\n"
              "    --lapinsts-bbv-interval=N --lapinsts-bbv-out=FILE  basic-block vectors per N instructions (SimPoint .bb)\n"
              "    --lapinsts-native-cpuid=no       (experiments) keep Valgrind's synthetic CPUID\n"
              "    --lapinsts-exact-imarks=no       (experiments) keep VEX branch chasing and loop unrolling\n");
}

static void lapinsts_print_debug_usage(void) {}

static HChar *read_text(const HChar *path, const HChar *option) {
  SysRes res = VG_(open)(path, VKI_O_RDONLY, 0);
  if (sr_isError(res)) VG_(fmsg_bad_option)(option, "cannot open %s\n", path);
  Int fd = (Int)sr_Res(res);
  Int cap = 1 << 16, len = 0, got;
  HChar *text = VG_(malloc)("lapinsts.text", (SizeT)cap + 1);
  while ((got = VG_(read)(fd, text + len, cap - len)) > 0) {
    len += got;
    if (len == cap) {
      cap *= 2;
      text = VG_(realloc)("lapinsts.text", text, (SizeT)cap + 1);
    }
  }
  VG_(close)(fd);
  text[len] = '\0';
  return text;
}

static void read_targets(void) {
  if (clo_targets == NULL) return;
  HChar *text = read_text(clo_targets, "--lapinsts-targets");
  Int max = 16;
  targets = VG_(malloc)("lapinsts.targets", sizeof(Long) * (SizeT)max);
  HChar *p = text;
  for (;;) {
    while (*p == '\n' || *p == ' ' || *p == '\r') p++;
    if (*p == '\0') break;
    HChar *end;
    Long t = VG_(strtoll10)(p, &end);
    if (end == p || t <= 0 || (n_targets > 0 && t <= targets[n_targets - 1]))
      VG_(fmsg_bad_option)("--lapinsts-targets", "targets must be positive and strictly ascending\n");
    if (n_targets == max) {
      max *= 2;
      targets = VG_(realloc)("lapinsts.targets", targets, sizeof(Long) * (SizeT)max);
    }
    targets[n_targets++] = t;
    p = end;
  }
  VG_(free)(text);
}

/* PATH:0xOFF (or "0xOFF PATH" in check files) to a Loc, by the file's device and inode. */
static void set_loc(Loc *loc, const HChar *path, Long off, const HChar *option) {
  struct vg_stat st;
  if (sr_isError(VG_(stat)(path, &st))) VG_(fmsg_bad_option)(option, "cannot stat %s\n", path);
  loc->dev = st.dev;
  loc->ino = st.ino;
  loc->off = off;
  loc->known = True;
}

static void parse_path_offset(const HChar *value, Loc *loc, const HChar *option) {
  HChar *copy = VG_(strdup)("lapinsts.loc", value);
  HChar *colon = VG_(strrchr)(copy, ':');
  if (colon == NULL) VG_(fmsg_bad_option)(option, "expected PATH:0xOFFSET\n");
  *colon = '\0';
  set_loc(loc, copy, (Long)VG_(strtoull16)(colon + 1, NULL), option);
  VG_(free)(copy);
}

static void read_checks(void) {
  if (clo_check == NULL) return;
  HChar *text = read_text(clo_check, "--lapinsts-check");
  Int max = 16;
  checks = VG_(calloc)("lapinsts.checks", (SizeT)max, sizeof(Check));
  HChar *line = text;
  while (*line != '\0') {
    HChar *eol = VG_(strchr)(line, '\n');
    if (eol != NULL) *eol = '\0';
    if (*line != '\0') {
      HChar *end;
      Long k = VG_(strtoll10)(line, &end);
      while (*end == ' ') end++;
      HChar *end2;
      Long off = (Long)VG_(strtoull16)(end, &end2);
      while (*end2 == ' ') end2++;
      if (k <= 0 || end2 == end || *end2 == '\0') VG_(fmsg_bad_option)("--lapinsts-check", "bad line: %s\n", line);
      if (n_checks == max) {
        max *= 2;
        checks = VG_(realloc)("lapinsts.checks", checks, sizeof(Check) * (SizeT)max);
      }
      VG_(memset)(&checks[n_checks], 0, sizeof(Check));
      set_loc(&checks[n_checks].loc, end2, off, "--lapinsts-check");
      checks[n_checks].k = k;
      checks[n_checks].pos = -1;
      n_checks++;
    }
    if (eol == NULL) break;
    line = eol + 1;
  }
  VG_(free)(text);
}

static void lapinsts_post_clo_init(void) {
  if (clo_out == NULL) VG_(fmsg_bad_option)("--lapinsts-out", "is required\n");
  /* Exact IMarks: no speculative chasing through branches, no loop unrolling. */
  if (clo_exact_imarks) {
    vgPlain_clo_vex_control.guest_chase = False;
    vgPlain_clo_vex_control.iropt_unroll_thresh = 0;
  }
  SysRes res = VG_(open)(clo_out, VKI_O_CREAT | VKI_O_TRUNC | VKI_O_WRONLY, VKI_S_IRUSR | VKI_S_IWUSR);
  if (sr_isError(res)) VG_(fmsg_bad_option)("--lapinsts-out", "cannot create %s\n", clo_out);
  out_fd = (Int)sr_Res(res);
  if ((clo_bbv_interval > 0) != (clo_bbv_out != NULL))
    VG_(fmsg_bad_option)("--lapinsts-bbv-interval", "needs --lapinsts-bbv-out, and the reverse\n");
  if (clo_bbv_out != NULL) {
    SysRes b = VG_(open)(clo_bbv_out, VKI_O_CREAT | VKI_O_TRUNC | VKI_O_WRONLY, VKI_S_IRUSR | VKI_S_IWUSR);
    if (sr_isError(b)) VG_(fmsg_bad_option)("--lapinsts-bbv-out", "cannot create %s\n", clo_bbv_out);
    bbv_fd = (Int)sr_Res(b);
  }
  read_targets();
  read_checks();
  if (clo_origin != NULL) parse_path_offset(clo_origin, &origin_loc, "--lapinsts-origin");
  if (clo_origin_main != NULL) parse_path_offset(clo_origin_main, &main_loc, "--lapinsts-origin-main");
  G.next = NO_TARGET;
  G.rec_from = NO_TARGET;
  G.bbv_next = NO_TARGET;
  if (clo_origin == NULL && clo_origin_main == NULL) {
    G.started = 1;
    if (clo_bbv_interval > 0) G.bbv_next = clo_bbv_interval;
    next_target = 0;
    set_next_target();
  }
  if (clo_stack_image != NULL) mirror_stack();
}

/* A forked child (before it execs, if it does) keeps running under this tool: it must not report
 * anything into the parent's output. The native run under gdb follows the parent too. */
static void lapinsts_atfork_child(ThreadId tid) {
  (void)tid;
  out_fd = -1;
  bbv_fd = -1;
  clo_stop_after_last = False;
  n_checks = 0;
  G.next = NO_TARGET;
  G.rec_from = NO_TARGET;
  G.bbv_next = NO_TARGET;
}

static void lapinsts_thread_create(ThreadId parent, ThreadId child) {
  (void)parent; (void)child;
  threads++;
}

static void lapinsts_signal(ThreadId tid, Int sigNo, Bool alt_stack) {
  (void)tid; (void)sigNo; (void)alt_stack;
  signals++;
}

static void finish(Int exitcode) {
  HChar buf[1024];
  /* The last, partial interval (only at the program's end: an early stop is in the middle of a run). */
  if (bbv_fd >= 0 && exitcode >= 0 && G.started) bbv_dump(NULL, 0);
  if (bbv_fd >= 0) VG_(close)(bbv_fd);
  bbv_fd = -1;
  for (Int c = 0; c < n_checks; c++) {
    VG_(snprintf)(buf, sizeof buf, "{\"event\":\"check\",\"index\":%d,\"k\":%lld,\"hits\":%lld,\"count\":%lld}\n", c,
                  checks[c].k, checks[c].hits, checks[c].pos);
    out_write(buf);
  }
  VG_(snprintf)(buf, sizeof buf,
                "{\"event\":\"end\",\"instructions\":%lld,\"independentInstructions\":%lld,\"originReached\":%s,"
                "\"pointsReported\":%d,\"pointsRequested\":%d,\"threads\":%d,\"signals\":%d,\"exitCode\":%d,"
                "\"segments\":%d,\"stackMirrored\":%s,\"complete\":%s,\"bbvIntervals\":%lld,\"bbvBlocks\":%d}\n",
                G.started ? G.icount : -1LL, n_checks > 0 ? G.icount2 : -1LL, G.started ? "true" : "false",
                next_target, clo_every > 0 ? (Int)clo_max : n_targets, threads, signals, exitcode, n_segs, G.sp_fixed ? "true" : "false",
                exitcode >= 0 ? "true" : "false", bbv_intervals, bbv_blocks);
  out_write(buf);
  if (out_fd >= 0) VG_(close)(out_fd);
  out_fd = -1;
}

static void lapinsts_fini(Int exitcode) {
  if (out_fd >= 0) finish(exitcode);
}

static void lapinsts_pre_clo_init(void) {
  VG_(details_name)("lapinsts");
  VG_(details_version)("2");
  VG_(details_description)("lapidary instruction markers");
  VG_(details_copyright_author)("lapidary authors");
  VG_(details_bug_reports_to)("lapidary");
  VG_(basic_tool_funcs)(lapinsts_post_clo_init, lapinsts_instrument, lapinsts_fini);
  VG_(needs_command_line_options)(lapinsts_process_cmd_line_option, lapinsts_print_usage, lapinsts_print_debug_usage);
  VG_(track_pre_thread_ll_create)(lapinsts_thread_create);
  VG_(track_pre_deliver_signal)(lapinsts_signal);
  VG_(atfork)(NULL, NULL, lapinsts_atfork_child);
}

VG_DETERMINE_INTERFACE_VERSION(lapinsts_pre_clo_init)
