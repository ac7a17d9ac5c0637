// The direct form of the extractor's cluster map, the oracle runner/src/tasks/segmentation/segmentation-maps.ts is
// checked against: features are upsampled to the label resolution BEFORE each pixel takes its nearest
// centroid, as in STEGO (src/train_segmentation.py `validation_step`: `F.interpolate(code, label.shape[-2:],
// mode='bilinear', align_corners=False)`, then argmax of the cluster probe) and PiCIE (commons.py `evaluate`
// upsamples the per-centroid scores bilinearly with align_corners=False, then takes the top-1). The two agree:
// bilinear weights sum to 1, so upsampled squared-distance scores differ from distances to the upsampled
// feature only by a per-pixel constant, which leaves the argmin unchanged.
import { kmeans, nearestCentroid } from '../../../runner/src/segmentation/kmeans.js';

/** A feature map `[C, h, w]`, row-major, e.g. an extractor's patch features for one image. */
export interface FeatureMap {
  data: Float32Array;
  shape: readonly number[];
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
