// Improved precision and recall (Kynkäänniemi et al. 2019; ADM evaluations/evaluator.py ManifoldEstimator,
// after kynkaat/improved-precision-and-recall-metric). Protocol choices: k = 3, a point's radius is the 4th
// smallest squared distance within its own set counting the point itself; membership is distance ≤ radius;
// precision = share of samples inside the reference manifold, recall = share of references inside the
// sample manifold; distances in float32 (`fp32`, default) or emulating ADM's float16 distances (`adm-fp16`).
// Work is tiled so 50,000 × 10,000 features never need a full distance matrix.

import { getKernels } from './kernels/get-kernels.js';
import { jsKernels } from './kernels/js-kernels.js';
import {
  roundToFloat16,
  type BackendChoice,
  type BackendName,
  type DistancePrecision,
  type DistanceTile,
  type Kernels,
} from './kernels/kernels.js';
import { MetricInputError } from './metric-input-error.js';

export interface PrecisionRecallOptions {
  /** Neighbourhood size; the radius is the (k+1)-th smallest distance, the point itself included. Default 3. */
  k?: number;
  distancePrecision?: DistancePrecision;
  backend?: BackendChoice;
}

export interface PrecisionRecallResult {
  precision: number;
  recall: number;
  k: number;
  distancePrecision: DistancePrecision;
  backend: BackendName;
  /** ADM blocks (10,000 × 10,000) that overflowed float16 and were redone in float32 (`adm-fp16` only). */
  fp32FallbackBlocks: number;
}

/** A set of feature vectors: row-major float32, rows × dim. */
export interface FeatureSet {
  data: Float32Array;
  rows: number;
  dim: number;
}

/** ADM's row and column batch size: its float16 → float32 fallback applies per block of this size. */
const ADM_BLOCK = 10_000;
/** Square tiles for the symmetric within-set k-NN (float32 mode). */
const KNN_TILE = 2048;
/** Tiles for sample-vs-reference membership: rows × columns. */
const MEMBER_ROWS = 2048;
const MEMBER_COLS = 4096;
/** Row chunks inside one ADM block (float16 mode). */
const FP16_ROWS = 1024;

interface Prepared {
  /** Features handed to the kernels (centred in fp32 mode, float16-rounded in fp16 mode). */
  x: Float32Array;
  norms: Float32Array;
  /** Raw features and float32 norms for ADM's float32 fallback (fp16 mode only). */
  raw?: Float32Array;
  rawNorms?: Float32Array;
  rows: number;
}

function squaredNorms(x: Float32Array, rows: number, dim: number, fp16: boolean): Float32Array {
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let c = 0; c < dim; c++) {
      const v = x[i * dim + c];
      s += fp16 ? roundToFloat16(v * v) : v * v;
    }
    out[i] = fp16 ? roundToFloat16(s) : s;
  }
  return out;
}

function prepare(set: FeatureSet, center: Float64Array | undefined, fp16: boolean): Prepared {
  const { data, rows, dim } = set;
  const x = new Float32Array(rows * dim);
  if (fp16) {
    for (let i = 0; i < x.length; i++) x[i] = roundToFloat16(data[i]);
    return { x, norms: squaredNorms(x, rows, dim, true), raw: data, rawNorms: squaredNorms(data, rows, dim, false), rows };
  }
  for (let i = 0; i < rows; i++) for (let c = 0; c < dim; c++) x[i * dim + c] = data[i * dim + c] - center![c];
  return { x, norms: squaredNorms(x, rows, dim, false), rows };
}

/** Contiguous [start, end) ranges of at most `size` rows, none shorter than `min` (a short tail joins the previous). */
function ranges(total: number, size: number, min: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = 0; s < total; s += size) out.push([s, Math.min(total, s + size)]);
  if (out.length > 1 && out[out.length - 1][1] - out[out.length - 1][0] < min) {
    const last = out.pop()!;
    out[out.length - 1][1] = last[1];
  }
  return out;
}

function tile(
  u: Prepared,
  [u0, u1]: [number, number],
  v: Prepared,
  [v0, v1]: [number, number],
  dim: number,
  fp16: boolean,
  raw = false,
): DistanceTile {
  const ux = raw ? u.raw! : u.x;
  const vx = raw ? v.raw! : v.x;
  const un = raw ? u.rawNorms! : u.norms;
  const vn = raw ? v.rawNorms! : v.norms;
  return {
    u: ux.subarray(u0 * dim, u1 * dim),
    v: vx.subarray(v0 * dim, v1 * dim),
    rowsU: u1 - u0,
    rowsV: v1 - v0,
    dim,
    normU: un.subarray(u0, u1),
    normV: vn.subarray(v0, v1),
    fp16: fp16 && !raw,
  };
}

/** Merges ascending lists of k values (`part`, rows × k) into `best` from row offset `at`. */
function mergeBest(best: Float32Array, at: number, part: Float32Array, rows: number, k: number): void {
  const merged = new Float32Array(k);
  for (let r = 0; r < rows; r++) {
    const b = (at + r) * k;
    const p = r * k;
    let i = 0;
    let j = 0;
    for (let q = 0; q < k; q++) merged[q] = best[b + i] <= part[p + j] ? best[b + i++] : part[p + j++];
    best.set(merged, b);
  }
}

function kernelFor(kernels: Kernels, t: DistanceTile, k: number, alsoColumns: boolean): Kernels {
  // onnxruntime's TopK needs at least k elements along the axis; tiny tiles go to the TypeScript kernel.
  return t.rowsV < k || (alsoColumns && t.rowsU < k) ? jsKernels : kernels;
}

/** The (k+1)-th smallest squared distance of every point to the points of its own set (itself included). */
async function radii(
  set: Prepared,
  dim: number,
  k: number,
  precision: DistancePrecision,
  kernels: Kernels,
): Promise<{ radii: Float32Array; fallbacks: number }> {
  const kk = k + 1;
  const best = new Float32Array(set.rows * kk).fill(Infinity);
  let fallbacks = 0;
  if (precision === 'fp32') {
    // Distances are symmetric: each off-diagonal tile serves its rows and its columns.
    const parts = ranges(set.rows, KNN_TILE, kk);
    for (let a = 0; a < parts.length; a++) {
      for (let b = a; b < parts.length; b++) {
        const t = tile(set, parts[a], set, parts[b], dim, false);
        const both = a !== b;
        const res = await kernelFor(kernels, t, kk, both).knn(t, kk, both);
        mergeBest(best, parts[a][0], res.rows, t.rowsU, kk);
        if (both) mergeBest(best, parts[b][0], res.cols!, t.rowsV, kk);
      }
    }
  } else {
    for (const rb of ranges(set.rows, ADM_BLOCK, 1)) {
      for (const cb of ranges(set.rows, ADM_BLOCK, 1)) {
        fallbacks += await admBlockKnn(set, rb, cb, dim, kk, kernels, best);
      }
    }
  }
  const out = new Float32Array(set.rows);
  for (let i = 0; i < set.rows; i++) out[i] = best[i * kk + k];
  return { radii: out, fallbacks };
}

// One ADM block in float16; if any distance in it overflows, the whole block again in float32 (raw features).
async function admBlockKnn(
  set: Prepared,
  rb: [number, number],
  cb: [number, number],
  dim: number,
  kk: number,
  kernels: Kernels,
  best: Float32Array,
): Promise<number> {
  const partial = new Float32Array((rb[1] - rb[0]) * kk).fill(Infinity);
  let overflow = false;
  for (const [r0, r1] of ranges(rb[1] - rb[0], FP16_ROWS, 1)) {
    const t = tile(set, [rb[0] + r0, rb[0] + r1], set, cb, dim, true);
    const res = await kernelFor(kernels, t, kk, false).knn(t, kk, false);
    if (res.nonFinite) {
      overflow = true;
      break;
    }
    partial.set(res.rows, r0 * kk);
  }
  if (overflow) {
    partial.fill(Infinity);
    for (const [r0, r1] of ranges(rb[1] - rb[0], FP16_ROWS, 1)) {
      const t = tile(set, [rb[0] + r0, rb[0] + r1], set, cb, dim, true, true);
      partial.set((await kernelFor(kernels, t, kk, false).knn(t, kk, false)).rows, r0 * kk);
    }
  }
  mergeBest(best, rb[0], partial, rb[1] - rb[0], kk);
  return overflow ? 1 : 0;
}

/**
 * Precision and recall of `samples` against `reference` (both float32 feature sets of the same dimension).
 * Each set needs at least k + 1 points.
 */
export async function precisionRecall(
  samples: FeatureSet,
  reference: FeatureSet,
  options: PrecisionRecallOptions = {},
): Promise<PrecisionRecallResult> {
  const k = options.k ?? 3;
  const precision = options.distancePrecision ?? 'fp32';
  if (precision !== 'fp32' && precision !== 'adm-fp16') throw new MetricInputError(`unknown distance precision '${String(precision)}'`);
  const dim = samples.dim;
  if (reference.dim !== dim)
    throw new MetricInputError(`feature dimensions differ: samples have ${dim}, the reference has ${reference.dim}`);
  for (const [name, s] of [
    ['samples', samples],
    ['reference', reference],
  ] as const) {
    if (s.rows < k + 1) throw new MetricInputError(`${name}: ${s.rows} points; precision/recall with k = ${k} needs at least ${k + 1}`);
    if (s.data.length < s.rows * s.dim) throw new MetricInputError(`${name}: ${s.data.length} values are fewer than ${s.rows} × ${s.dim}`);
  }
  const kernels = await getKernels(options.backend);
  const fp16 = precision === 'adm-fp16';
  let center: Float64Array | undefined;
  if (!fp16) {
    center = new Float64Array(dim);
    for (let i = 0; i < reference.rows; i++) for (let c = 0; c < dim; c++) center[c] += reference.data[i * dim + c];
    for (let c = 0; c < dim; c++) center[c] /= reference.rows;
  }
  const ref = prepare(reference, center, fp16);
  const smp = prepare(samples, center, fp16);
  const refRadii = await radii(ref, dim, k, precision, kernels);
  const smpRadii = await radii(smp, dim, k, precision, kernels);
  let fallbacks = refRadii.fallbacks + smpRadii.fallbacks;

  // Rows are references and columns samples, as in ADM's evaluate_pr (it matters for the float16 rounding).
  const refIn = new Float32Array(ref.rows).fill(Infinity); // min_j D[i][j] − r_sample[j]
  const smpIn = new Float32Array(smp.rows).fill(Infinity); // min_i D[i][j] − r_ref[i]
  const take = (rowMin: Float32Array, colMin: Float32Array, r0: number, c0: number) => {
    for (let i = 0; i < rowMin.length; i++) if (rowMin[i] < refIn[r0 + i]) refIn[r0 + i] = rowMin[i];
    for (let j = 0; j < colMin.length; j++) if (colMin[j] < smpIn[c0 + j]) smpIn[c0 + j] = colMin[j];
  };
  if (!fp16) {
    for (const rr of ranges(ref.rows, MEMBER_ROWS, 1)) {
      for (const cr of ranges(smp.rows, MEMBER_COLS, 1)) {
        const t = tile(ref, rr, smp, cr, dim, false);
        const res = await kernels.membership(t, refRadii.radii.subarray(rr[0], rr[1]), smpRadii.radii.subarray(cr[0], cr[1]));
        take(res.rowMin, res.colMin, rr[0], cr[0]);
      }
    }
  } else {
    for (const rb of ranges(ref.rows, ADM_BLOCK, 1)) {
      for (const cb of ranges(smp.rows, ADM_BLOCK, 1)) {
        const blockRows: Array<{ rowMin: Float32Array; colMin: Float32Array; r0: number }> = [];
        let overflow = false;
        for (const raw of [false, true]) {
          if (raw && !overflow) break;
          blockRows.length = 0;
          for (const [r0, r1] of ranges(rb[1] - rb[0], FP16_ROWS, 1)) {
            const rr: [number, number] = [rb[0] + r0, rb[0] + r1];
            const t = tile(ref, rr, smp, cb, dim, true, raw);
            const res = await kernels.membership(t, refRadii.radii.subarray(rr[0], rr[1]), smpRadii.radii.subarray(cb[0], cb[1]));
            if (!raw && res.nonFinite) {
              overflow = true;
              break;
            }
            blockRows.push({ rowMin: res.rowMin, colMin: res.colMin, r0: rr[0] });
          }
        }
        if (overflow) fallbacks++;
        for (const b of blockRows) take(b.rowMin, b.colMin, b.r0, cb[0]);
      }
    }
  }
  let inside = 0;
  for (let j = 0; j < smp.rows; j++) if (smpIn[j] <= 0) inside++;
  let covered = 0;
  for (let i = 0; i < ref.rows; i++) if (refIn[i] <= 0) covered++;
  return {
    precision: inside / smp.rows,
    recall: covered / ref.rows,
    k,
    distancePrecision: precision,
    backend: kernels.name,
    fp32FallbackBlocks: fallbacks,
  };
}
