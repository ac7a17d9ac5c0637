// Plain TypeScript versions of the metric kernels: exact float64 accumulation, no dependencies. They set
// the reference the onnxruntime kernels are tested against and take over when onnxruntime is unavailable.

import { roundToFloat16, type DistanceTile, type Kernels, type KnnResult, type MembershipResult } from './kernels.js';

function centeredGram(x: Float32Array, rows: number, dim: number): Promise<{ mean: Float64Array; gram: Float64Array }> {
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) mean[c] += x[r * dim + c];
  for (let c = 0; c < dim; c++) mean[c] /= rows;
  // Centre and transpose so each feature is one contiguous vector, then two-by-two blocks of dot products.
  const t = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) t[c * rows + r] = x[r * dim + c] - mean[c];
  const g = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i += 2) {
    const i1 = Math.min(i + 1, dim - 1);
    const ti0 = i * rows;
    const ti1 = i1 * rows;
    for (let j = 0; j <= i1; j += 2) {
      const j1 = Math.min(j + 1, dim - 1);
      const tj0 = j * rows;
      const tj1 = j1 * rows;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let r = 0; r < rows; r++) {
        const a0 = t[ti0 + r];
        const a1 = t[ti1 + r];
        const b0 = t[tj0 + r];
        const b1 = t[tj1 + r];
        s00 += a0 * b0;
        s01 += a0 * b1;
        s10 += a1 * b0;
        s11 += a1 * b1;
      }
      g[i * dim + j] = s00;
      if (j1 <= i) g[i * dim + j1] = s01;
      if (i1 !== i) {
        g[i1 * dim + j] = s10;
        if (j1 !== j) g[i1 * dim + j1] = s11;
      }
    }
  }
  return Promise.resolve({ mean, gram: g });
}

function gemm64(
  a: Float64Array,
  m: number,
  k: number,
  b: Float64Array,
  n: number,
  alpha: number,
  beta: number,
  c?: Float64Array,
): Promise<Float64Array> {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i += 2) {
    const i1 = Math.min(i + 1, m - 1);
    const a0 = i * k;
    const a1 = i1 * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s0 = 0;
      let s1 = 0;
      for (let q = 0; q < k; q++) {
        const x = b[bj + q];
        s0 += a[a0 + q] * x;
        s1 += a[a1 + q] * x;
      }
      out[i * n + j] = alpha * s0 + (c && beta !== 0 ? beta * c[i * n + j] : 0);
      if (i1 !== i) out[i1 * n + j] = alpha * s1 + (c && beta !== 0 ? beta * c[i1 * n + j] : 0);
    }
  }
  return Promise.resolve(out);
}

function dots(x: Float32Array, m: number, y: Float32Array, n: number, d: number): Promise<Float32Array> {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const xi = i * d;
    for (let j = 0; j < n; j++) {
      const yj = j * d;
      let s = 0;
      for (let c = 0; c < d; c++) s += x[xi + c] * y[yj + c];
      out[i * n + j] = s;
    }
  }
  return Promise.resolve(out);
}

/** Row-major distances of a tile, as float32 values (float16 values in fp16 mode); NaN/∞ flagged. */
function distances(t: DistanceTile): { d: Float32Array; nonFinite: boolean } {
  const { u, v, rowsU, rowsV, dim, normU, normV } = t;
  const d = new Float32Array(rowsU * rowsV);
  let nonFinite = false;
  for (let i = 0; i < rowsU; i++) {
    const ui = i * dim;
    for (let j = 0; j < rowsV; j++) {
      const vj = j * dim;
      let s = 0;
      for (let c = 0; c < dim; c++) s += u[ui + c] * v[vj + c];
      let x: number;
      if (t.fp16) {
        const dot = roundToFloat16(Math.fround(s));
        x = roundToFloat16(roundToFloat16(normU[i] - roundToFloat16(2 * dot)) + normV[j]);
      } else {
        x = Math.fround(normU[i] + normV[j] - 2 * s);
      }
      if (!Number.isFinite(x)) nonFinite = true;
      d[i * rowsV + j] = x > 0 ? x : 0;
    }
  }
  return { d, nonFinite };
}

/** Inserts x into the ascending list best[off..off+k) if it belongs there. */
function insert(best: Float32Array, off: number, k: number, x: number): void {
  if (!(x < best[off + k - 1])) return;
  let p = off + k - 1;
  while (p > off && best[p - 1] > x) {
    best[p] = best[p - 1];
    p--;
  }
  best[p] = x;
}

function knn(t: DistanceTile, k: number, alsoColumns: boolean): Promise<KnnResult> {
  const { d, nonFinite } = distances(t);
  const rows = new Float32Array(t.rowsU * k).fill(Infinity);
  const cols = alsoColumns ? new Float32Array(t.rowsV * k).fill(Infinity) : undefined;
  for (let i = 0; i < t.rowsU; i++) {
    for (let j = 0; j < t.rowsV; j++) {
      const x = d[i * t.rowsV + j];
      insert(rows, i * k, k, x);
      if (cols) insert(cols, j * k, k, x);
    }
  }
  return Promise.resolve({ rows, cols, nonFinite });
}

function membership(t: DistanceTile, radiusU: Float32Array, radiusV: Float32Array): Promise<MembershipResult> {
  const { d, nonFinite } = distances(t);
  const rowMin = new Float32Array(t.rowsU).fill(Infinity);
  const colMin = new Float32Array(t.rowsV).fill(Infinity);
  for (let i = 0; i < t.rowsU; i++) {
    for (let j = 0; j < t.rowsV; j++) {
      const x = d[i * t.rowsV + j];
      const a = Math.fround(x - radiusV[j]);
      const b = Math.fround(x - radiusU[i]);
      if (a < rowMin[i]) rowMin[i] = a;
      if (b < colMin[j]) colMin[j] = b;
    }
  }
  return Promise.resolve({ rowMin, colMin, nonFinite });
}

export const jsKernels: Kernels = { name: 'js', centeredGram, gemm64, dots, knn, membership };
