// From a model's low-resolution output to a label-resolution id map.
//
// - Scores [S, h, w] are upsampled bilinearly as torch.nn.functional.interpolate(mode='bilinear',
//   align_corners=False) with an explicit size, in float64, then each pixel takes the index of its largest
//   (segmenter scores) or smallest (k-means distances) value; ties go to the lowest index, as torch.argmax.
// - An extractor's pixel takes the nearest centroid to its bilinearly upsampled feature (STEGO; see
//   test/support/oracles/feature-map-clusters.ts). That is computed here as PiCIE does it: the per-centroid score
//   ‖c‖² − 2 c·f on the feature grid, upsampled, then the argmin. Bilinear weights sum to 1, so the upsampled
//   score is ‖f̃ − c‖² − ‖f̃‖² exactly: the same argmin as `assignFeatureMap`, at a cost of h·w·K·C + H·W·K
//   instead of H·W·K·C (a 512² label map and 384-dimensional features: 40× less).
// - Segment ids [h, w] are resized by nearest neighbour (Pillow's NEAREST, runner/src/datasets/nearest-resize.ts).
import { resizeNearest } from '../../datasets/nearest-resize.js';
import { pixelSampleStream } from '../../random/protocol-streams.js';

/** Source taps of a 1-d bilinear resize, PyTorch align_corners=False with an explicit output size. */
function bilinearTaps(inSize: number, outSize: number) {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w1 = new Float64Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = Math.max(0, (o + 0.5) * scale - 0.5);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[o] = lo;
    i1[o] = lo < inSize - 1 ? lo + 1 : lo;
    w1[o] = src - lo;
  }
  return { i0, i1, w1 };
}

/**
 * Per pixel of an `outHeight × outWidth` map, the index of the largest (`max`) or smallest (`min`) of `k` score
 * planes `[k, h, w]` after bilinear upsampling; ties go to the lower index.
 */
export function upsampledArgExtreme(
  scores: ArrayLike<number>,
  k: number,
  h: number,
  w: number,
  outHeight: number,
  outWidth: number,
  mode: 'max' | 'min',
): Int32Array {
  if (scores.length !== k * h * w) throw new RangeError(`expected ${k}×${h}×${w} scores, got ${scores.length}`);
  const ys = bilinearTaps(h, outHeight);
  const xs = bilinearTaps(w, outWidth);
  const plane = h * w;
  const sign = mode === 'max' ? 1 : -1;
  const out = new Int32Array(outHeight * outWidth);
  for (let y = 0; y < outHeight; y++) {
    const r0 = ys.i0[y]! * w;
    const r1 = ys.i1[y]! * w;
    const wy1 = ys.w1[y]!;
    const wy0 = 1 - wy1;
    for (let x = 0; x < outWidth; x++) {
      const a = xs.i0[x]!;
      const b = xs.i1[x]!;
      const wx1 = xs.w1[x]!;
      const wx0 = 1 - wx1;
      let best = 0;
      let bestValue = -Infinity;
      for (let c = 0; c < k; c++) {
        const p = c * plane;
        const v =
          sign *
          (wy0 * (wx0 * scores[p + r0 + a]! + wx1 * scores[p + r0 + b]!) + wy1 * (wx0 * scores[p + r1 + a]! + wx1 * scores[p + r1 + b]!));
        if (v > bestValue) {
          bestValue = v;
          best = c;
        }
      }
      out[y * outWidth + x] = best;
    }
  }
  return out;
}

/** ‖c‖² − 2 c·f(p) for each of `k` centroids (row-major `k × C`) and each grid point of a `[C, h, w]` map. */
export function centroidScores(
  features: Float32Array,
  channels: number,
  h: number,
  w: number,
  centroids: Float64Array,
  k: number,
): Float64Array {
  const plane = h * w;
  const out = new Float64Array(k * plane);
  for (let c = 0; c < k; c++) {
    let norm = 0;
    for (let d = 0; d < channels; d++) norm += centroids[c * channels + d]! ** 2;
    const row = out.subarray(c * plane, (c + 1) * plane);
    row.fill(norm);
    for (let d = 0; d < channels; d++) {
      const weight = -2 * centroids[c * channels + d]!;
      const src = d * plane;
      for (let p = 0; p < plane; p++) row[p] += weight * features[src + p]!;
    }
  }
  return out;
}

/** Label-resolution cluster map: nearest centroid to each pixel's bilinearly upsampled feature. */
export function assignClusters(
  features: Float32Array,
  channels: number,
  h: number,
  w: number,
  centroids: Float64Array,
  k: number,
  outHeight: number,
  outWidth: number,
): Int32Array {
  return upsampledArgExtreme(centroidScores(features, channels, h, w, centroids, k), k, h, w, outHeight, outWidth, 'min');
}

/** Segment ids `[h, w]` at `outHeight × outWidth` by nearest neighbour. */
export function resizeSegments(ids: Int32Array, h: number, w: number, outHeight: number, outWidth: number): Int32Array {
  return h === outHeight && w === outWidth ? ids : resizeNearest(ids, h, w, 1, outHeight, outWidth);
}

/** A `[C, h, w]` map's grid points as row-major `(h·w) × C` vectors (the layout k-means takes). */
export function gridPoints(features: Float32Array, channels: number, h: number, w: number, positions?: ArrayLike<number>): Float32Array {
  const plane = h * w;
  const n = positions ? positions.length : plane;
  const out = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    const p = positions ? positions[i]! : i;
    for (let d = 0; d < channels; d++) out[i * channels + d] = features[d * plane + p]!;
  }
  return out;
}

/**
 * `count` distinct grid positions out of `total`, ascending, drawn for image `index` from `seed` (a partial
 * Fisher–Yates shuffle on the stream of mixSeed(seed, index)): the same positions whatever the batch size.
 */
export function samplePositions(total: number, count: number, seed: number, index: number): Int32Array {
  if (count >= total) return Int32Array.from({ length: total }, (_, i) => i);
  const random = pixelSampleStream(seed, index);
  const order = Int32Array.from({ length: total }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random.next() * (total - i));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order.subarray(0, count).sort();
}
