import { describe, expect, it } from 'vitest';
import { cmmd } from './cmmd.js';
import { CLIP_EXPECTED as EXPECTED, clipFixture, relErr } from '../../../test/support/metric-fixtures.js';
import type { FeatureSet } from './precision-recall.js';

/** Float64 CMMD straight from the definition: explicit differences, exp, means over all pairs. */
function direct(x: FeatureSet, y: FeatureSet): number {
  const meanK = (a: FeatureSet, b: FeatureSet) => {
    let s = 0;
    for (let i = 0; i < a.rows; i++)
      for (let j = 0; j < b.rows; j++) {
        let d2 = 0;
        for (let c = 0; c < a.dim; c++) d2 += (a.data[i * a.dim + c] - b.data[j * b.dim + c]) ** 2;
        s += Math.exp(-d2 / 200);
      }
    return s / (a.rows * b.rows);
  };
  return 1000 * (meanK(x, x) + meanK(y, y) - 2 * meanK(x, y));
}

describe.each([['js'], ['onnxruntime']] as const)('CMMD (%s backend)', (backend) => {
  it.each(['case1', 'case2'])('%s equals the float64 numpy reference within 1e-5 relative (float32 dot products)', async (c) => {
    const got = await cmmd(await clipFixture(`${c}_clip`), await clipFixture(`${c}_reference_clip`), { backend });
    expect(got).toMatchObject({ sigma: 10, scale: 1000, backend });
    expect(relErr(got.cmmd, EXPECTED[c].cmmd)).toBeLessThan(1e-5);
  });
});

describe('CMMD', () => {
  it('equals a float64 direct implementation within 1e-5 relative, including the diagonals (biased estimator)', async () => {
    const x = await clipFixture('case1_clip');
    const y = await clipFixture('case1_reference_clip');
    const xs = { data: x.data.subarray(0, 40 * x.dim), rows: 40, dim: x.dim };
    const ys = { data: y.data.subarray(0, 50 * y.dim), rows: 50, dim: y.dim };
    const got = await cmmd(xs, ys, { backend: 'js' });
    expect(relErr(got.cmmd, direct(xs, ys))).toBeLessThan(1e-5);
  });

  it('is exactly 0 for a set against itself and positive for a one-point set against another point', async () => {
    const x = await clipFixture('case1_clip');
    expect((await cmmd(x, x, { backend: 'js' })).cmmd).toBeCloseTo(0, 10);
    // Two unit vectors at 90°: ‖x − y‖² = 2, CMMD = 1000·(1 + 1 − 2·exp(−2/200)).
    const a = { data: Float32Array.from([1, 0]), rows: 1, dim: 2 };
    const b = { data: Float32Array.from([0, 1]), rows: 1, dim: 2 };
    const got = await cmmd(a, b, { backend: 'js' });
    expect(relErr(got.cmmd, 1000 * (2 - 2 * Math.exp(-0.01)))).toBeLessThan(1e-9);
  });

  it('refuses different dimensions and unnormalised embeddings, naming the file', async () => {
    const a = { data: Float32Array.from([1, 0]), rows: 1, dim: 2 };
    await expect(cmmd(a, { data: Float32Array.from([1, 0, 0]), rows: 1, dim: 3 })).rejects.toThrow(
      /dimensions differ: samples have 2, the reference 3/,
    );
    await expect(cmmd(a, { data: Float32Array.from([0.5, 0]), rows: 1, dim: 2 }, { files: { reference: 'R.npz' } })).rejects.toThrow(
      /^R\.npz: 'clip' must hold L2-normalised embeddings, but row 0 has norm 0\.500000/,
    );
  });
});
