import { describe, expect, it } from 'vitest';
import { readNpz } from '../io/npz.js';
import { EXPECTED, fixture, relErr } from '../../../test/support/metric-fixtures.js';
import { kernelInceptionDistance, unbiasedMmd2FromGram } from './kid.js';
import { MetricInputError } from './metric-input-error.js';
import type { FeatureSet } from './precision-recall.js';
import { createRng, sampleWithoutReplacement } from '../random/prng.js';
import { gaussianFeatures } from '../../../test/support/metric-test-data.js';

async function pool(file: string): Promise<FeatureSet> {
  const a = (await readNpz(fixture(file))).pool;
  return { data: a.data as Float32Array, rows: a.shape[0], dim: a.shape[1] };
}

/** Float64 KID over the same subsets the implementation draws (same generator, same order of draws). */
function reference(s: FeatureSet, r: FeatureSet, subsets: number, m: number, seed: number): { kid: number; std: number } {
  const rng = createRng(seed);
  const d = s.dim;
  const k = (x: FeatureSet, i: number, y: FeatureSet, j: number) => {
    let t = 0;
    for (let c = 0; c < d; c++) t += x.data[i * d + c] * y.data[j * d + c];
    return (t / d + 1) ** 3;
  };
  const values: number[] = [];
  for (let t = 0; t < subsets; t++) {
    const a = sampleWithoutReplacement(rng, s.rows, m);
    const b = sampleWithoutReplacement(rng, r.rows, m);
    let xx = 0;
    let yy = 0;
    let xy = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i !== j) {
          xx += k(s, a[i], s, a[j]);
          yy += k(r, b[i], r, b[j]);
        }
        xy += k(s, a[i], r, b[j]);
      }
    }
    values.push((xx + yy) / (m * (m - 1)) - (2 * xy) / (m * m));
  }
  const kid = values.reduce((x, y) => x + y, 0) / subsets;
  return { kid, std: Math.sqrt(values.reduce((x, y) => x + (y - kid) ** 2, 0) / subsets) };
}

describe.each([['js'], ['onnxruntime']] as const)('KID (%s backend)', (backend) => {
  it('equals a float64 unbiased MMD² over the same seeded subsets within 1e-5 relative (float32 dot products)', async () => {
    const s = await pool(EXPECTED.case1.samples);
    const r = await pool(EXPECTED.case1.reference!);
    const got = await kernelInceptionDistance(s, r, { subsets: 4, subsetSize: 300, seed: 9, backend });
    const want = reference(s, r, 4, 300, 9);
    expect(got).toMatchObject({ subsets: 4, subsetSize: 300, seed: 9, backend });
    expect(relErr(got.kid, want.kid)).toBeLessThan(1e-5);
    expect(relErr(got.kid_std, want.std)).toBeLessThan(1e-4);
  });
});

describe('KID protocol', () => {
  it('is deterministic per seed, reports it, and takes subsets of min(1000, n)', async () => {
    const s: FeatureSet = { data: gaussianFeatures(71, 150 * 8, 1), rows: 150, dim: 8 };
    const r: FeatureSet = { data: gaussianFeatures(72, 120 * 8, 1, 0.3), rows: 120, dim: 8 };
    const a = await kernelInceptionDistance(s, r, { seed: 5, subsets: 10 });
    const b = await kernelInceptionDistance(s, r, { seed: 5, subsets: 10 });
    const c = await kernelInceptionDistance(s, r, { seed: 6, subsets: 10 });
    expect(a.kid).toBe(b.kid);
    expect(a.kid).not.toBe(c.kid);
    expect(a.subsetSize).toBe(120);
    expect(a.seed).toBe(5);
    expect((await kernelInceptionDistance(s, r)).subsets).toBe(100);
  });

  it('is near zero for two samples of one distribution and positive for shifted ones', async () => {
    const d = 16;
    const x: FeatureSet = { data: gaussianFeatures(73, 800 * d, 1), rows: 800, dim: d };
    const y: FeatureSet = { data: gaussianFeatures(74, 800 * d, 1), rows: 800, dim: d };
    const z: FeatureSet = { data: gaussianFeatures(75, 800 * d, 1, 1), rows: 800, dim: d };
    const same = await kernelInceptionDistance(x, y, { subsets: 20, subsetSize: 400 });
    const shifted = await kernelInceptionDistance(x, z, { subsets: 20, subsetSize: 400 });
    expect(Math.abs(same.kid)).toBeLessThan(3 * same.kid_std + 1e-3);
    expect(shifted.kid).toBeGreaterThan(20 * Math.abs(same.kid));
  });

  it('unbiased MMD² of a 2×2 example by hand (1e-15)', () => {
    // X = {x1, x2}, Y = {y1, y2} with d = 1: Gram of [x1, x2, y1, y2] = outer product.
    const v = [1, 2, 0, -1];
    const g = Float64Array.from({ length: 16 }, (_, i) => v[Math.floor(i / 4)] * v[i % 4]);
    const k = (a: number, b: number) => (a * b + 1) ** 3;
    const want = (2 * k(1, 2) + 2 * k(0, -1)) / 2 - (2 * (k(1, 0) + k(1, -1) + k(2, 0) + k(2, -1))) / 4;
    expect(unbiasedMmd2FromGram(g, 2, 1)).toBeCloseTo(want, 15);
  });

  it('rejects mismatched dimensions and single-point sets', async () => {
    const s: FeatureSet = { data: new Float32Array(8), rows: 2, dim: 4 };
    await expect(kernelInceptionDistance(s, { data: new Float32Array(6), rows: 2, dim: 3 })).rejects.toThrow(MetricInputError);
    await expect(kernelInceptionDistance(s, { data: new Float32Array(4), rows: 1, dim: 4 })).rejects.toThrow(/at least two points/);
  });
});
