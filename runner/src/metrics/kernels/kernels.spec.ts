import { describe, expect, it } from 'vitest';
import { gaussianFeatures } from '../../../../test/support/metric-test-data.js';
import { jsKernels } from './js-kernels.js';
import { getKernels } from './get-kernels.js';
import { roundToFloat16, type DistanceTile } from './kernels.js';

describe('roundToFloat16', () => {
  it('matches numpy float32 → float16 casts exactly, ties to even, overflow to infinity', () => {
    // Values from numpy: np.array(x, np.float32).astype(np.float16).
    const cases: Array<[number, number]> = [
      [0.1, 0.0999755859375],
      [1 / 3, 0.333251953125],
      [2049, 2048],
      [2051, 2052],
      [65504, 65504],
      [65519, 65504],
      [65520, Infinity],
      [-70000, -Infinity],
      [1e-8, 0],
      [3e-8, 5.960464477539063e-8],
      [-1.5, -1.5],
      [1e-5, 1.0013580322265625e-5],
      [0.000060975551605224609375, 6.097555160522461e-5],
      [12345.678, 12344],
    ];
    for (const [x, want] of cases) expect(roundToFloat16(x), String(x)).toBe(want);
  });
});

describe('onnxruntime kernels agree with the TypeScript kernels', () => {
  const tile = (fp16: boolean): DistanceTile => {
    const m = 37;
    const n = 53;
    const d = 19;
    const r = (x: number) => (fp16 ? roundToFloat16(x) : x);
    const u = gaussianFeatures(61, m, d).map(r);
    const v = gaussianFeatures(62, n, d).map(r);
    const norms = (x: Float32Array, rows: number) =>
      Float32Array.from({ length: rows }, (_, i) => {
        let s = 0;
        for (let c = 0; c < d; c++) s += fp16 ? roundToFloat16(x[i * d + c] ** 2) : x[i * d + c] ** 2;
        return r(s);
      });
    return { u, v, rowsU: m, rowsV: n, dim: d, normU: norms(u, m), normV: norms(v, n), fp16 };
  };

  it('centred Gram matrix within 1e-13 relative, float64 GEMM within 1e-13 relative', async () => {
    const ort = await getKernels('onnxruntime');
    expect(ort.name).toBe('onnxruntime');
    for (const dim of [33, 700, 1100]) {
      const x = gaussianFeatures(63, 90, dim, 5, 2);
      const a = await ort.centeredGram(x, 90, dim);
      const b = await jsKernels.centeredGram(x, 90, dim);
      let m = 0;
      for (let i = 0; i < dim; i++)
        for (let j = 0; j <= i; j++) m = Math.max(m, Math.abs(a.gram[i * dim + j] - b.gram[i * dim + j]) / b.gram[i * dim + i]);
      expect(m).toBeLessThan(1e-13);
      for (let i = 0; i < dim; i++) expect(Math.abs(a.mean[i] - b.mean[i])).toBeLessThan(1e-13);
    }
    const a = Float64Array.from(gaussianFeatures(64, 30 * 20, 1));
    const b = Float64Array.from(gaussianFeatures(65, 25 * 20, 1));
    const c = Float64Array.from(gaussianFeatures(66, 30 * 25, 1));
    const x = await ort.gemm64(a, 30, 20, b, 25, -1, 1, c);
    const y = await jsKernels.gemm64(a, 30, 20, b, 25, -1, 1, c);
    for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThan(1e-13 * 20);
  });

  it.each([[false], [true]])(
    'k-NN and membership tiles (fp16 = %s): exact in fp16, within 1e-5 absolute in fp32 (distances ≈ 40)',
    async (fp16) => {
      const ort = await getKernels('onnxruntime');
      const t = tile(fp16);
      const a = await ort.knn(t, 4, true);
      const b = await jsKernels.knn(t, 4, true);
      const close = (x: Float32Array, y: Float32Array) => {
        for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThanOrEqual(fp16 ? 0 : 1e-5);
      };
      close(a.rows, b.rows);
      close(a.cols!, b.cols!);
      const ru = Float32Array.from({ length: t.rowsU }, (_, i) => 20 + (i % 7));
      const rv = Float32Array.from({ length: t.rowsV }, (_, i) => 25 + (i % 5));
      const c = await ort.membership(t, ru, rv);
      const d = await jsKernels.membership(t, ru, rv);
      close(c.rowMin, d.rowMin);
      close(c.colMin, d.colMin);
      expect(a.nonFinite || c.nonFinite).toBe(false);
    },
  );

  it('flags float16 overflow', async () => {
    const t = tile(true);
    const big = { ...t, normU: t.normU.map(() => Infinity) };
    expect((await (await getKernels('onnxruntime')).knn(big, 4, false)).nonFinite).toBe(true);
    expect((await jsKernels.knn(big, 4, false)).nonFinite).toBe(true);
  });
});
