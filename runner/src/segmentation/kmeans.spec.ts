import { describe, expect, it } from 'vitest';
import { kmeans } from './kmeans.js';
import { assignFeatureMap, clusterFeatureMap, upsampleBilinear } from '../../../test/support/oracles/feature-map-clusters.js';
import { createRandom } from '../random/prng.js';

/** `groups` Gaussian-ish blobs (uniform noise ±0.5) around centres 20 apart, shuffled; returns points and truth. */
function blobs(seed: number, groups: number, perGroup: number, dim: number) {
  const random = createRandom(seed);
  const centres = Array.from({ length: groups }, () => Array.from({ length: dim }, () => random.int(-5, 5) * 20));
  const order = Array.from({ length: groups * perGroup }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const points = new Float32Array(order.length * dim);
  const truth = new Int32Array(order.length);
  order.forEach((source, i) => {
    const g = Math.floor(source / perGroup);
    truth[i] = g;
    for (let d = 0; d < dim; d++) points[i * dim + d] = centres[g][d] + random.next() - 0.5;
  });
  return { points, truth, centres };
}

/** True when the two labelings are the same partition (cluster ids may differ). */
function samePartition(a: Int32Array, b: Int32Array): boolean {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((ab.get(a[i]) ?? b[i]) !== b[i] || (ba.get(b[i]) ?? a[i]) !== a[i]) return false;
    ab.set(a[i], b[i]);
    ba.set(b[i], a[i]);
  }
  return true;
}

describe('kmeans', () => {
  it('recovers well-separated clusters exactly for every seed tried', () => {
    for (let seed = 0; seed < 10; seed++) {
      const { points, truth, centres } = blobs(100 + seed, 4, 40, 5);
      expect(new Set(centres.map((c) => c.join())).size).toBe(4);
      const result = kmeans(points, 5, 4, { seed });
      expect(result.converged).toBe(true);
      expect(samePartition(result.assignments, truth)).toBe(true);
      // Inertia is the within-blob spread only: at most 160 points × 5 dims × 0.5².
      expect(result.inertia).toBeLessThan(160 * 5 * 0.25);
    }
  });

  it('is deterministic for a seed', () => {
    const { points } = blobs(3, 6, 30, 3);
    const a = kmeans(points, 3, 4, { seed: 42 });
    const b = kmeans(points, 3, 4, { seed: 42 });
    expect(b.assignments).toEqual(a.assignments);
    expect(b.centroids).toEqual(a.centroids);
    expect(b.iterations).toBe(a.iterations);
  });

  it('places each centroid at the mean of its points', () => {
    const { points } = blobs(5, 3, 25, 2);
    const { centroids, assignments } = kmeans(points, 2, 3, { seed: 1 });
    for (let c = 0; c < 3; c++) {
      const members = [...assignments.keys()].filter((i) => assignments[i] === c);
      expect(members.length).toBeGreaterThan(0);
      for (let d = 0; d < 2; d++) {
        const mean = members.reduce((s, i) => s + points[i * 2 + d], 0) / members.length;
        expect(centroids[c * 2 + d]).toBeCloseTo(mean, 9);
      }
    }
  });

  it('keeps k clusters in use when k equals the number of distinct points, and survives duplicates', () => {
    const points = Float32Array.from([0, 0, 0, 0, 5, 5, 5, 5, 9, 9]);
    const result = kmeans(points, 1, 3, { seed: 0 });
    expect(new Set(result.assignments).size).toBe(3);
    expect(result.inertia).toBe(0);
    const degenerate = kmeans(Float32Array.from([1, 1, 1, 1]), 1, 3, { seed: 0 });
    expect(degenerate.inertia).toBe(0);
  });

  it('rejects malformed input', () => {
    expect(() => kmeans(new Float32Array(5), 2, 1, { seed: 0 })).toThrow(RangeError);
    expect(() => kmeans(new Float32Array(4), 2, 3, { seed: 0 })).toThrow(/k must be/);
    expect(() => kmeans(Float32Array.from([0, NaN]), 1, 1, { seed: 0 })).toThrow(/non-finite/);
  });
});

describe('upsampleBilinear (torch F.interpolate, mode=bilinear, align_corners=False)', () => {
  it('matches the half-pixel-centre formula on hand-computed cases', () => {
    const square = { data: Float32Array.from([1, 2, 3, 4]), shape: [1, 2, 2] };
    expect([...upsampleBilinear(square, 4, 4)]).toEqual([1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]);
    expect([...upsampleBilinear(square, 3, 3)]).toEqual([1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
    // Non-integer scale 3 → 5: source x = (o + 0.5)·0.6 − 0.5, clamped at 0.
    const row = { data: Float32Array.from([0, 10, 20]), shape: [1, 1, 3] };
    const out = upsampleBilinear(row, 1, 5);
    [0, 4, 10, 16, 20].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 5));
  });

  it('resizes every channel independently', () => {
    const twoChannels = { data: Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]), shape: [2, 2, 2] };
    const out = upsampleBilinear(twoChannels, 4, 4);
    expect(out[16 + 5]).toBeCloseTo(17.5, 5);
    expect(out[5]).toBeCloseTo(1.75, 5);
  });
});

describe('assignFeatureMap / clusterFeatureMap', () => {
  it('upsamples features before taking the nearest centroid (not nearest-upsampling of low-res clusters)', () => {
    // One row of features [0, 10] upsampled to 8 columns: 0, 0, 1.25, 3.75, 6.25, 8.75, 10, 10.
    const features = { data: Float32Array.from([0, 10]), shape: [1, 1, 2] };
    const labels = assignFeatureMap(features, Float64Array.from([0, 5, 10]), 3, 1, 8);
    expect([...labels]).toEqual([0, 0, 0, 1, 1, 2, 2, 2]);
    // Assigning at 1×2 and then nearest-upsampling would have given [0,0,0,0,2,2,2,2].
  });

  it('splits a two-region feature map along the region boundary at label resolution', () => {
    // [C=2, h=4, w=4]: left two columns near (0, 0), right two near (10, 10).
    const random = createRandom(9);
    const data = new Float32Array(2 * 16);
    for (let c = 0; c < 2; c++) {
      for (let y = 0; y < 4; y++) {
        for (let x = 0; x < 4; x++) data[c * 16 + y * 4 + x] = (x < 2 ? 0 : 10) + random.next() * 0.1;
      }
    }
    const labels = clusterFeatureMap({ data, shape: [2, 4, 4] }, 2, 8, 8, 3);
    expect(labels.length).toBe(64);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) expect(labels[y * 8 + x]).toBe(x < 4 ? labels[0] : labels[7]);
    }
    expect(labels[0]).not.toBe(labels[7]);
    expect([...clusterFeatureMap({ data, shape: [2, 4, 4] }, 2, 8, 8, 3)]).toEqual([...labels]);
  });

  it('rejects shapes that do not describe the data', () => {
    expect(() => clusterFeatureMap({ data: new Float32Array(8), shape: [2, 2, 3] }, 2, 4, 4, 0)).toThrow(RangeError);
    expect(() => clusterFeatureMap({ data: new Float32Array(8), shape: [8] }, 2, 4, 4, 0)).toThrow(/\[C, h, w\]/);
    expect(() => assignFeatureMap({ data: new Float32Array(4), shape: [1, 2, 2] }, new Float64Array(3), 2, 4, 4)).toThrow(/centroids/);
  });
});
