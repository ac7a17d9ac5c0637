import { describe, expect, it } from 'vitest';
import { jsKernels } from './kernels/js-kernels.js';
import { congruenceGemm, pivotedCholesky, pivotedCholeskyBlocked, tridiagonalEigenvalues, tridiagonalizeBlocked } from './linalg.js';
import { congruence, symmetricEigenvalues } from '../../../test/support/oracles/linalg-oracles.js';
import { randomOrthogonal, withEigenvalues } from '../../../test/support/metric-test-data.js';

const gemm = jsKernels.gemm64.bind(jsKernels);
const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>, scale: number) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / scale);
  return m;
};

describe('symmetric eigenvalues', () => {
  it('of Q diag(λ) Qᵀ recover λ within 1e-12 relative (n = 60, λ spanning 1e-8..1e3)', () => {
    const n = 60;
    const lambda = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 1e-8 : 1e3 * Math.pow(i / n, 3)));
    const a = withEigenvalues(randomOrthogonal(1, n), lambda);
    const got = symmetricEigenvalues(a, n);
    expect(maxRel(got, Float64Array.from(lambda).sort(), 1e3)).toBeLessThan(1e-12);
  });

  it('of 2×2 and tridiagonal matrices with closed forms (1e-14)', () => {
    expect(Array.from(symmetricEigenvalues(Float64Array.from([2, 1, 1, 2]), 2))).toEqual([1, 3]);
    // Tridiagonal Toeplitz (2, -1): λ_k = 2 − 2cos(kπ/(n+1)).
    const n = 50;
    const got = tridiagonalEigenvalues(
      new Float64Array(n).fill(2),
      Float64Array.from({ length: n }, (_, i) => (i < n - 1 ? -1 : 0)),
    );
    const want = Float64Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))).sort();
    expect(maxRel(got, want, 4)).toBeLessThan(1e-14);
  });

  it('repeated and zero eigenvalues (1e-12)', () => {
    const n = 30;
    const lambda = Float64Array.from({ length: n }, (_, i) => (i < 10 ? 0 : i < 20 ? 5 : 7));
    const got = symmetricEigenvalues(withEigenvalues(randomOrthogonal(2, n), lambda), n);
    expect(maxRel(got, lambda, 7)).toBeLessThan(1e-12);
  });

  it('blocked tridiagonalization (n = 400 > one panel) gives the unblocked eigenvalues within 1e-12', async () => {
    const n = 400;
    const lambda = Float64Array.from({ length: n }, (_, i) => 1 + i * i * 0.01);
    const a = withEigenvalues(randomOrthogonal(3, n), lambda);
    const { d, e } = await tridiagonalizeBlocked(Float64Array.from(a), n, gemm);
    expect(maxRel(tridiagonalEigenvalues(d, e), lambda, lambda[n - 1])).toBeLessThan(1e-12);
  });
});

describe('pivoted Cholesky', () => {
  function reconstructionError(a: Float64Array, n: number, f: { l: Float64Array; perm: Int32Array; rank: number }): number {
    let m = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = 0; c < f.rank; c++) s += f.l[i * f.rank + c] * f.l[j * f.rank + c];
        m = Math.max(m, Math.abs(s - a[f.perm[i] * n + f.perm[j]]));
      }
    }
    return m;
  }

  it('factors a rank-deficient PSD matrix (rank 12 of 40) with reconstruction error below 1e-12', () => {
    const n = 40;
    const a = withEigenvalues(
      randomOrthogonal(4, n),
      Float64Array.from({ length: n }, (_, i) => (i < 12 ? 1 + i : 0)),
    );
    const f = pivotedCholesky(a, n);
    expect(f.rank).toBe(12);
    expect(reconstructionError(a, n, f)).toBeLessThan(1e-12);
  });

  it('blocked and unblocked agree on a full-rank matrix (n = 300) within 1e-12', async () => {
    const n = 300;
    const a = withEigenvalues(
      randomOrthogonal(5, n),
      Float64Array.from({ length: n }, (_, i) => 0.5 + i),
    );
    const u = pivotedCholesky(a, n);
    const b = await pivotedCholeskyBlocked(a, n, gemm);
    expect(b.rank).toBe(n);
    expect(Array.from(b.perm)).toEqual(Array.from(u.perm));
    expect(maxRel(b.l, u.l, Math.sqrt(n))).toBeLessThan(1e-12);
    expect(reconstructionError(a, n, b)).toBeLessThan(1e-10);
  });

  it('Lᵀ B L by loops and by GEMM agree within 1e-12', async () => {
    const n = 50;
    const a = withEigenvalues(
      randomOrthogonal(6, n),
      Float64Array.from({ length: n }, (_, i) => (i < 30 ? 1 + i : 0)),
    );
    const b = withEigenvalues(
      randomOrthogonal(7, n),
      Float64Array.from({ length: n }, (_, i) => 2 + i),
    );
    const f = pivotedCholesky(a, n);
    const x = congruence(b, n, f.l, f.rank);
    const y = await congruenceGemm(b, n, f.l, f.rank, gemm);
    expect(maxRel(x, y, 1000)).toBeLessThan(1e-12);
  });
});
