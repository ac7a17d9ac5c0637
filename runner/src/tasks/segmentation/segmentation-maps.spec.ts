import { describe, expect, it } from 'vitest';
import { assignFeatureMap, upsampleBilinear } from '../../../../test/support/oracles/feature-map-clusters.js';
import { createRandom } from '../../random/prng.js';
import { assignClusters, gridPoints, resizeSegments, samplePositions, upsampledArgExtreme } from './segmentation-maps.js';

function randomFloats(n: number, seed: number): Float32Array {
  const r = createRandom(seed);
  return Float32Array.from({ length: n }, () => r.next() * 2 - 1);
}

describe('segmentation maps', () => {
  it('assigns every pixel the same centroid as assignFeatureMap (argmin of upsampled scores = nearest upsampled feature)', () => {
    const [c, h, w, k] = [6, 7, 5, 4];
    for (const [outH, outW] of [
      [7, 5],
      [21, 15],
      [32, 17],
    ] as const) {
      const features = randomFloats(c * h * w, outH);
      const centroids = Float64Array.from(randomFloats(k * c, 99 + outW));
      const mine = assignClusters(features, c, h, w, centroids, k, outH, outW);
      const reference = assignFeatureMap({ data: features, shape: [c, h, w] }, centroids, k, outH, outW);
      expect(Array.from(mine)).toEqual(Array.from(reference));
    }
  });

  it('takes the argmax of bilinearly upsampled scores as torch does (upsampleBilinear), ties to the lower index', () => {
    const [k, h, w, outH, outW] = [3, 4, 6, 9, 13];
    const scores = randomFloats(k * h * w, 5);
    const up = upsampleBilinear({ data: scores, shape: [k, h, w] }, outH, outW);
    const expected = Array.from({ length: outH * outW }, (_, p) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (up[c * outH * outW + p]! > up[best * outH * outW + p]!) best = c;
      return best;
    });
    expect(Array.from(upsampledArgExtreme(scores, k, h, w, outH, outW, 'max'))).toEqual(expected);
    expect(Array.from(upsampledArgExtreme(new Float32Array(2 * 4), 2, 2, 2, 3, 3, 'max'))).toEqual(new Array(9).fill(0));
  });

  it('resizes segment ids by nearest neighbour', () => {
    const ids = Int32Array.from([1, 2, 3, 4]);
    expect(Array.from(resizeSegments(ids, 2, 2, 4, 4))).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    expect(resizeSegments(ids, 2, 2, 2, 2)).toBe(ids);
  });

  it('draws grid positions per image from (seed, index) only: distinct, sorted, all of them when asked for more', () => {
    const a = samplePositions(100, 10, 3, 7);
    expect(new Set(a).size).toBe(10);
    expect(Array.from(a)).toEqual([...a].sort((x, y) => x - y));
    expect(Array.from(samplePositions(100, 10, 3, 7))).toEqual(Array.from(a));
    expect(Array.from(samplePositions(100, 10, 3, 8))).not.toEqual(Array.from(a));
    expect(Array.from(samplePositions(5, 9, 0, 0))).toEqual([0, 1, 2, 3, 4]);
  });

  it('lays out grid points channel-last, optionally at chosen positions', () => {
    const features = Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]); // [C=2, h=2, w=2]
    expect(Array.from(gridPoints(features, 2, 2, 2))).toEqual([1, 10, 2, 20, 3, 30, 4, 40]);
    expect(Array.from(gridPoints(features, 2, 2, 2, [3, 0]))).toEqual([4, 40, 1, 10]);
  });
});
