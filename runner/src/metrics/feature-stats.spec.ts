import { describe, expect, it } from 'vitest';
import { computeFeatureStats, FeatureStatsAccumulator, type FeatureStats } from './feature-stats.js';
import { MetricInputError } from './metric-input-error.js';
import { gaussianFeatures } from '../../../test/support/metric-test-data.js';

/** Textbook two-pass mean and covariance (ddof = 1) in float64. */
function twoPass(x: Float32Array, n: number, d: number): FeatureStats {
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mu[c] += x[i * d + c];
  for (let c = 0; c < d; c++) mu[c] /= n;
  const sigma = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const xa = x[i * d + a] - mu[a];
      for (let b = 0; b < d; b++) sigma[a * d + b] += xa * (x[i * d + b] - mu[b]);
    }
  }
  for (let k = 0; k < d * d; k++) sigma[k] /= n - 1;
  return { mu, sigma, n };
}

function maxRelDiff(a: FeatureStats, b: FeatureStats): number {
  const d = a.mu.length;
  let scale = 0;
  for (let c = 0; c < d; c++) scale = Math.max(scale, b.sigma[c * d + c]);
  let m = 0;
  for (let k = 0; k < d * d; k++) m = Math.max(m, Math.abs(a.sigma[k] - b.sigma[k]) / scale);
  for (let c = 0; c < d; c++) m = Math.max(m, Math.abs(a.mu[c] - b.mu[c]) / Math.max(1, Math.abs(b.mu[c])));
  return m;
}

describe.each([['js'], ['onnxruntime']] as const)('FeatureStatsAccumulator (%s backend)', (backend) => {
  it('matches a two-pass float64 mean and ddof=1 covariance within 1e-12 relative', async () => {
    const n = 3000;
    const d = 24;
    const x = gaussianFeatures(11, n, d, 0.5, 2);
    const got = await computeFeatureStats(x, n, d, { backend, blockRows: 1000 });
    expect(got.n).toBe(n);
    expect(maxRelDiff(got, twoPass(x, n, d))).toBeLessThan(1e-12);
  });

  it('does not drift when the mean is 1e4 times the spread (1e-9 relative)', async () => {
    const n = 5000;
    const d = 8;
    const x = gaussianFeatures(12, n, d, 1e4, 1);
    const got = await computeFeatureStats(x, n, d, { backend, blockRows: 512 });
    expect(maxRelDiff(got, twoPass(x, n, d))).toBeLessThan(1e-9);
  });

  it('gives bit-identical results whatever the add() batch sizes', async () => {
    const n = 2500;
    const d = 16;
    const x = gaussianFeatures(13, n, d);
    const results: FeatureStats[] = [];
    for (const batch of [1, 7, 333, 1000, n]) {
      const acc = new FeatureStatsAccumulator(d, { backend, blockRows: 700 });
      for (let s = 0; s < n; s += batch) await acc.add(x.subarray(s * d, Math.min(n, s + batch) * d));
      results.push(await acc.finalize());
    }
    for (const r of results.slice(1)) {
      expect(Array.from(r.mu)).toEqual(Array.from(results[0].mu));
      expect(Array.from(r.sigma)).toEqual(Array.from(results[0].sigma));
    }
  });
});

describe('FeatureStatsAccumulator input errors', () => {
  it('needs at least two rows', async () => {
    const acc = new FeatureStatsAccumulator(3, { backend: 'js' });
    await acc.add(new Float32Array([1, 2, 3]));
    await expect(acc.finalize()).rejects.toThrow(MetricInputError);
    await expect(new FeatureStatsAccumulator(3, { backend: 'js' }).finalize()).rejects.toThrow(/fewer than two samples \(0\)/);
  });

  it('rejects NaN and infinite features, naming the row', async () => {
    const acc = new FeatureStatsAccumulator(2, { backend: 'js' });
    await acc.add(new Float32Array([1, 2, 3, 4]));
    await expect(acc.add(new Float32Array([0, 0, 5, NaN]))).rejects.toThrow(/feature row 3 has a non-finite value \(NaN\)/);
    await expect(acc.add(new Float32Array([Infinity, 0]))).rejects.toThrow(/non-finite value \(Infinity\)/);
  });

  it('rejects a row count that does not fit the data', async () => {
    await expect(new FeatureStatsAccumulator(4).add(new Float32Array(6))).rejects.toThrow(/not 1.5 rows of 4 features/);
  });
});
