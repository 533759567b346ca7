import { SeededRandom } from './random.js';
import type { BasicBlockVector } from './bb-file.js';

/**
 * SimPoint's phase clustering (Hamerly, Perelman, Lau, Calder, "SimPoint 3.0: Faster and More
 * Flexible Program Phase Analysis", JILP 7, 2005; Sherwood, Perelman, Hamerly, Calder,
 * "Automatically Characterizing Large Scale Program Behavior", ASPLOS 2002), written here:
 *
 *  1. each interval's basic-block vector is normalised to sum 1 (its instruction fractions);
 *  2. a random linear projection to `dimensions` (15) dimensions, matrix entries uniform in
 *     [−1, 1] (the random linear projection of ASPLOS 2002);
 *  3. k-means for every k = 1..maxK, `seedsPerK` (5) initialisations per k, each k vectors
 *     sampled without replacement (SimPoint's default `-initkm samp`), at most `iterations`
 *     (100) Lloyd iterations; the best run per k is kept by its BIC;
 *  4. the BIC of each clustering, as in X-means (Pelleg and Moore, "X-means: Extending K-means
 *     with Efficient Estimation of the Number of Clusters", ICML 2000), which SimPoint uses: the
 *     log-likelihood of the identical spherical Gaussian model minus (p/2)·log R;
 *  5. the chosen clustering is the smallest k whose BIC reaches min + t·(max − min) of the scores,
 *     t = `bicThreshold` (0.9);
 *  6. per cluster, the simulation point is the interval closest to its centroid and the weight is
 *     the cluster's fraction of the intervals (SimPoint's default `-fixedLength on`: uniform
 *     interval weights).
 *
 * The defaults are SimPoint 3.2's (analysiscode/SimpointOptions.cpp: DEFAULT_DIMENSIONS 15,
 * DEFAULT_NUM_INIT_SEEDS 5, DEFAULT_KMEANS_ITERATIONS 100, DEFAULT_KMEANS_INIT_TYPE "samp",
 * DEFAULT_BIC_THRESHOLD 0.9 with "t*(max_bic-min_bic)+min_bic", DEFAULT_FIXED_LENGTH "on");
 * SimPoint has no default maxK (DEFAULT_MAX_K −1: it must be given); 30 here.
 */
export interface ClusterOptions {
  /** Largest k tried (default 30; at most the number of intervals). */
  maxK?: number;
  /** Seed of the projection and of the k-means initialisations (default 1). */
  seed?: number;
  /** Projected dimensions (default 15). */
  dimensions?: number;
  /** k-means runs per k (default 5). */
  seedsPerK?: number;
  /** Lloyd iterations per run at most (default 100). */
  iterations?: number;
  /** BIC threshold t in [0, 1] (default 0.9). */
  bicThreshold?: number;
}

/** One clustering of the intervals. */
export interface Clustering {
  k: number;
  /** Per interval, its cluster (0..k−1). */
  labels: number[];
  /** BIC score (higher is better). */
  bic: number;
  /** Sum of squared distances of the projected intervals to their centroids. */
  distortion: number;
}

/** A SimPoint analysis: the chosen clustering, its simulation points and weights. */
export interface SimPointAnalysis {
  /** The chosen clustering. */
  chosen: Clustering;
  /** The best clustering found for each k = 1..maxK (index k−1). */
  byK: Clustering[];
  /** One per non-empty cluster, by cluster id: the representative interval and the cluster's weight. */
  points: Array<{ cluster: number; interval: number; weight: number }>;
  /** The options in effect (defaults filled in). */
  options: Required<ClusterOptions>;
}

export const DEFAULT_CLUSTER_OPTIONS: Required<ClusterOptions> = {
  maxK: 30, seed: 1, dimensions: 15, seedsPerK: 5, iterations: 100, bicThreshold: 0.9,
};

/**
 * Normalise each vector to sum 1 and project it to `dimensions` dimensions with a random matrix
 * of entries uniform in [−1, 1], one row per block id (drawn in ascending id order).
 * @returns one Float64Array of `dimensions` per vector.
 */
export function projectVectors(vectors: readonly BasicBlockVector[], dimensions: number, random: SeededRandom): Float64Array[] {
  const ids = [...new Set(vectors.flatMap((v) => [...v.keys()]))].sort((a, b) => a - b);
  const row = new Map<number, Float64Array>();
  for (const id of ids) row.set(id, Float64Array.from({ length: dimensions }, () => 2 * random.next() - 1));
  return vectors.map((v) => {
    let total = 0;
    for (const n of v.values()) total += n;
    const out = new Float64Array(dimensions);
    if (total === 0) return out;
    for (const [id, n] of v) {
      const r = row.get(id)!;
      const f = n / total;
      for (let d = 0; d < dimensions; d++) out[d]! += f * r[d]!;
    }
    return out;
  });
}

function distance2(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let d = 0; d < a.length; d++) {
    const x = a[d]! - b[d]!;
    s += x * x;
  }
  return s;
}

/** Lloyd's k-means from `k` distinct points sampled without replacement. */
function kmeans(points: Float64Array[], k: number, iterations: number, random: SeededRandom): { labels: number[]; centers: Float64Array[] } {
  const n = points.length;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + random.below(n - i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let centers = order.slice(0, k).map((i) => Float64Array.from(points[i]!));
  const labels = new Array<number>(n).fill(-1);
  for (let iteration = 0; iteration < iterations; iteration++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = distance2(points[i]!, centers[c]!);
        if (d < bestD) { bestD = d; best = c; }
      }
      if (labels[i] !== best) { labels[i] = best; changed = true; }
    }
    if (!changed) break;
    const sums = centers.map((c) => new Float64Array(c.length));
    const counts = new Array<number>(k).fill(0);
    points.forEach((p, i) => {
      const s = sums[labels[i]!]!;
      for (let d = 0; d < p.length; d++) s[d]! += p[d]!;
      counts[labels[i]!]!++;
    });
    // An emptied cluster keeps its centre (it may win points back); SimPoint drops empty clusters at the end.
    centers = sums.map((s, c) => (counts[c] === 0 ? centers[c]! : s.map((x) => x / counts[c]!)));
  }
  return { labels, centers };
}

/**
 * The BIC of a hard clustering under the identical spherical Gaussian model (Pelleg and Moore
 * 2000): with R points in M dimensions, R_n in cluster n and the pooled variance
 * σ² = distortion/(R − K), l = Σ_n R_n·log(R_n/R) − (R·M/2)·log(2πσ²) − (R − K)/2, and
 * BIC = l − (p/2)·log R with p = (K − 1) + M·K + 1 free parameters.
 * A zero variance (every point on its centroid) is floored at 1e-300 of a unit, so that the score
 * stays finite.
 */
export function bicScore(points: Float64Array[], labels: number[], k: number): { bic: number; distortion: number } {
  const r = points.length;
  const m = points[0]?.length ?? 0;
  const sizes = new Array<number>(k).fill(0);
  const centers = Array.from({ length: k }, () => new Float64Array(m));
  points.forEach((p, i) => {
    sizes[labels[i]!]!++;
    const c = centers[labels[i]!]!;
    for (let d = 0; d < m; d++) c[d]! += p[d]!;
  });
  centers.forEach((c, n) => { if (sizes[n]! > 0) for (let d = 0; d < m; d++) c[d]! /= sizes[n]!; });
  let distortion = 0;
  points.forEach((p, i) => { distortion += distance2(p, centers[labels[i]!]!); });
  const used = sizes.filter((s) => s > 0).length;
  const variance = r > used ? Math.max(distortion / (r - used), 1e-300) : 1e-300;
  let l = -(r * m / 2) * Math.log(2 * Math.PI * variance) - (r - used) / 2;
  for (const s of sizes) if (s > 0) l += s * Math.log(s / r);
  const p = used - 1 + m * used + 1;
  return { bic: l - (p / 2) * Math.log(r), distortion };
}

/**
 * SimPoint's analysis of a program's basic-block vectors (see the module comment).
 * Deterministic for a given `options.seed`.
 * @throws RangeError for no vectors or options out of range (maxK < 1, t outside [0, 1]).
 */
export function analyseSimPoints(vectors: readonly BasicBlockVector[], options: ClusterOptions = {}): SimPointAnalysis {
  const o = { ...DEFAULT_CLUSTER_OPTIONS, ...options };
  if (vectors.length === 0) throw new RangeError('no basic-block vectors to cluster');
  if (!(o.maxK >= 1) || !(o.bicThreshold >= 0 && o.bicThreshold <= 1) || !(o.dimensions >= 1) || !(o.seedsPerK >= 1)) {
    throw new RangeError('maxK, dimensions and seedsPerK must be at least 1 and bicThreshold within [0, 1]');
  }
  const random = new SeededRandom(o.seed);
  const points = projectVectors(vectors, o.dimensions, random);
  const maxK = Math.min(o.maxK, points.length);
  const byK: Clustering[] = [];
  for (let k = 1; k <= maxK; k++) {
    let best: Clustering | undefined;
    for (let s = 0; s < o.seedsPerK; s++) {
      const { labels } = kmeans(points, k, o.iterations, random);
      const { bic, distortion } = bicScore(points, labels, k);
      if (best === undefined || bic > best.bic) best = { k, labels, bic, distortion };
    }
    byK.push(best!);
  }
  const scores = byK.map((c) => c.bic);
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  const chosen = byK.find((c) => c.bic >= min + o.bicThreshold * (max - min))!;
  return { chosen, byK, points: simulationPoints(points, chosen), options: o };
}

/** Per non-empty cluster, in order of cluster id: the interval nearest its centroid, and its weight. */
function simulationPoints(points: Float64Array[], clustering: Clustering): SimPointAnalysis['points'] {
  const { labels, k } = clustering;
  const m = points[0]!.length;
  const out: SimPointAnalysis['points'] = [];
  for (let c = 0; c < k; c++) {
    const members = labels.flatMap((l, i) => (l === c ? [i] : []));
    if (members.length === 0) continue;
    const centroid = new Float64Array(m);
    for (const i of members) for (let d = 0; d < m; d++) centroid[d]! += points[i]![d]! / members.length;
    let nearest = members[0]!;
    for (const i of members) if (distance2(points[i]!, centroid) < distance2(points[nearest]!, centroid)) nearest = i;
    out.push({ cluster: c, interval: nearest, weight: members.length / labels.length });
  }
  return out;
}
