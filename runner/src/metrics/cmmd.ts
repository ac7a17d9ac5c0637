// CMMD (Jayasumana et al., CVPR 2024, "Rethinking FID: Towards a Better Evaluation Metric for Image
// Generation"; google-research/cmmd distance.py): 1000 × MMD² between L2-normalised CLIP image embeddings
// of samples X (m rows) and references Y (n rows), with the Gaussian RBF kernel k(x, y) = exp(−‖x − y‖² / 2σ²),
// σ = 10, and the paper's minimum-variance (biased) estimator — means over all pairs, diagonals included:
//   CMMD = 1000 · (mean_{i,j} k(xᵢ, xⱼ) + mean_{i,j} k(yᵢ, yⱼ) − 2 · mean_{i,j} k(xᵢ, yⱼ)).
// m and n may differ. Protocol choices: dot products in float32 (as the reference, which runs in float32),
// ‖x − y‖² = ‖x‖² + ‖y‖² − 2x·y with the norms in float64, clamped at 0; kernel sums in float64 as
// Σ expm1(−γ‖x − y‖²) so that the three means' shared 1 cancels exactly instead of in rounding.

import { checkUnitRows } from './clip-embeddings.js';
import { getKernels } from './kernels/get-kernels.js';
import type { BackendChoice, BackendName, Kernels } from './kernels/kernels.js';
import { MetricInputError } from './metric-input-error.js';
import type { FeatureSet } from './precision-recall.js';

export const CMMD_SIGMA = 10;
export const CMMD_SCALE = 1000;
const BLOCK = 1024;

export interface CmmdResult {
  cmmd: number;
  sigma: number;
  scale: number;
  samples: number;
  reference: number;
  backend: BackendName;
}

function sqNorms(s: FeatureSet): Float64Array {
  const out = new Float64Array(s.rows);
  for (let i = 0; i < s.rows; i++) {
    let t = 0;
    for (let c = 0; c < s.dim; c++) t += s.data[i * s.dim + c] * s.data[i * s.dim + c];
    out[i] = t;
  }
  return out;
}

/** Σ_{i,j} (k(aᵢ, bⱼ) − 1) over all pairs, by blocks; `symmetric` when a and b are the same set. */
async function kernelSumMinusOne(kernels: Kernels, a: FeatureSet, b: FeatureSet, symmetric: boolean): Promise<number> {
  const gamma = 1 / (2 * CMMD_SIGMA * CMMD_SIGMA);
  const na = sqNorms(a);
  const nb = symmetric ? na : sqNorms(b);
  const d = a.dim;
  let total = 0;
  for (let i0 = 0; i0 < a.rows; i0 += BLOCK) {
    const mi = Math.min(BLOCK, a.rows - i0);
    const xa = a.data.subarray(i0 * d, (i0 + mi) * d);
    for (let j0 = symmetric ? i0 : 0; j0 < b.rows; j0 += BLOCK) {
      const mj = Math.min(BLOCK, b.rows - j0);
      const g = await kernels.dots(xa, mi, b.data.subarray(j0 * d, (j0 + mj) * d), mj, d);
      let s = 0;
      for (let i = 0; i < mi; i++) {
        const ni = na[i0 + i];
        for (let j = 0; j < mj; j++) s += Math.expm1(-gamma * Math.max(ni + nb[j0 + j] - 2 * g[i * mj + j], 0));
      }
      // An off-diagonal block of a symmetric sum stands for itself and its transpose.
      total += symmetric && j0 !== i0 ? 2 * s : s;
    }
  }
  return total;
}

/** CMMD of `samples` against `reference`: L2-normalised CLIP image embeddings of one dimension. */
export async function cmmd(
  samples: FeatureSet,
  reference: FeatureSet,
  options: { backend?: BackendChoice; files?: { samples?: string; reference?: string } } = {},
): Promise<CmmdResult> {
  if (samples.dim !== reference.dim)
    throw new MetricInputError(
      `CLIP embedding dimensions differ: samples have ${samples.dim}, the reference ${reference.dim} (they must come from one CLIP model)`,
    );
  if (samples.rows < 1 || reference.rows < 1) throw new MetricInputError('CMMD needs at least one embedding in each set');
  checkUnitRows(samples, 'clip', options.files?.samples);
  checkUnitRows(reference, 'clip', options.files?.reference);
  const kernels = await getKernels(options.backend);
  const m = samples.rows;
  const n = reference.rows;
  const xx = (await kernelSumMinusOne(kernels, samples, samples, true)) / (m * m);
  const yy = (await kernelSumMinusOne(kernels, reference, reference, true)) / (n * n);
  const xy = (await kernelSumMinusOne(kernels, samples, reference, false)) / (m * n);
  return { cmmd: CMMD_SCALE * (xx + yy - 2 * xy), sigma: CMMD_SIGMA, scale: CMMD_SCALE, samples: m, reference: n, backend: kernels.name };
}
