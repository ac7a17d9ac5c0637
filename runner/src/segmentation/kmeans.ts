// K-means for unsupervised segmentation evaluation: Lloyd's algorithm with k-means++ seeding (Arthur &
// Vassilvitskii 2007), deterministic for a seed. Centroids are fitted on the feature-map grid itself, never on
// upsampled pixels; the step that turns a feature map into a label-resolution cluster map is
// runner/src/tasks/segmentation/segmentation-maps.ts (its direct form, the specs' oracle, is
// test/support/oracles/feature-map-clusters.ts).
import { kmeansSeedingStream } from '../random/protocol-streams.js';

export interface KMeansOptions {
  /** Seed of the k-means++ initialisation; the same seed gives the same clustering. */
  seed: number;
  /** Upper bound on Lloyd iterations. Default 300 (scikit-learn's default). */
  maxIterations?: number;
}

export interface KMeansResult {
  /** Row-major `k × dim`. */
  centroids: Float64Array;
  /** Cluster of each point, 0..k-1. */
  assignments: Int32Array;
  /** Sum of squared distances of the points to their centroids. */
  inertia: number;
  /** Lloyd iterations run. */
  iterations: number;
  /** True when the last iteration changed no assignment. */
  converged: boolean;
}

function squaredDistance(points: ArrayLike<number>, offset: number, centroids: Float64Array, c: number, dim: number): number {
  let sum = 0;
  const base = c * dim;
  for (let d = 0; d < dim; d++) {
    const diff = points[offset + d] - centroids[base + d];
    sum += diff * diff;
  }
  return sum;
}

/** Index of the nearest centroid to the vector at `vector[offset..offset+dim)`; ties go to the lower index. */
export function nearestCentroid(
  vector: ArrayLike<number>,
  offset: number,
  centroids: Float64Array,
  k: number,
  dim: number,
): { index: number; distance: number } {
  let index = 0;
  let distance = squaredDistance(vector, offset, centroids, 0, dim);
  for (let c = 1; c < k; c++) {
    const dc = squaredDistance(vector, offset, centroids, c, dim);
    if (dc < distance) {
      distance = dc;
      index = c;
    }
  }
  return { index, distance };
}

function kmeansPlusPlus(points: Float32Array, n: number, dim: number, k: number, seed: number): Float64Array {
  const random = kmeansSeedingStream(seed);
  const centroids = new Float64Array(k * dim);
  const first = Math.min(n - 1, Math.floor(random.next() * n));
  for (let d = 0; d < dim; d++) centroids[d] = points[first * dim + d];
  const nearest = new Float64Array(n);
  for (let i = 0; i < n; i++) nearest[i] = squaredDistance(points, i * dim, centroids, 0, dim);

  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i];
    let chosen = -1;
    if (total > 0) {
      const target = random.next() * total;
      let cumulative = 0;
      for (let i = 0; i < n; i++) {
        if (nearest[i] === 0) continue;
        cumulative += nearest[i];
        chosen = i;
        if (cumulative > target) break;
      }
    } else {
      // Fewer distinct points than k: any point duplicates an existing centroid.
      chosen = Math.min(n - 1, Math.floor(random.next() * n));
    }
    for (let d = 0; d < dim; d++) centroids[c * dim + d] = points[chosen * dim + d];
    for (let i = 0; i < n; i++) {
      const dc = squaredDistance(points, i * dim, centroids, c, dim);
      if (dc < nearest[i]) nearest[i] = dc;
    }
  }
  return centroids;
}

/**
 * K-means on `points`, row-major `n × dim` (n = points.length / dim): k-means++ seeding from `seed`, then Lloyd
 * iterations until no assignment changes or `maxIterations`. Distances and means in float64. A cluster left
 * empty takes the point farthest from its own centroid (scikit-learn's relocation rule), so k clusters stay
 * in use whenever there are k distinct points.
 */
export function kmeans(points: Float32Array, dim: number, k: number, options: KMeansOptions): KMeansResult {
  if (!Number.isInteger(dim) || dim < 1 || points.length % dim !== 0) {
    throw new RangeError(`points length ${points.length} is not a multiple of dim ${dim}`);
  }
  const n = points.length / dim;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`k must be an integer in [1, ${n}], got ${k}`);
  const maxIterations = options.maxIterations ?? 300;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(`maxIterations must be a positive integer, got ${maxIterations}`);
  }
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i])) throw new RangeError(`point ${Math.floor(i / dim)} has a non-finite coordinate`);
  }

  const centroids = kmeansPlusPlus(points, n, dim, k, options.seed);
  const assignments = new Int32Array(n);
  const distances = new Float64Array(n);
  const assign = (): number => {
    let changes = 0;
    for (let i = 0; i < n; i++) {
      const { index, distance } = nearestCentroid(points, i * dim, centroids, k, dim);
      if (index !== assignments[i]) changes++;
      assignments[i] = index;
      distances[i] = distance;
    }
    return changes;
  };
  assign();

  const sums = new Float64Array(k * dim);
  const counts = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assignments[i];
      counts[c]++;
      for (let d = 0; d < dim; d++) sums[c * dim + d] += points[i * dim + d];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] > 0) continue;
      let far = -1;
      for (let i = 0; i < n; i++) {
        if (counts[assignments[i]] > 1 && (far === -1 || distances[i] > distances[far])) far = i;
      }
      if (far === -1) continue;
      const from = assignments[far];
      for (let d = 0; d < dim; d++) {
        sums[from * dim + d] -= points[far * dim + d];
        sums[c * dim + d] = points[far * dim + d];
      }
      counts[from]--;
      counts[c] = 1;
      assignments[far] = c;
      distances[far] = 0;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let d = 0; d < dim; d++) centroids[c * dim + d] = sums[c * dim + d] / counts[c];
    }
    if (assign() === 0) {
      converged = true;
      break;
    }
  }

  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += distances[i];
  return { centroids, assignments, inertia, iterations, converged };
}
