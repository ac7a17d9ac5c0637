import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNpz } from '../io/npz.js';
import { SegmentationScorer, scoreSegmentation } from './protocols.js';
import { type SegmentationProtocol } from '../../../contracts/enums.js';
import { createRandom } from '../random/prng.js';

const FIXTURES = new URL('../../../../shared/fixtures/segmentation/', import.meta.url);

describe('shared/fixtures/segmentation (tolerance 1e-9 absolute)', async () => {
  const expected = JSON.parse(readFileSync(new URL('expected.json', FIXTURES), 'utf8')) as {
    file: string;
    num_classes: number;
    ignore_label: number;
  } & Record<string, { miou: number; pixel_accuracy: number }>;
  const arrays = await readNpz(new URL(expected.file, FIXTURES).pathname);
  const cases: Array<[key: string, SegmentationProtocol, predKey: string]> = [
    ['per_image_hungarian_on_segments', 'per-image-hungarian', 'segments'],
    ['dataset_hungarian_on_clusters', 'dataset-hungarian', 'clusters'],
    ['per_image_hungarian_on_clusters', 'per-image-hungarian', 'clusters'],
  ];

  it('covers every case of expected.json', () => {
    const keys = Object.keys(expected).filter((k) => typeof expected[k] === 'object');
    expect(keys.sort()).toEqual(cases.map(([k]) => k).sort());
    expect(expected.ignore_label).toBeGreaterThanOrEqual(expected.num_classes);
  });

  it.each(cases)('%s', (key, protocol, predKey) => {
    const gt = arrays.gt;
    const pred = arrays[predKey];
    expect(pred.shape).toEqual(gt.shape);
    const [n, h, w] = gt.shape;
    const result = scoreSegmentation(gt.data as Uint8Array, pred.data as Int32Array, [n, h, w], {
      protocol,
      numClasses: expected.num_classes,
    });
    expect(Math.abs(result.miou - expected[key].miou)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(result.pixel_accuracy - expected[key].pixel_accuracy)).toBeLessThanOrEqual(1e-9);
    expect(result).toMatchObject({ protocol, classes: expected.num_classes });
  });

  it('gives the same dataset-hungarian score when the 6 clusters are declared up front', () => {
    const [n, h, w] = arrays.gt.shape;
    const result = scoreSegmentation(arrays.gt.data as Uint8Array, arrays.clusters.data as Int32Array, [n, h, w], {
      protocol: 'dataset-hungarian',
      numClasses: 6,
      numClusters: 6,
    });
    expect(Math.abs(result.miou - expected.dataset_hungarian_on_clusters.miou)).toBeLessThanOrEqual(1e-9);
  });
});

describe('per-image-hungarian', () => {
  it('scores a hand-computed image', () => {
    // Classes {0, 1}, segments {5, 9}; pixel 5 is ignored. Overlaps: c0·s5 = 2, c1·s5 = 1, c1·s9 = 2.
    // Matching 0↔5, 1↔9: class 0 TP 2 FP 1 FN 0, class 1 TP 2 FP 0 FN 1.
    const scorer = new SegmentationScorer({ protocol: 'per-image-hungarian', numClasses: 2 });
    scorer.add([0, 0, 1, 1, 1, 255], [5, 5, 5, 9, 9, 9], 2, 3);
    expect(scorer.result()).toEqual({
      miou: 2 / 3,
      pixel_accuracy: 4 / 5,
      protocol: 'per-image-hungarian',
      classes: 2,
    });
  });

  it('counts a class left without a segment entirely as FN, and an unmatched segment as FP of nothing', () => {
    // One segment, two classes: class 1 (3 px) takes it; class 0's 2 px are FN; class 0 IoU 0.
    const one = new SegmentationScorer({ protocol: 'per-image-hungarian', numClasses: 2 });
    one.add([0, 0, 1, 1, 1], [4, 4, 4, 4, 4], 1, 5);
    expect(one.result().miou).toBeCloseTo((0 + 3 / 5) / 2, 15);
    expect(one.result().pixel_accuracy).toBeCloseTo(3 / 5, 15);
    // Three segments, one class: segment 2 matches; segments 0 and 1 add nothing to FP.
    const many = new SegmentationScorer({ protocol: 'per-image-hungarian', numClasses: 3 });
    many.add([1, 1, 1, 1], [0, 1, 2, 2], 2, 2);
    expect(many.result().miou).toBeCloseTo(2 / 4, 15);
    expect(many.result().pixel_accuracy).toBeCloseTo(2 / 4, 15);
  });

  it('matches each image on its own, unlike dataset-hungarian', () => {
    // Image 2 uses swapped ids: per image both are perfect, over the set one id cannot mean both classes.
    const gt = [0, 0, 1, 1, 0, 0, 1, 1];
    const pred = [3, 3, 7, 7, 7, 7, 3, 3];
    const perImage = scoreSegmentation(gt, pred, [2, 2, 2], { protocol: 'per-image-hungarian', numClasses: 2 });
    const dataset = scoreSegmentation(gt, pred, [2, 2, 2], { protocol: 'dataset-hungarian', numClasses: 2 });
    expect(perImage.miou).toBe(1);
    expect(perImage.pixel_accuracy).toBe(1);
    expect(dataset.pixel_accuracy).toBe(0.5);
    expect(dataset.miou).toBeCloseTo(1 / 3, 15);
  });
});

describe('dataset-hungarian', () => {
  it('maps clusters left unmatched to no class (STEGO map_clusters → -1): FN of their class, FP of none', () => {
    // Clusters 0 and 1 both cover class 0 (1 px each), cluster 2 covers class 1. One of 0/1 stays unmatched.
    const result = scoreSegmentation([0, 0, 1, 1], [0, 1, 2, 2], [1, 2, 2], {
      protocol: 'dataset-hungarian',
      numClasses: 2,
    });
    // Class 0: TP 1, FN 1 → 1/2; class 1: 1. No extra zero term for the unmatched bucket.
    expect(result.miou).toBeCloseTo(0.75, 15);
    expect(result.pixel_accuracy).toBeCloseTo(0.75, 15);
  });

  it('lets clusters declared by numClusters but absent from labelled pixels take part in the matching', () => {
    // Cluster 0 never occurs. Seen clusters only: 1 → class 0, and 2 is forced onto class 1, whose IoU becomes
    // 0 (its pixel is FP there). Declaring 3 clusters (STEGO's fixed-size stats) lets empty cluster 0 take
    // class 1, so cluster 2 stays unmatched: class 1 has no TP+FP+FN and drops out of the mean.
    const gt = [0, 0, 0];
    const pred = [1, 1, 2];
    const seen = scoreSegmentation(gt, pred, [1, 1, 3], { protocol: 'dataset-hungarian', numClasses: 2 });
    expect(seen.miou).toBeCloseTo((2 / 3 + 0) / 2, 15);
    const declared = scoreSegmentation(gt, pred, [1, 1, 3], {
      protocol: 'dataset-hungarian',
      numClasses: 2,
      numClusters: 3,
    });
    expect(declared.miou).toBeCloseTo(2 / 3, 15);
    expect(declared.pixel_accuracy).toBeCloseTo(2 / 3, 15);
    expect(() => scoreSegmentation(gt, [0, 3, 0], [1, 1, 3], { protocol: 'dataset-hungarian', numClasses: 2, numClusters: 3 })).toThrow(
      /cluster id 3 outside/,
    );
  });
});

describe('both protocols', () => {
  const protocols: SegmentationProtocol[] = ['dataset-hungarian', 'per-image-hungarian'];

  it.each(protocols)('%s: ignored labels never count, whatever is predicted there', (protocol) => {
    const random = createRandom(77);
    const h = 12;
    const w = 10;
    const images = Array.from({ length: 4 }, () => {
      const gt = Array.from({ length: h * w }, () => (random.next() < 0.25 ? 255 : random.int(0, 3)));
      const pred = gt.map((g) => (g === 255 ? random.int(0, 5) : random.next() < 0.7 ? g : random.int(0, 5)));
      return { gt, pred };
    });
    const score = (mutate: (gt: number[], pred: number[]) => void) => {
      const scorer = new SegmentationScorer({ protocol, numClasses: 4 });
      for (const image of images) {
        const gt = [...image.gt];
        const pred = [...image.pred];
        mutate(gt, pred);
        scorer.add(gt, pred, h, w);
      }
      return scorer.result();
    };
    const base = score(() => {});
    expect(base.pixel_accuracy).toBeGreaterThan(0.5);
    expect(base.pixel_accuracy).toBeLessThan(1);
    // Other predictions on ignored pixels, and other ignore values (≥ K or negative), change nothing.
    const random2 = createRandom(78);
    expect(score((gt, pred) => gt.forEach((g, p) => g === 255 && (pred[p] = random2.int(0, 50))))).toEqual(base);
    expect(score((gt) => gt.forEach((g, p) => g === 255 && (gt[p] = p % 2 ? 4 : -1)))).toEqual(base);
    // Predicting everything right except on ignored pixels scores perfectly.
    const perfect = score((gt, pred) => gt.forEach((g, p) => (pred[p] = g === 255 ? 9 : g)));
    expect(perfect.miou).toBe(1);
    expect(perfect.pixel_accuracy).toBe(1);
  });

  it.each(protocols)('%s: adding images one by one equals scoring the stack', (protocol) => {
    const random = createRandom(5);
    const [n, h, w] = [5, 7, 9];
    const gt = Int32Array.from({ length: n * h * w }, () => (random.next() < 0.1 ? 255 : random.int(0, 4)));
    const pred = Int32Array.from(gt, (g) => (random.next() < 0.6 ? (g % 5) * 3 : random.int(0, 20)));
    const scorer = new SegmentationScorer({ protocol, numClasses: 5 });
    for (let i = 0; i < n; i++) {
      scorer.add(gt.subarray(i * h * w, (i + 1) * h * w), pred.subarray(i * h * w, (i + 1) * h * w), h, w);
    }
    expect(scorer.result()).toEqual(scoreSegmentation(gt, pred, [n, h, w], { protocol, numClasses: 5 }));
  });

  it.each(protocols)('%s: returns NaN when nothing is labelled', (protocol) => {
    const scorer = new SegmentationScorer({ protocol, numClasses: 3 });
    scorer.add([255, 255], [0, 1], 1, 2);
    const result = scorer.result();
    expect(result.miou).toBeNaN();
    expect(result.pixel_accuracy).toBeNaN();
  });

  it('uses the sparse path for far-apart ids and gets the same answer', () => {
    const gt = [0, 0, 1, 1, 2, 2];
    const dense = [1, 1, 2, 2, 3, 3];
    const sparse = [-2_000_000_000, -2_000_000_000, 7, 7, 2_000_000_000, 2_000_000_000];
    for (const protocol of protocols) {
      const a = scoreSegmentation(gt, dense, [1, 2, 3], { protocol, numClasses: 3 });
      const b = scoreSegmentation(gt, sparse, [1, 2, 3], { protocol, numClasses: 3 });
      expect(b).toEqual(a);
      expect(a.miou).toBe(1);
    }
  });

  it('rejects bad input', () => {
    expect(() => new SegmentationScorer({ protocol: 'nope' as SegmentationProtocol, numClasses: 2 })).toThrow(/unknown protocol/);
    expect(() => new SegmentationScorer({ protocol: 'dataset-hungarian', numClasses: 0 })).toThrow(RangeError);
    expect(() => new SegmentationScorer({ protocol: 'per-image-hungarian', numClasses: 2, numClusters: 2 })).toThrow(
      /dataset-hungarian only/,
    );
    const scorer = new SegmentationScorer({ protocol: 'per-image-hungarian', numClasses: 2 });
    expect(() => scorer.add([0, 1, 1], [0, 1], 1, 3)).toThrow(/pixels/);
    expect(() => scorer.add([0, 1.5], [0, 1], 1, 2)).toThrow(/not an integer/);
    expect(() => scorer.add([0, 1], [0, 0.5], 1, 2)).toThrow(/not an integer/);
  });
});
