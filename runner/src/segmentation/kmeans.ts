// K-means for unsupervised segmentation evaluation: Lloyd's algorithm with k-means++ seeding (Arthur &
// Vassilvitskii 2007), deterministic for a seed, plus the step that turns a low-resolution feature map into a
// label-resolution cluster map.
//
// Resolution choice: features are upsampled to the label resolution BEFORE each pixel takes its nearest
// centroid, as in STEGO (src/train_segmentation.py `validation_step`: `F.interpolate(code, label.shape[-2:],
// mode='bilinear', align_corners=False)`, then argmax of the cluster probe) and PiCIE (commons.py `evaluate`
// upsamples the per-centroid scores bilinearly with align_corners=False, then takes the top-1). The two agree:
// bilinear weights sum to 1, so upsampled squared-distance scores differ from distances to the upsampled
// feature only by a per-pixel constant, which leaves the argmin unchanged. Centroids are fitted on the
// feature-map grid itself, never on upsampled pixels.
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

/** A feature map `[C, h, w]`, row-major, e.g. an extractor's patch features for one image. */
export interface FeatureMap {
  data: Float32Array;
  shape: readonly number[];
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

/** Source taps of a 1-d resize in PyTorch's bilinear convention with align_corners=False (size given). */
function bilinearTaps(inSize: number, outSize: number) {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float64Array(outSize);
  const w1 = new Float64Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = Math.max(0, (o + 0.5) * scale - 0.5);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[o] = lo;
    i1[o] = lo < inSize - 1 ? lo + 1 : lo;
    w1[o] = src - lo;
    w0[o] = 1 - w1[o];
  }
  return { i0, i1, w0, w1 };
}

function featureMapShape(features: FeatureMap): [number, number, number] {
  const { shape, data } = features;
  if (shape.length !== 3) throw new RangeError(`feature map must be [C, h, w], got shape [${shape.join(', ')}]`);
  const [c, h, w] = shape;
  if (data.length !== c * h * w) {
    throw new RangeError(`feature map shape [${shape.join(', ')}] needs ${c * h * w} values, got ${data.length}`);
  }
  return [c, h, w];
}

function checkLabelSize(height: number, width: number): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new RangeError(`label size must be positive integers, got ${height}×${width}`);
  }
}

/**
 * Bilinear resize of `[C, h, w]` to `[C, outHeight, outWidth]` as torch.nn.functional.interpolate(mode='bilinear',
 * align_corners=False) with an explicit size; computed in float64, returned as float32.
 */
export function upsampleBilinear(features: FeatureMap, outHeight: number, outWidth: number): Float32Array {
  const [channels, h, w] = featureMapShape(features);
  checkLabelSize(outHeight, outWidth);
  const ys = bilinearTaps(h, outHeight);
  const xs = bilinearTaps(w, outWidth);
  const out = new Float32Array(channels * outHeight * outWidth);
  const src = features.data;
  for (let c = 0; c < channels; c++) {
    const plane = c * h * w;
    for (let y = 0; y < outHeight; y++) {
      const r0 = plane + ys.i0[y] * w;
      const r1 = plane + ys.i1[y] * w;
      for (let x = 0; x < outWidth; x++) {
        const a = xs.i0[x];
        const b = xs.i1[x];
        out[(c * outHeight + y) * outWidth + x] =
          ys.w0[y] * (xs.w0[x] * src[r0 + a] + xs.w1[x] * src[r0 + b]) + ys.w1[y] * (xs.w0[x] * src[r1 + a] + xs.w1[x] * src[r1 + b]);
      }
    }
  }
  return out;
}

/**
 * Label-resolution cluster map: each of the `labelHeight × labelWidth` pixels takes the nearest of `k`
 * centroids (row-major `k × C`) to its bilinearly upsampled feature (see the file header). Streams pixel by
 * pixel, so the upsampled map is never held in memory. Use with centroids fitted on many images for
 * dataset-hungarian, where cluster ids must mean the same thing in every image.
 */
export function assignFeatureMap(
  features: FeatureMap,
  centroids: Float64Array,
  k: number,
  labelHeight: number,
  labelWidth: number,
): Int32Array {
  const [channels, h, w] = featureMapShape(features);
  checkLabelSize(labelHeight, labelWidth);
  if (!Number.isInteger(k) || k < 1 || centroids.length !== k * channels) {
    throw new RangeError(`expected ${k} centroids of ${channels} values, got ${centroids.length} values`);
  }
  const ys = bilinearTaps(h, labelHeight);
  const xs = bilinearTaps(w, labelWidth);
  const src = features.data;
  const plane = h * w;
  const vector = new Float64Array(channels);
  const labels = new Int32Array(labelHeight * labelWidth);
  for (let y = 0; y < labelHeight; y++) {
    const r0 = ys.i0[y] * w;
    const r1 = ys.i1[y] * w;
    for (let x = 0; x < labelWidth; x++) {
      const a = xs.i0[x];
      const b = xs.i1[x];
      for (let c = 0; c < channels; c++) {
        const p = c * plane;
        vector[c] =
          ys.w0[y] * (xs.w0[x] * src[p + r0 + a] + xs.w1[x] * src[p + r0 + b]) +
          ys.w1[y] * (xs.w0[x] * src[p + r1 + a] + xs.w1[x] * src[p + r1 + b]);
      }
      labels[y * labelWidth + x] = nearestCentroid(vector, 0, centroids, k, channels).index;
    }
  }
  return labels;
}

/**
 * Clusters one image's feature map `[C, h, w]` into `k` clusters (k-means on its h·w feature vectors, seeded)
 * and returns the `labelHeight × labelWidth` cluster map of {@link assignFeatureMap}. Cluster ids are local to
 * the image: score them with per-image-hungarian.
 */
export function clusterFeatureMap(features: FeatureMap, k: number, labelHeight: number, labelWidth: number, seed: number): Int32Array {
  const [channels, h, w] = featureMapShape(features);
  const points = new Float32Array(h * w * channels);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < h * w; p++) points[p * channels + c] = features.data[c * h * w + p];
  }
  const { centroids } = kmeans(points, channels, k, { seed });
  return assignFeatureMap(features, centroids, k, labelHeight, labelWidth);
}
