/*
 * lapinsts: a Valgrind tool (valgrind 3.19, amd64-linux) that turns instruction counts into
 * markers a native run can reach with one counted breakpoint and a few single-steps.
 *
 *   VALGRIND_LIB=DIR valgrind --tool=lapinsts --lapinsts-out=FILE --lapinsts-targets=FILE \
 *       --lapinsts-origin-file=EXE --lapinsts-origin-offset=0xOFF [--lapinsts-hit-cost=N] \
 *       [--lapinsts-step-cost=N] PROGRAM ARGS...
 *
 * Vocabulary (docs/instruction-counting.md):
 *  - Unit: one retired user-mode instruction; a rep-prefixed string instruction counts once,
 *    however many iterations it makes (gem5 runs it as one macroop; hardware counters count it
 *    once). Valgrind's VEX runs each iteration as a separate execution of the same address, so
 *    this tool recognises continuations and does not count them.
 *  - Origin: the first arrival at ORIGIN (a file offset in an object): position 0.
 *  - Arrival of instruction P at position p: the moment before P executes, after p
 *    instructions have retired since the origin. A breakpoint hit is an arrival.
 *  - Point T: the arrival whose position is T (the state a native stop should show).
 *  - Marker for T: (P, hits, steps): the `hits`-th arrival at P after the previous point (or
 *    the origin), then `steps` single-steps, lands on T. Chosen to minimise
 *    hit-cost * hits + step-cost * steps among all non-rep instructions.
 *
 * How it counts: each superblock is cut into segments at its side exits; every instruction of
 * a segment runs once whenever the segment starts. At each segment start, inline IR adds the
 * segment's instruction count to `icount`, counts the segment's executions and remembers the
 * position at which it last started. From those, the arrivals of any instruction and its latest
 * position are exact sums over the segments that contain it. A guarded helper call fires only
 * when a target falls inside the segment about to run.
 *
 * Output (FILE, JSON lines): {"event":"origin",...}, one {"event":"point",...} per target, and
 * {"event":"end","instructions":N,...}. Single-threaded programs only ("threads" in "end").
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
#include "pub_tool_vki.h"

#define NEVER ((Long)0x8000000000000000ULL)
#define NO_TARGET ((Long)0x7fffffffffffffffULL)

/* ---------------------------------------------------------------- options */

static const HChar *clo_out = NULL;
static const HChar *clo_targets = NULL;
static const HChar *clo_origin_file = NULL;
static Long clo_origin_offset = 0;
static Long clo_hit_cost = 3;
static Long clo_step_cost = 2;

/* ---------------------------------------------------------------- state */

/* Everything the inline IR reads and writes, in one block, so helper calls can declare it. */
static struct {
  Long icount;   /* instructions retired since the origin (negative before it) */
  Long next;     /* the next target, or NO_TARGET */
  Long started;  /* 1 once the origin was reached */
  Addr rep_cont; /* a rep string instruction whose next iteration is about to run, or 0 */
  Long epoch;    /* incremented at each anchor */
} G;

typedef struct {
  Long count;           /* executions started since the origin */
  Long last;            /* icount when it last started, or NEVER */
  Long snap, osnap;     /* `count` at the previous point and at the origin ... */
  Int split, osplit;    /* ... plus one for the instructions with index < split */
  Int n;                /* instructions (IMarks) */
  Int n_counted;        /* of which counted: all but repeated iterations of a rep instruction */
  Bool first_rep;       /* instruction 0 is a rep string instruction that starts its superblock */
  Addr *addrs;
  UChar *rep;           /* per instruction: a rep string instruction (never a marker) */
  UChar *counted;       /* per instruction: 0 for an unrolled further iteration of the rep before it */
  Int *off;             /* per instruction: counted instructions before it in the segment */
  Long epoch, ecount;   /* runs started since the anchor: ecount if epoch == G.epoch, else 0 */
} Seg;

static Seg **segs = NULL;
static Int n_segs = 0, cap_segs = 0;
static Long slots = 0; /* sum of n over segs */

static Long *targets = NULL;
static Int n_targets = 0, next_target = 0;
static Int out_fd = -1;
static Int threads = 0;
static Long prev_point = 0; /* position of the previous point (0: the origin) */
static Long clo_anchor_below = 64;
/* The anchor: the latest start, after the previous point, of a segment that had run fewer
 * than --lapinsts-anchor-below times since that point; a cheap intermediate stop. */
static Seg *anchor_seg = NULL;
static Long anchor_pos = 0;
static ULong origin_dev = 0, origin_ino = 0;
static Bool origin_known = False;

/* ---------------------------------------------------------------- output */

static void out_write(const HChar *text) {
  if (out_fd >= 0) VG_(write)(out_fd, text, VG_(strlen)(text));
}

/* Append `s` as a JSON string (quotes included) to `buf`. */
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

/* Append `"key":{"object":...,"offset":"0x..","inode":N,"address":"0x.."}` for a guest address. */
static void json_location(HChar *buf, Int size, const HChar *key, Addr a) {
  NSegment const *seg = VG_(am_find_nsegment)(a);
  const HChar *name = seg != NULL ? VG_(am_get_filename)(seg) : NULL;
  Int at = VG_(strlen)(buf);
  at += VG_(snprintf)(buf + at, size - at, "\"%s\":{\"object\":", key);
  json_string(buf, size, name != NULL ? name : "");
  at = VG_(strlen)(buf);
  ULong offset = seg != NULL && name != NULL ? (ULong)(a - seg->start) + (ULong)seg->offset : 0;
  VG_(snprintf)(buf + at, size - at, ",\"offset\":\"0x%llx\",\"inode\":%llu,\"address\":\"0x%lx\"}", offset,
                seg != NULL ? seg->ino : 0ULL, a);
}

/* ---------------------------------------------------------------- choosing a marker */

typedef struct {
  Addr addr;   /* 0: empty slot */
  Long rel;    /* arrivals after the previous point, up to now */
  Long abs;    /* arrivals after the origin, up to now */
  Long since;  /* arrivals after the anchor, up to now */
  Long last;   /* position of the latest arrival, or NEVER */
  Bool rep;
} Entry;

static Entry *table = NULL;
static Long table_size = 0;

static Entry *entry_for(Addr a) {
  ULong h = ((ULong)a * 0x9E3779B97F4A7C15ULL) >> 20;
  for (Long i = (Long)(h & (ULong)(table_size - 1));; i = (i + 1) & (table_size - 1)) {
    if (table[i].addr == a) return &table[i];
    if (table[i].addr == 0) {
      table[i].addr = a;
      table[i].last = NEVER;
      return &table[i];
    }
  }
}

/* Sum, per instruction address, the arrivals after the previous point, after the origin and
 * after the anchor, and the latest arrival, over every segment. The current run of `cur` has
 * reached instruction j. */
static void aggregate(Seg *cur, Int j, Long ic_before) {
  Long want = 1;
  while (want < 2 * slots + 2) want <<= 1;
  if (want != table_size) {
    if (table != NULL) VG_(free)(table);
    table_size = want;
    table = VG_(malloc)("lapinsts.table", sizeof(Entry) * (SizeT)table_size);
  }
  VG_(memset)(table, 0, sizeof(Entry) * (SizeT)table_size);
  for (Int s = 0; s < n_segs; s++) {
    Seg *g = segs[s];
    Long runs_since = g->epoch == G.epoch ? g->ecount : 0;
    for (Int i = 0; i < g->n; i++) {
      Bool now = g == cur && i <= j; /* arrived in the current run */
      Long exec = g->count + (now ? 1 : 0);
      Long rel = exec - (g->snap + (i < g->split ? 1 : 0));
      Long abs = exec - (g->osnap + (i < g->osplit ? 1 : 0));
      if (rel == 0 && abs == 0) continue;
      Entry *e = entry_for(g->addrs[i]);
      e->rel += rel;
      e->abs += abs;
      if (anchor_seg != NULL) e->since += runs_since + (now ? 1 : 0) - (g == anchor_seg && i == 0 ? 1 : 0);
      e->rep |= g->rep[i];
      Long last = now ? ic_before + g->off[i] : (g->last == NEVER ? NEVER : g->last + g->off[i]);
      if (last > e->last) e->last = last;
    }
  }
}

/* A way to reach a point: up to two breakpoint hops, then single-steps. */
typedef struct {
  Entry *hop[2];
  Long hits[2];   /* arrivals to wait for at hop[i], counted from the previous stop */
  Long total[2];  /* arrivals at hop[i] after the origin, up to that hop's stop */
  Int n_hops;
  Long steps;
  Long cost;
} Route;

static void consider(Route *best, const Route *r) {
  if (best->n_hops < 0 || r->cost < best->cost || (r->cost == best->cost && r->steps < best->steps)) *best = *r;
}

/* The cheapest route to point t: stepping from the previous point; one hop (P, rel(P)) then
 * steps; or, through the anchor A (the latest start of a rarely run segment), hops (A, k_A) and
 * (P, since(P)) then steps. */
static Route choose_route(Long t, Long *candidates) {
  Route best = {.n_hops = -1};
  Route r = {.n_hops = 0, .steps = t - prev_point, .cost = clo_step_cost * (t - prev_point)};
  consider(&best, &r);
  Entry *anchor = NULL;
  Long k_anchor = 0, anchor_total = 0;
  if (anchor_seg != NULL) {
    anchor = entry_for(anchor_seg->addrs[0]);
    k_anchor = anchor->rel - anchor->since;
    anchor_total = anchor->abs - anchor->since;
    Route a = {.n_hops = 1, .hop = {anchor}, .hits = {k_anchor}, .total = {anchor_total}, .steps = t - anchor_pos};
    a.cost = clo_hit_cost * k_anchor + clo_step_cost * a.steps;
    if (k_anchor >= 1) consider(&best, &a);
  }
  *candidates = 0;
  for (Long i = 0; i < table_size; i++) {
    Entry *e = &table[i];
    if (e->addr == 0 || e->rep || e->rel < 1 || e->last == NEVER || e->last > t) continue;
    (*candidates)++;
    Route one = {.n_hops = 1, .hop = {e}, .hits = {e->rel}, .total = {e->abs}, .steps = t - e->last};
    one.cost = clo_hit_cost * e->rel + clo_step_cost * one.steps;
    consider(&best, &one);
    if (anchor != NULL && k_anchor >= 1 && e->since >= 1) {
      Route two = {.n_hops = 2, .hop = {anchor, e}, .hits = {k_anchor, e->since}, .total = {anchor_total, e->abs},
                   .steps = t - e->last};
      two.cost = clo_hit_cost * (k_anchor + e->since) + clo_step_cost * two.steps;
      consider(&best, &two);
    }
  }
  return best;
}

/* Report point `t`, which is instruction `j` of `cur`, whose current run started at `ic_before`. */
static void report_point(Long t, Seg *cur, Int j, Long ic_before) {
  aggregate(cur, j, ic_before);
  Long candidates;
  Route r = choose_route(t, &candidates);
  HChar buf[8192];
  VG_(snprintf)(buf, sizeof buf, "{\"event\":\"point\",\"count\":%lld,", t);
  json_location(buf, sizeof buf, "next", cur->addrs[j]);
  Int at = VG_(strlen)(buf);
  at += VG_(snprintf)(buf + at, sizeof buf - at, ",\"hops\":[");
  for (Int h = 0; h < r.n_hops; h++) {
    at += VG_(snprintf)(buf + at, sizeof buf - at, "%s{\"hits\":%lld,\"totalHits\":%lld,", h > 0 ? "," : "",
                        r.hits[h], r.total[h]);
    json_location(buf, sizeof buf, "at", r.hop[h]->addr);
    at = VG_(strlen)(buf);
    at += VG_(snprintf)(buf + at, sizeof buf - at, "}");
  }
  VG_(snprintf)(buf + at, sizeof buf - at, "],\"stepsAfter\":%lld,\"cost\":%lld,\"candidates\":%lld}\n", r.steps,
                r.cost, candidates);
  out_write(buf);
  prev_point = t;
  /* Later points count arrivals after this one: snapshot every segment, and in the current
   * one the instructions up to and including j (the arrival at t is this point's own). */
  for (Int s = 0; s < n_segs; s++) {
    segs[s]->snap = segs[s]->count;
    segs[s]->split = 0;
  }
  cur->split = j + 1;
  anchor_seg = NULL; /* anchors must come after this point */
}

/* ---------------------------------------------------------------- helpers called from IR */

/* A target lies in the segment about to run: positions ic_before .. ic_before+inc-1. (A run
 * that continues a rep instruction has inc 0, so it never gets here.) */
static VG_REGPARM(3) void at_targets(Seg *cur, Long ic_before, Long inc) {
  while (G.next < ic_before + inc) {
    Long t = G.next;
    Int j = 0;
    while (j < cur->n && !(cur->counted[j] && ic_before + cur->off[j] == t)) j++;
    tl_assert(j < cur->n);
    report_point(t, cur, j, ic_before);
    next_target++;
    G.next = next_target < n_targets ? targets[next_target] : NO_TARGET;
  }
}

/* A rarely run segment is about to start at position `ic`: it becomes the anchor. */
static VG_REGPARM(2) void at_anchor(Seg *g, Long ic) {
  G.epoch++;
  anchor_seg = g;
  anchor_pos = ic;
}

/* The origin is instruction `idx` of `cur`, about to run for the first time. */
static VG_REGPARM(2) void at_origin(Seg *cur, Long idx) {
  G.started = 1;
  G.icount = -idx;
  for (Int s = 0; s < n_segs; s++) {
    Seg *g = segs[s];
    g->count = 0;
    g->last = NEVER;
    g->snap = g->osnap = 0;
    g->split = g->osplit = 0;
  }
  /* Arrivals at idx and before in this run are at positions <= 0: not after the origin. */
  cur->split = cur->osplit = (Int)idx + 1;
  prev_point = 0;
  anchor_seg = NULL;
  next_target = 0;
  G.next = n_targets > 0 ? targets[0] : NO_TARGET;
  HChar buf[1024];
  VG_(snprintf)(buf, sizeof buf, "{\"event\":\"origin\",");
  json_location(buf, sizeof buf, "at", cur->addrs[idx]);
  Int at = VG_(strlen)(buf);
  VG_(snprintf)(buf + at, sizeof buf - at, "}\n");
  out_write(buf);
}

/* ---------------------------------------------------------------- instrumentation */

/* Whether the instruction at `a` (len bytes) is a rep/repne string instruction. Legacy
 * prefixes, then an optional REX byte, then movs/cmps/stos/lods/scas/ins/outs. */
static Bool is_rep_string(Addr a, Int len) {
  const UChar *p = (const UChar *)a;
  Bool rep = False;
  for (Int i = 0; i < len; i++) {
    UChar b = p[i];
    if (b == 0xf2 || b == 0xf3) {
      rep = True;
    } else if (b == 0x66 || b == 0x67 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 ||
               b == 0x65) {
      /* other legacy prefix */
    } else {
      if (b >= 0x40 && b <= 0x4f && i + 1 < len) b = p[++i];
      return rep && ((b >= 0xa4 && b <= 0xa7) || (b >= 0xaa && b <= 0xaf) || (b >= 0x6c && b <= 0x6f));
    }
  }
  return False;
}

/* Whether guest address `a` is the origin: same file (inode and device) at the same offset. */
static Bool is_origin(Addr a) {
  if (!origin_known) return False;
  NSegment const *seg = VG_(am_find_nsegment)(a);
  if (seg == NULL || seg->kind != SkFileC || seg->ino != origin_ino) return False;
  if (seg->dev != origin_dev) return False;
  return (ULong)(a - seg->start) + (ULong)seg->offset == (ULong)clo_origin_offset;
}

static Seg *new_seg(Int n) {
  Seg *g = VG_(calloc)("lapinsts.seg", 1, sizeof(Seg));
  g->n = n;
  g->last = NEVER;
  g->addrs = VG_(calloc)("lapinsts.addrs", (SizeT)n, sizeof(Addr));
  g->rep = VG_(calloc)("lapinsts.rep", (SizeT)n, 1);
  g->counted = VG_(calloc)("lapinsts.counted", (SizeT)n, 1);
  g->off = VG_(calloc)("lapinsts.off", (SizeT)n, sizeof(Int));
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

static IRTemp op64(IRSB *sb, IROp op, IRExpr *a, IRExpr *b, IRType ty) {
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

/* Emit the counting code for segment `g` (origin_idx: index of the origin in it, or -1). */
static void instrument_segment(IRSB *out, Seg *g, Int origin_idx) {
  if (origin_idx >= 0) {
    IRTemp started = load64(out, &G.started);
    IRTemp not_started = op64(out, Iop_CmpEQ64, TMP(started), U64(0), Ity_I1);
    IRDirty *di = state_call("lapinsts_at_origin", at_origin, mkIRExprVec_2(ADDR(g), U64(origin_idx)), 2);
    di->guard = TMP(not_started);
    addStmtToIRSB(out, IRStmt_Dirty(di));
  }
  IRTemp ic = load64(out, &G.icount);
  IRExpr *inc;
  if (g->first_rep) {
    /* A continuation (the previous superblock ended by jumping back to this rep instruction)
     * is another iteration of an instruction already counted. */
    IRTemp rc = load64(out, &G.rep_cont);
    IRTemp cont = op64(out, Iop_CmpEQ64, TMP(rc), U64(g->addrs[0]), Ity_I1);
    IRTemp t = newIRTemp(out->tyenv, Ity_I64);
    addStmtToIRSB(out, IRStmt_WrTmp(t, IRExpr_ITE(TMP(cont), U64(g->n_counted - 1), U64(g->n_counted))));
    addStmtToIRSB(out, IRStmt_Store(Iend_LE, ADDR(&G.rep_cont), U64(0)));
    inc = TMP(t);
  } else {
    inc = U64(g->n_counted);
  }
  IRTemp after = op64(out, Iop_Add64, TMP(ic), inc, Ity_I64);
  IRTemp next = load64(out, &G.next);
  IRTemp hit = op64(out, Iop_CmpLT64S, TMP(next), TMP(after), Ity_I1);
  IRTemp count = load64(out, &g->count);
  if (!g->rep[0] && g->n_counted > 0) {
    /* Fewer than --lapinsts-anchor-below runs since the previous point: a new anchor. */
    IRTemp snap = load64(out, &g->snap);
    IRTemp rel = op64(out, Iop_Sub64, TMP(count), TMP(snap), Ity_I64);
    IRTemp rare = op64(out, Iop_CmpLT64S, TMP(rel), U64(clo_anchor_below), Ity_I1);
    IRTemp started = load64(out, &G.started);
    IRTemp on = op64(out, Iop_CmpNE64, TMP(started), U64(0), Ity_I1);
    IRTemp both = newIRTemp(out->tyenv, Ity_I1);
    addStmtToIRSB(out, IRStmt_WrTmp(both, IRExpr_Binop(Iop_And1, TMP(rare), TMP(on))));
    IRDirty *da = state_call("lapinsts_at_anchor", at_anchor, mkIRExprVec_2(ADDR(g), TMP(ic)), 2);
    da->guard = TMP(both);
    addStmtToIRSB(out, IRStmt_Dirty(da));
  }
  IRDirty *di = state_call("lapinsts_at_targets", at_targets, mkIRExprVec_3(ADDR(g), TMP(ic), inc), 3);
  di->guard = TMP(hit);
  addStmtToIRSB(out, IRStmt_Dirty(di));
  addStmtToIRSB(out, IRStmt_Store(Iend_LE, ADDR(&G.icount), TMP(after)));
  IRTemp count1 = op64(out, Iop_Add64, TMP(count), U64(1), Ity_I64);
  addStmtToIRSB(out, IRStmt_Store(Iend_LE, ADDR(&g->count), TMP(count1)));
  addStmtToIRSB(out, IRStmt_Store(Iend_LE, ADDR(&g->last), TMP(ic)));
  /* Runs since the anchor: restart the count when the anchor changed. */
  IRTemp epoch = load64(out, &G.epoch);
  IRTemp seg_epoch = load64(out, &g->epoch);
  IRTemp same = op64(out, Iop_CmpEQ64, TMP(epoch), TMP(seg_epoch), Ity_I1);
  IRTemp ecount = load64(out, &g->ecount);
  IRTemp ecount1 = op64(out, Iop_Add64, TMP(ecount), U64(1), Ity_I64);
  IRTemp ecount2 = newIRTemp(out->tyenv, Ity_I64);
  addStmtToIRSB(out, IRStmt_WrTmp(ecount2, IRExpr_ITE(TMP(same), TMP(ecount1), U64(1))));
  addStmtToIRSB(out, IRStmt_Store(Iend_LE, ADDR(&g->ecount), TMP(ecount2)));
  addStmtToIRSB(out, IRStmt_Store(Iend_LE, ADDR(&g->epoch), TMP(epoch)));
}

static IRSB *lapinsts_instrument(VgCallbackClosure *closure, IRSB *in, const VexGuestLayout *layout,
                                 const VexGuestExtents *vge, const VexArchInfo *archinfo_host, IRType gWordTy,
                                 IRType hWordTy) {
  (void)closure; (void)layout; (void)vge; (void)archinfo_host;
  if (gWordTy != hWordTy) VG_(tool_panic)("host/guest word size mismatch");
  IRSB *out = deepCopyIRSBExceptStmts(in);

  /* Pass 1: cut the instructions into segments at side exits. */
  Int n_stmts = in->stmts_used;
  Int *seg_of_stmt = VG_(malloc)("lapinsts.tmp", sizeof(Int) * (SizeT)(n_stmts + 1));
  Seg *local[512];
  Int counts[512];
  Int n_local = 0;
  Bool open = False;
  for (Int i = 0; i < n_stmts; i++) {
    IRStmt *st = in->stmts[i];
    seg_of_stmt[i] = -1;
    if (st->tag == Ist_IMark) {
      if (!open) {
        tl_assert(n_local < 512);
        counts[n_local++] = 0;
        open = True;
        seg_of_stmt[i] = n_local - 1; /* the segment's code goes before this IMark */
      }
      counts[n_local - 1]++;
    } else if (st->tag == Ist_Exit) {
      open = False;
    }
  }
  for (Int s = 0; s < n_local; s++) local[s] = new_seg(counts[s]);

  /* Pass 2: copy the statements, adding each segment's code before its first IMark. */
  Int origin_idx = -1;
  Addr last_rep = 0;   /* the last IMark if it is a rep string instruction */
  Addr last_imark = 0; /* the last IMark */
  Bool first_imark = True;
  for (Int i = 0; i < n_stmts; i++) {
    IRStmt *st = in->stmts[i];
    if (seg_of_stmt[i] >= 0) {
      Seg *g = local[seg_of_stmt[i]];
      /* Fill in the segment's instructions (look ahead to its end) before instrumenting. */
      origin_idx = -1;
      Int k = 0;
      Addr prev = last_imark;
      for (Int s = i; s < n_stmts && k < g->n; s++) {
        IRStmt *m = in->stmts[s];
        if (m->tag != Ist_IMark) continue;
        Addr a = (Addr)m->Ist.IMark.addr;
        g->addrs[k] = a;
        g->rep[k] = is_rep_string(a, (Int)m->Ist.IMark.len);
        /* VEX unrolls a rep loop by chasing the jump back to the same instruction: an IMark of
         * a rep instruction right after an IMark of the same address is its next iteration. */
        g->counted[k] = !(g->rep[k] && a == prev);
        g->off[k] = g->n_counted;
        g->n_counted += g->counted[k];
        if (origin_idx < 0 && is_origin(a)) origin_idx = k;
        prev = a;
        k++;
      }
      g->first_rep = first_imark && g->rep[0];
      instrument_segment(out, g, origin_idx);
    }
    if (st->tag == Ist_IMark) {
      Addr a = (Addr)st->Ist.IMark.addr;
      last_rep = is_rep_string(a, (Int)st->Ist.IMark.len) ? a : 0;
      last_imark = a;
      first_imark = False;
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
  else if VG_STR_CLO(arg, "--lapinsts-origin-file", clo_origin_file) {}
  else if VG_BHEX_CLO(arg, "--lapinsts-origin-offset", clo_origin_offset, 0, 0x7fffffffffffffffLL) {}
  else if VG_BINT_CLO(arg, "--lapinsts-hit-cost", clo_hit_cost, 0, 1000000) {}
  else if VG_BINT_CLO(arg, "--lapinsts-step-cost", clo_step_cost, 0, 1000000) {}
  else if VG_BINT_CLO(arg, "--lapinsts-anchor-below", clo_anchor_below, 0, 1000000000) {}
  else return False;
  return True;
}

static void lapinsts_print_usage(void) {
  VG_(printf)("    --lapinsts-out=FILE            JSON-lines output\n"
              "    --lapinsts-targets=FILE        ascending instruction counts, one per line\n"
              "    --lapinsts-origin-file=PATH    object holding the origin instruction\n"
              "    --lapinsts-origin-offset=0xN   its file offset\n"
              "    --lapinsts-hit-cost=N          cost of one breakpoint hit [3]\n"
              "    --lapinsts-step-cost=N         cost of one single-step [2]\n"
              "    --lapinsts-anchor-below=N      segments run fewer times since the last point are anchors [64]\n");
}

static void lapinsts_print_debug_usage(void) {}

static void read_targets(void) {
  if (clo_targets == NULL) return;
  SysRes res = VG_(open)(clo_targets, VKI_O_RDONLY, 0);
  if (sr_isError(res)) VG_(fmsg_bad_option)("--lapinsts-targets", "cannot open %s\n", clo_targets);
  Int fd = (Int)sr_Res(res);
  Int cap = 1 << 16, len = 0, got;
  HChar *text = VG_(malloc)("lapinsts.targets", (SizeT)cap + 1);
  while ((got = VG_(read)(fd, text + len, cap - len)) > 0) {
    len += got;
    if (len == cap) {
      cap *= 2;
      text = VG_(realloc)("lapinsts.targets", text, (SizeT)cap + 1);
    }
  }
  VG_(close)(fd);
  text[len] = '\0';
  Int max = 16;
  targets = VG_(malloc)("lapinsts.targets", sizeof(Long) * (SizeT)max);
  HChar *p = text;
  while (*p != '\0') {
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

static void lapinsts_post_clo_init(void) {
  if (clo_out == NULL) VG_(fmsg_bad_option)("--lapinsts-out", "is required\n");
  SysRes res = VG_(open)(clo_out, VKI_O_CREAT | VKI_O_TRUNC | VKI_O_WRONLY, VKI_S_IRUSR | VKI_S_IWUSR);
  if (sr_isError(res)) VG_(fmsg_bad_option)("--lapinsts-out", "cannot create %s\n", clo_out);
  out_fd = (Int)sr_Res(res);
  read_targets();
  if (clo_origin_file != NULL) {
    struct vg_stat st;
    if (sr_isError(VG_(stat)(clo_origin_file, &st)))
      VG_(fmsg_bad_option)("--lapinsts-origin-file", "cannot stat %s\n", clo_origin_file);
    origin_dev = st.dev;
    origin_ino = st.ino;
    origin_known = True;
    G.started = 0;
    G.next = NO_TARGET;
  } else {
    /* No origin: count from the first instruction of the program. */
    G.started = 1;
    G.next = n_targets > 0 ? targets[0] : NO_TARGET;
  }
}

static void lapinsts_thread_create(ThreadId parent, ThreadId child) {
  (void)parent; (void)child;
  threads++;
}

static void lapinsts_fini(Int exitcode) {
  HChar buf[512];
  VG_(snprintf)(buf, sizeof buf,
                "{\"event\":\"end\",\"instructions\":%lld,\"originReached\":%s,\"pointsReported\":%d,"
                "\"pointsRequested\":%d,\"threads\":%d,\"exitCode\":%d,\"segments\":%d}\n",
                G.started ? G.icount : -1LL, G.started ? "true" : "false", next_target, n_targets, threads, exitcode,
                n_segs);
  out_write(buf);
  if (out_fd >= 0) VG_(close)(out_fd);
}

static void lapinsts_pre_clo_init(void) {
  VG_(details_name)("lapinsts");
  VG_(details_version)("1");
  VG_(details_description)("lapidary instruction markers");
  VG_(details_copyright_author)("lapidary authors");
  VG_(details_bug_reports_to)("lapidary");
  VG_(basic_tool_funcs)(lapinsts_post_clo_init, lapinsts_instrument, lapinsts_fini);
  VG_(needs_command_line_options)(lapinsts_process_cmd_line_option, lapinsts_print_usage, lapinsts_print_debug_usage);
  VG_(track_pre_thread_ll_create)(lapinsts_thread_create);
}

VG_DETERMINE_INTERFACE_VERSION(lapinsts_pre_clo_init)
