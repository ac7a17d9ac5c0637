// Fréchet distance between Gaussians fitted to Inception features (Heusel et al. 2017, "GANs trained by a
// two time-scale update rule…"; ADM evaluations/evaluator.py FIDStatistics.frechet_distance, after TTUR's
// fid.py): ‖μ₁−μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁Σ₂)^½, in float64. Protocol choices: tr (Σ₁Σ₂)^½ is the sum of
// the square roots of the eigenvalues of Σ₁Σ₂ — computed as those of the symmetric Lᵀ Σ₂ L, Σ₁ = L Lᵀ by
// pivoted Cholesky, with eigenvalues below zero (rounding) counted as zero, which equals the real part of
// scipy.linalg.sqrtm's trace; 1e-6·I is added to both covariances only if the result is not finite, as ADM
// and pytorch-fid do.

import { getKernels } from './kernels/get-kernels.js';
import type { BackendChoice } from './kernels/kernels.js';
import { congruenceGemm, pivotedCholeskyBlocked, tridiagonalEigenvalues, tridiagonalizeBlocked, type Gemm64 } from './linalg.js';
import { MetricInputError } from './metric-input-error.js';

/** Gaussian statistics: mean of length d, row-major d × d covariance. */
export interface GaussianStats {
  mu: Float64Array;
  sigma: Float64Array;
}

export interface FrechetDetails {
  value: number;
  /** ‖μ₁−μ₂‖². */
  meanTerm: number;
  /** tr (Σ₁Σ₂)^½. */
  traceSqrt: number;
  /** Whether the eps·I fallback was needed. */
  offsetApplied: boolean;
  /** Numerical rank of Σ₁ found by the pivoted Cholesky factorization. */
  rank: number;
}

/**
 * tr (Σ₁Σ₂)^½ for symmetric positive semi-definite Σ₁, Σ₂ (row-major n × n): the eigenvalues of Σ₁Σ₂ are
 * those of Lᵀ Σ₂ L with Σ₁ = L Lᵀ (plus zeros when Σ₁ is singular), and that matrix is symmetric.
 */
export async function traceSqrtProduct(
  sigma1: Float64Array,
  sigma2: Float64Array,
  n: number,
  gemm: Gemm64,
): Promise<{ trace: number; rank: number }> {
  const { l, perm, rank } = await pivotedCholeskyBlocked(sigma1, n, gemm);
  if (rank === 0) return { trace: 0, rank };
  // Σ₂ in the pivot order of Σ₁'s factor.
  const b = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const src = perm[i] * n;
    const dst = i * n;
    for (let j = 0; j < n; j++) b[dst + j] = sigma2[src + perm[j]];
  }
  const m = await congruenceGemm(b, n, l, rank, gemm);
  const { d, e } = await tridiagonalizeBlocked(m, rank, gemm);
  const eig = tridiagonalEigenvalues(d, e);
  let trace = 0;
  for (const lambda of eig) if (lambda > 0) trace += Math.sqrt(lambda);
  return { trace, rank };
}

function check(name: string, s: GaussianStats, d: number): void {
  if (s.sigma.length !== d * d) {
    throw new MetricInputError(`${name}: covariance has ${s.sigma.length} elements, a ${d}-dimensional mean needs ${d * d}`);
  }
  for (let i = 0; i < s.mu.length; i++)
    if (!Number.isFinite(s.mu[i])) throw new MetricInputError(`${name}: mean has a non-finite value at ${i}`);
  for (let i = 0; i < s.sigma.length; i++) {
    if (!Number.isFinite(s.sigma[i]))
      throw new MetricInputError(`${name}: covariance has a non-finite value at (${Math.floor(i / d)}, ${i % d})`);
  }
}

export interface FrechetOptions {
  /** Diagonal offset for the non-finite fallback. Default 1e-6 (ADM, pytorch-fid). */
  eps?: number;
  /** Who runs the O(d³) products: onnxruntime's GEMM (default when it loads) or TypeScript loops. */
  backend?: BackendChoice;
}

/** The Fréchet distance with the intermediate terms. */
export async function frechetDistanceDetailed(a: GaussianStats, b: GaussianStats, options: FrechetOptions = {}): Promise<FrechetDetails> {
  const eps = options.eps ?? 1e-6;
  const kernels = await getKernels(options.backend);
  const gemm: Gemm64 = (...args) => kernels.gemm64(...args);
  const d = a.mu.length;
  if (b.mu.length !== d) throw new MetricInputError(`feature dimensions differ: ${d} and ${b.mu.length}`);
  check('first statistics', a, d);
  check('second statistics', b, d);
  let meanTerm = 0;
  let tr1 = 0;
  let tr2 = 0;
  for (let i = 0; i < d; i++) {
    const diff = a.mu[i] - b.mu[i];
    meanTerm += diff * diff;
    tr1 += a.sigma[i * d + i];
    tr2 += b.sigma[i * d + i];
  }
  let { trace, rank } = await traceSqrtProduct(a.sigma, b.sigma, d, gemm);
  let offsetApplied = false;
  if (!Number.isFinite(trace)) {
    offsetApplied = true;
    const s1 = Float64Array.from(a.sigma);
    const s2 = Float64Array.from(b.sigma);
    for (let i = 0; i < d; i++) {
      s1[i * d + i] += eps;
      s2[i * d + i] += eps;
    }
    ({ trace, rank } = await traceSqrtProduct(s1, s2, d, gemm));
  }
  return { value: meanTerm + tr1 + tr2 - 2 * trace, meanTerm, traceSqrt: trace, offsetApplied, rank };
}

/** Fréchet distance ‖μ₁−μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁Σ₂)^½ (FID on pool features, sFID on spatial ones). */
export async function frechetDistance(a: GaussianStats, b: GaussianStats, options: FrechetOptions = {}): Promise<number> {
  return (await frechetDistanceDetailed(a, b, options)).value;
}
