// Unblocked forms of the blocked linear algebra in runner/src/metrics/linalg.ts, the oracles its specs
// compare with (the blocked code keeps only the unblocked pieces it falls back to).
import { LinalgError, tridiagonalEigenvalues, tridiagonalize } from '../../../runner/src/metrics/linalg.js';

/** Eigenvalues (ascending) of a symmetric matrix given row-major with at least its lower triangle filled. */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new LinalgError(`expected ${n}×${n} = ${n * n} elements, got ${a.length}`);
  const { d, e } = tridiagonalize(Float64Array.from(a), n);
  return tridiagonalEigenvalues(d, e);
}

/**
 * Lᵀ B L for symmetric B (n×n, row-major, full) and a lower-trapezoidal L (n×r): the r×r symmetric result,
 * exploiting L's zeros. Rows are processed four at a time so each streamed row serves four accumulators.
 */
export function congruence(b: Float64Array, n: number, l: Float64Array, r: number): Float64Array {
  // W = B L (n×r).
  const wm = new Float64Array(n * r);
  for (let a0 = 0; a0 < n; a0 += 4) {
    const a1 = Math.min(a0 + 1, n - 1);
    const a2 = Math.min(a0 + 2, n - 1);
    const a3 = Math.min(a0 + 3, n - 1);
    const w0 = a0 * r;
    const w1 = a1 * r;
    const w2 = a2 * r;
    const w3 = a3 * r;
    const many = a0 + 3 < n;
    for (let q = 0; q < n; q++) {
      const len = Math.min(q + 1, r);
      const lq = q * r;
      const f0 = b[a0 * n + q];
      if (many) {
        const f1 = b[a1 * n + q];
        const f2 = b[a2 * n + q];
        const f3 = b[a3 * n + q];
        for (let c = 0; c < len; c++) {
          const x = l[lq + c];
          wm[w0 + c] += f0 * x;
          wm[w1 + c] += f1 * x;
          wm[w2 + c] += f2 * x;
          wm[w3 + c] += f3 * x;
        }
      } else {
        for (let a = a0; a < n; a++) {
          const f = b[a * n + q];
          const wa = a * r;
          for (let c = 0; c < len; c++) wm[wa + c] += f * l[lq + c];
        }
      }
    }
    if (!many) break;
  }
  // M = Lᵀ W, upper triangle, then mirrored.
  const m = new Float64Array(r * r);
  for (let a0 = 0; a0 < n; a0 += 4) {
    const cnt = Math.min(4, n - a0);
    const top = Math.min(a0 + cnt, r);
    for (let c1 = 0; c1 < top; c1++) {
      const mrow = c1 * r;
      if (cnt === 4) {
        const f0 = c1 <= a0 ? l[a0 * r + c1] : 0;
        const f1 = c1 <= a0 + 1 ? l[(a0 + 1) * r + c1] : 0;
        const f2 = c1 <= a0 + 2 ? l[(a0 + 2) * r + c1] : 0;
        const f3 = l[(a0 + 3) * r + c1];
        const u0 = a0 * r;
        const u1 = u0 + r;
        const u2 = u1 + r;
        const u3 = u2 + r;
        for (let c2 = c1; c2 < r; c2++) m[mrow + c2] += f0 * wm[u0 + c2] + f1 * wm[u1 + c2] + f2 * wm[u2 + c2] + f3 * wm[u3 + c2];
      } else {
        for (let a = a0; a < a0 + cnt; a++) {
          if (c1 > a) continue;
          const f = l[a * r + c1];
          const u = a * r;
          for (let c2 = c1; c2 < r; c2++) m[mrow + c2] += f * wm[u + c2];
        }
      }
    }
  }
  for (let i = 0; i < r; i++) for (let j = 0; j < i; j++) m[i * r + j] = m[j * r + i];
  return m;
}
