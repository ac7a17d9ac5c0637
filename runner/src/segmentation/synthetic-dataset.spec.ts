import { describe, expect, it } from 'vitest';
import { kmeans } from './kmeans.js';
import { assignFeatureMap, clusterFeatureMap } from '../../../test/support/oracles/feature-map-clusters.js';
import { SegmentationScorer, scoreSegmentation } from './protocols.js';
import { type SegmentationProtocol } from '../../../contracts/enums.js';
import {
  SYNTHETIC_IGNORE_LABEL,
  SYNTHETIC_NUM_CLASSES,
  syntheticSegmentationDataset,
  syntheticSegmentationSample,
} from './synthetic-dataset.js';

const K = SYNTHETIC_NUM_CLASSES;
const protocols: SegmentationProtocol[] = ['dataset-hungarian', 'per-image-hungarian'];

describe('syntheticSegmentationDataset', () => {
  const set = syntheticSegmentationDataset({ seed: 11, count: 12 });
  const { height: H, width: W } = set;

  it('is deterministic per (seed, index) and differs across seeds', () => {
    expect(set.images.length).toBe(12 * 64 * 64 * 3);
    expect(set.labels.length).toBe(12 * 64 * 64);
    const again = syntheticSegmentationSample({ seed: 11 }, 7);
    expect(again.image).toEqual(set.images.subarray(7 * H * W * 3, 8 * H * W * 3));
    expect(again.label).toEqual(set.labels.subarray(7 * H * W, 8 * H * W));
    expect(syntheticSegmentationSample({ seed: 12 }, 7).image).not.toEqual(again.image);
    expect(syntheticSegmentationSample({ seed: 11 }, 8).label).not.toEqual(again.label);
  });

  it('has exact masks over K classes, an ignored frame, and at least two classes per image', () => {
    for (let i = 0; i < set.count; i++) {
      const classes = new Set<number>();
      let misplaced = 0;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const l = set.labels[i * H * W + y * W + x];
          const onFrame = y < 2 || x < 2 || y >= H - 2 || x >= W - 2;
          if ((l === SYNTHETIC_IGNORE_LABEL) !== onFrame || (!onFrame && l >= K)) misplaced++;
          if (!onFrame) classes.add(l);
        }
      }
      expect(misplaced).toBe(0);
      expect(classes.size).toBeGreaterThanOrEqual(2);
    }
  });

  it('colours each class distinctly enough that per-pixel RGB separates every labelled pixel', () => {
    // Mean colour per class over the set; every labelled pixel must be nearer its own class mean.
    const sums = Array.from({ length: K }, () => [0, 0, 0, 0]);
    for (let p = 0; p < set.labels.length; p++) {
      const l = set.labels[p];
      if (l >= K) continue;
      for (let c = 0; c < 3; c++) sums[l][c] += set.images[p * 3 + c];
      sums[l][3]++;
    }
    expect(sums.every((s) => s[3] > 0)).toBe(true);
    const means = sums.map((s) => [s[0] / s[3], s[1] / s[3], s[2] / s[3]]);
    let wrong = 0;
    for (let p = 0; p < set.labels.length; p++) {
      const l = set.labels[p];
      if (l >= K) continue;
      const d = means.map(
        (m) => (m[0] - set.images[p * 3]) ** 2 + (m[1] - set.images[p * 3 + 1]) ** 2 + (m[2] - set.images[p * 3 + 2]) ** 2,
      );
      if (d.indexOf(Math.min(...d)) !== l) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it.each(protocols)('%s: a perfect prediction with permuted ids scores mIoU 1 and pixel accuracy 1', (protocol) => {
    const permutation = [13, 2, 40, 7, 0];
    // Garbage on ignored pixels must not matter.
    const pred = Int32Array.from(set.labels, (l, p) => (l < K ? permutation[l] : p % 50));
    const result = scoreSegmentation(set.labels, pred, [set.count, H, W], { protocol, numClasses: K });
    expect(result.miou).toBe(1);
    expect(result.pixel_accuracy).toBe(1);
  });

  it('dataset-hungarian: a constant prediction scores what the definition gives', () => {
    // One cluster: it goes to the most frequent class c*, which gets TP n(c*) and FP L − n(c*); every other
    // present class has TP 0 and IoU 0; absent classes drop out of the mean.
    const counts = new Array<number>(K).fill(0);
    for (const l of set.labels) if (l < K) counts[l]++;
    const labelled = counts.reduce((a, b) => a + b, 0);
    const top = Math.max(...counts);
    expect(counts.filter((c) => c === top).length).toBe(1);
    const present = counts.filter((c) => c > 0).length;
    const result = scoreSegmentation(set.labels, new Int32Array(set.labels.length).fill(3), [set.count, H, W], {
      protocol: 'dataset-hungarian',
      numClasses: K,
    });
    expect(result.pixel_accuracy).toBeCloseTo(top / labelled, 12);
    expect(result.miou).toBeCloseTo(top / labelled / present, 12);
  });

  it('per-image-hungarian: a constant prediction scores what the definition gives', () => {
    // Per image the single segment goes to that image's most frequent class m: TP[m] += n(m),
    // FP[m] += L_i − n(m), and FN[c] += n(c) for every other class of the image.
    const tp = new Array<number>(K).fill(0);
    const fp = new Array<number>(K).fill(0);
    const fn = new Array<number>(K).fill(0);
    let labelled = 0;
    for (let i = 0; i < set.count; i++) {
      const counts = new Array<number>(K).fill(0);
      for (const l of set.labels.subarray(i * H * W, (i + 1) * H * W)) if (l < K) counts[l]++;
      const top = Math.max(...counts);
      expect(counts.filter((c) => c === top).length).toBe(1);
      const m = counts.indexOf(top);
      const li = counts.reduce((a, b) => a + b, 0);
      labelled += li;
      tp[m] += top;
      fp[m] += li - top;
      counts.forEach((c, k) => k !== m && (fn[k] += c));
    }
    const ious = tp.flatMap((t, k) => (t + fp[k] + fn[k] > 0 ? [t / (t + fp[k] + fn[k])] : []));
    const expectedMiou = ious.reduce((a, b) => a + b, 0) / ious.length;
    const expectedAccuracy = tp.reduce((a, b) => a + b, 0) / labelled;
    // The value must not be trivially 0 or 1, or the check would not discriminate.
    expect(expectedMiou).toBeGreaterThan(0.05);
    expect(expectedMiou).toBeLessThan(0.9);

    const scorer = new SegmentationScorer({ protocol: 'per-image-hungarian', numClasses: K });
    for (let i = 0; i < set.count; i++) {
      scorer.add(set.labels.subarray(i * H * W, (i + 1) * H * W), new Int32Array(H * W).fill(i), H, W);
    }
    const result = scorer.result();
    expect(result.miou).toBeCloseTo(expectedMiou, 12);
    expect(result.pixel_accuracy).toBeCloseTo(expectedAccuracy, 12);
  });
});

/** A toy extractor: 4×4 average-pooled RGB, `[3, H/4, W/4]`, scaled to [0, 1]. */
function pooledRgb(image: Uint8Array, height: number, width: number) {
  const h = height / 4;
  const w = width / 4;
  const data = new Float32Array(3 * h * w);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) data[c * h * w + (y >> 2) * w + (x >> 2)] += image[(y * width + x) * 3 + c] / 255 / 16;
    }
  }
  return { data, shape: [3, h, w] };
}

describe('k-means on the synthetic set (smoke test of the evaluation pipeline)', () => {
  const set = syntheticSegmentationDataset({ seed: 5, count: 8 });
  const { height: H, width: W } = set;
  const image = (i: number) => set.images.subarray(i * H * W * 3, (i + 1) * H * W * 3);
  const label = (i: number) => set.labels.subarray(i * H * W, (i + 1) * H * W);

  it('per-image k-means on pooled RGB, upsampled to 64×64, is scored well by per-image-hungarian', () => {
    const scorer = new SegmentationScorer({ protocol: 'per-image-hungarian', numClasses: K });
    for (let i = 0; i < set.count; i++) {
      const present = new Set([...label(i)].filter((l) => l < K)).size;
      scorer.add(label(i), clusterFeatureMap(pooledRgb(image(i), H, W), present, H, W, i), H, W);
    }
    const result = scorer.result();
    // Only pixels near shape boundaries, where pooling mixes colours, can go wrong.
    expect(result.pixel_accuracy).toBeGreaterThan(0.9);
    expect(result.miou).toBeGreaterThan(0.8);
  });

  it('k-means fitted over the whole set is scored well by dataset-hungarian', () => {
    const maps = Array.from({ length: set.count }, (_, i) => pooledRgb(image(i), H, W));
    const cells = 16 * 16;
    const points = new Float32Array(set.count * cells * 3);
    maps.forEach((m, i) => {
      for (let p = 0; p < cells; p++) for (let c = 0; c < 3; c++) points[(i * cells + p) * 3 + c] = m.data[c * cells + p];
    });
    const { centroids } = kmeans(points, 3, K, { seed: 0 });
    const scorer = new SegmentationScorer({ protocol: 'dataset-hungarian', numClasses: K, numClusters: K });
    maps.forEach((m, i) => scorer.add(label(i), assignFeatureMap(m, centroids, K, H, W), H, W));
    const result = scorer.result();
    expect(result.pixel_accuracy).toBeGreaterThan(0.9);
    expect(result.miou).toBeGreaterThan(0.8);
  });
});
