// Dense float64 linear algebra for the Fréchet distance, on row-major Float64Arrays:
// Householder tridiagonalization (Golub & Van Loan, "Matrix Computations" 4th ed., §8.3.1) followed by the
// implicit QL iteration with Wilkinson shifts (EISPACK tql1/tql2) for symmetric eigenvalues, and the
// diagonally pivoted Cholesky factorization of a positive semi-definite matrix (LAPACK dpstf2).

const EPS = 2 ** -52;

export class LinalgError extends Error {
  override readonly name = 'LinalgError';
}

function hypot(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  // Math.hypot is slow in V8; scale only when squaring could overflow or underflow.
  if (x > 1e150 || y > 1e150 || (x < 1e-150 && y < 1e-150)) return Math.hypot(a, b);
  return Math.sqrt(x * x + y * y);
}

/**
 * Reduces a symmetric matrix to tridiagonal form by Householder reflections, reading and overwriting the
 * lower triangle of `a` (row-major n×n). Returns the diagonal `d` and the sub-diagonal `e` (e[i] couples
 * d[i] and d[i+1]; e[n-1] = 0).
 *
 * Each step's rank-2 update of the trailing block is applied in the same sweep as the next step's
 * matrix-vector product, so the trailing lower triangle is read once per step instead of twice.
 */
export function tridiagonalize(a: Float64Array, n: number): { d: Float64Array; e: Float64Array } {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { d, e };
  let vPrev = new Float64Array(n);
  let wPrev = new Float64Array(n);
  let v = new Float64Array(n);
  let w = new Float64Array(n);
  let pending = false;
  for (let k = 0; k + 2 < n; k++) {
    const rowK = k * n;
    // Bring column k (and a[k][k]) up to date with the previous step's update.
    if (pending) {
      const vk = vPrev[k];
      const wk = wPrev[k];
      for (let i = k; i < n; i++) a[i * n + k] -= vPrev[i] * wk + wPrev[i] * vk;
    }
    d[k] = a[rowK + k];
    // Householder vector for x = a[k+1..n-1][k]: (I - beta v v^T) x = alpha e_1.
    const x0 = a[(k + 1) * n + k];
    let tail = 0;
    for (let i = k + 2; i < n; i++) {
      const xi = a[i * n + k];
      tail += xi * xi;
    }
    let beta = 0;
    let alpha = x0;
    v.fill(0);
    if (tail > 0) {
      alpha = (x0 >= 0 ? -1 : 1) * Math.sqrt(x0 * x0 + tail);
      v[k + 1] = x0 - alpha;
      for (let i = k + 2; i < n; i++) v[i] = a[i * n + k];
      beta = 1 / (alpha * (alpha - x0));
    }
    e[k] = alpha;
    // p = A22 v over the trailing block, applying the pending update to each element first.
    const p = w;
    p.fill(0);
    for (let i = k + 1; i < n; i++) {
      const row = i * n;
      const vi = v[i];
      let pi = 0;
      if (pending) {
        const vpi = vPrev[i];
        const wpi = wPrev[i];
        for (let j = k + 1; j < i; j++) {
          const aij = a[row + j] - vpi * wPrev[j] - wpi * vPrev[j];
          a[row + j] = aij;
          pi += aij * v[j];
          p[j] += aij * vi;
        }
        const aii = a[row + i] - 2 * vpi * wpi;
        a[row + i] = aii;
        pi += aii * vi;
      } else {
        for (let j = k + 1; j < i; j++) {
          const aij = a[row + j];
          pi += aij * v[j];
          p[j] += aij * vi;
        }
        pi += a[row + i] * vi;
      }
      p[i] += pi;
    }
    // w = beta p - (beta^2/2)(p.v) v, so that A22 - v w^T - w v^T = H A22 H.
    let pv = 0;
    for (let i = k + 1; i < n; i++) pv += p[i] * v[i];
    const kk = 0.5 * beta * beta * pv;
    for (let i = k + 1; i < n; i++) p[i] = beta * p[i] - kk * v[i];
    [vPrev, v] = [v, vPrev];
    [wPrev, w] = [w, wPrev];
    pending = beta !== 0;
  }
  // The last 2×2 (or 1×1) block.
  const last = Math.max(0, n - 2);
  if (pending) {
    for (let i = last; i < n; i++) {
      for (let j = last; j <= i; j++) a[i * n + j] -= vPrev[i] * wPrev[j] + wPrev[i] * vPrev[j];
    }
  }
  for (let i = last; i < n; i++) d[i] = a[i * n + i];
  if (n >= 2) e[n - 2] = a[(n - 1) * n + n - 2];
  e[n - 1] = 0;
  return { d, e };
}

/**
 * Eigenvalues (ascending) of the symmetric tridiagonal matrix with diagonal `d` and sub-diagonal `e`
 * (e[i] couples d[i] and d[i+1]) by the implicit QL method with Wilkinson shifts. `d` and `e` are consumed.
 */
export function tridiagonalEigenvalues(d: Float64Array, e: Float64Array): Float64Array {
  const n = d.length;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > 60) throw new LinalgError(`tridiagonal QL did not converge for eigenvalue ${l} of ${n}`);
        // Shift from the leading 2×2 block.
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // Implicit QL sweep from m up to l.
        p = d[m];
        let c = 1;
        let c2 = 1;
        let c3 = 1;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  return d.sort();
}

export interface PivotedCholesky {
  /** Row-major n×rank factor: rows in pivot order, lower trapezoidal (l[i][c] = 0 for c > i). */
  l: Float64Array;
  /** perm[i] is the original index of pivoted row i: a[perm[i]][perm[j]] ≈ (l lᵀ)[i][j]. */
  perm: Int32Array;
  rank: number;
}

/**
 * Where both pivoted Choleskys start: the diagonal as the residual pivots, and the stopping pivot (default
 * n·ε·max diag, LAPACK's choice). Refuses a non-finite diagonal.
 */
function pivotStart(w: Float64Array, n: number, tol: number | undefined): { residual: Float64Array; stop: number } {
  const residual = new Float64Array(n);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    residual[i] = w[i * n + i]!;
    if (!Number.isFinite(residual[i])) throw new LinalgError(`non-finite diagonal element at ${i}`);
    maxDiag = Math.max(maxDiag, residual[i]!);
  }
  return { residual, stop: tol ?? n * EPS * maxDiag };
}

/**
 * Cholesky factorization with complete (diagonal) pivoting of a symmetric positive semi-definite matrix,
 * stopping when the largest remaining pivot is at most `tol` (default n·ε·max diag, LAPACK's choice):
 * Pᵀ A P ≈ L Lᵀ with L n×rank. Reads the lower triangle of `a` (row-major n×n) without modifying it.
 */
export function pivotedCholesky(a: Float64Array, n: number, tol?: number): PivotedCholesky {
  const w = Float64Array.from(a);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const { residual, stop } = pivotStart(w, n, tol);
  let rank = n;
  for (let j = 0; j < n; j++) {
    let piv = j;
    for (let i = j + 1; i < n; i++) if (residual[i] > residual[piv]) piv = i;
    if (!(residual[piv] > stop)) {
      rank = j;
      break;
    }
    if (piv !== j) swapSymmetric(w, n, j, piv, residual, perm);
    const rowJ = j * n;
    let s = w[rowJ + j];
    for (let c = 0; c < j; c++) s -= w[rowJ + c] * w[rowJ + c];
    if (!(s > stop)) {
      rank = j;
      break;
    }
    const ljj = Math.sqrt(s);
    w[rowJ + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let t = w[rowI + j];
      for (let c = 0; c < j; c++) t -= w[rowI + c] * w[rowJ + c];
      t *= inv;
      w[rowI + j] = t;
      residual[i] -= t * t;
    }
  }
  const l = new Float64Array(n * rank);
  for (let i = 0; i < n; i++) {
    const m = Math.min(i + 1, rank);
    for (let c = 0; c < m; c++) l[i * rank + c] = w[i * n + c];
  }
  return { l, perm, rank };
}

// Swaps indices j < p of a partly factored symmetric matrix held in the lower triangle (row-major):
// the factor rows' first j columns, the diagonal, and the not yet factored lower-triangle entries.
function swapSymmetric(w: Float64Array, n: number, j: number, p: number, residual: Float64Array, perm: Int32Array): void {
  const rj = j * n;
  const rp = p * n;
  for (let c = 0; c < j; c++) [w[rj + c], w[rp + c]] = [w[rp + c], w[rj + c]];
  [w[rj + j], w[rp + p]] = [w[rp + p], w[rj + j]];
  for (let c = j + 1; c < p; c++) [w[c * n + j], w[rp + c]] = [w[rp + c], w[c * n + j]];
  for (let r = p + 1; r < n; r++) [w[r * n + j], w[r * n + p]] = [w[r * n + p], w[r * n + j]];
  [residual[j], residual[p]] = [residual[p], residual[j]];
  [perm[j], perm[p]] = [perm[p], perm[j]];
}

/** alpha·A·Bᵀ + beta·C for row-major A (m × k), B (n × k), C (m × n): the one GEMM form the blocked code uses. */
export type Gemm64 = (
  a: Float64Array,
  m: number,
  k: number,
  b: Float64Array,
  n: number,
  alpha: number,
  beta: number,
  c?: Float64Array,
) => Promise<Float64Array>;

/** Below this order the unblocked routines are used. */
const BLOCKED_MIN_ORDER = 256;
const PANEL = 64;

// Replaces the trailing block a[from.., from..] of a row-major n×n matrix by a[..] − X Yᵀ − Y Xᵀ (or − X Xᵀ).
async function trailingUpdate(
  a: Float64Array,
  n: number,
  from: number,
  x: Float64Array,
  y: Float64Array | undefined,
  k: number,
  gemm: Gemm64,
): Promise<void> {
  const m = n - from;
  if (m <= 0) return;
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) c.set(a.subarray((from + i) * n + from, (from + i) * n + n), i * m);
  let left = x;
  let right = x;
  let width = k;
  if (y) {
    // X Yᵀ + Y Xᵀ = [X Y] [Y X]ᵀ.
    width = 2 * k;
    left = new Float64Array(m * width);
    right = new Float64Array(m * width);
    for (let i = 0; i < m; i++) {
      left.set(x.subarray(i * k, i * k + k), i * width);
      left.set(y.subarray(i * k, i * k + k), i * width + k);
      right.set(y.subarray(i * k, i * k + k), i * width);
      right.set(x.subarray(i * k, i * k + k), i * width + k);
    }
  }
  const updated = await gemm(left, m, width, right, m, -1, 1, c);
  for (let i = 0; i < m; i++) a.set(updated.subarray(i * m, i * m + m), (from + i) * n + from);
}

// p[i] = Σ_{c ≥ from} a[i][c] v[c] for i ≥ from, for symmetric a (row-major n×n) read through its lower
// triangle only: each element a[i][c], c < i, serves row i and, transposed, row c. Four rows at a time share
// the loads of v[c] and p[c] (measured ~1.4× faster than whole-row dot products here).
function symvLower(a: Float64Array, n: number, from: number, v: Float64Array, p: Float64Array): void {
  p.fill(0, from);
  let i = from;
  for (; i + 3 < n; i += 4) {
    const r0 = i * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    const v0 = v[i];
    const v1 = v[i + 1];
    const v2 = v[i + 2];
    const v3 = v[i + 3];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let c = from; c < i; c++) {
      const x0 = a[r0 + c];
      const x1 = a[r1 + c];
      const x2 = a[r2 + c];
      const x3 = a[r3 + c];
      const vc = v[c];
      s0 += x0 * vc;
      s1 += x1 * vc;
      s2 += x2 * vc;
      s3 += x3 * vc;
      p[c] += x0 * v0 + x1 * v1 + x2 * v2 + x3 * v3;
    }
    // The 4×4 diagonal block.
    const a10 = a[r1 + i];
    const a20 = a[r2 + i];
    const a21 = a[r2 + i + 1];
    const a30 = a[r3 + i];
    const a31 = a[r3 + i + 1];
    const a32 = a[r3 + i + 2];
    p[i] += s0 + a[r0 + i] * v0 + a10 * v1 + a20 * v2 + a30 * v3;
    p[i + 1] += s1 + a10 * v0 + a[r1 + i + 1] * v1 + a21 * v2 + a31 * v3;
    p[i + 2] += s2 + a20 * v0 + a21 * v1 + a[r2 + i + 2] * v2 + a32 * v3;
    p[i + 3] += s3 + a30 * v0 + a31 * v1 + a32 * v2 + a[r3 + i + 3] * v3;
  }
  for (; i < n; i++) {
    const r = i * n;
    const vi = v[i];
    let s = 0;
    for (let c = from; c < i; c++) {
      const x = a[r + c];
      s += x * v[c];
      p[c] += x * vi;
    }
    p[i] += s + a[r + i] * vi;
  }
}

/**
 * Blocked Householder tridiagonalization (LAPACK dsytrd/dlatrd, lower): each panel of 64 reflectors is
 * formed against the not-yet-updated trailing matrix plus corrections, and the trailing matrix then gets one
 * rank-128 update through `gemm`. `a` is row-major n×n with both triangles filled; it is overwritten.
 */
export async function tridiagonalizeBlocked(a: Float64Array, n: number, gemm: Gemm64): Promise<{ d: Float64Array; e: Float64Array }> {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const p = new Float64Array(n);
  const v = new Float64Array(n);
  const wv = new Float64Array(PANEL);
  const vv = new Float64Array(PANEL);
  let k0 = 0;
  for (; n - k0 > BLOCKED_MIN_ORDER; k0 += PANEL) {
    const m = n - k0;
    // Panel reflectors V and W (rows k0..n-1, PANEL columns), row-major m × PANEL.
    const V = new Float64Array(m * PANEL);
    const W = new Float64Array(m * PANEL);
    for (let jj = 0; jj < PANEL; jj++) {
      const j = k0 + jj;
      // Column j with this panel's earlier reflections applied (rows j..n-1).
      if (jj > 0) {
        const vj = (j - k0) * PANEL;
        for (let i = j; i < n; i++) {
          const ri = (i - k0) * PANEL;
          let s = 0;
          for (let q = 0; q < jj; q++) s += V[ri + q] * W[vj + q] + W[ri + q] * V[vj + q];
          a[i * n + j] -= s;
        }
      }
      d[j] = a[j * n + j];
      const x0 = a[(j + 1) * n + j];
      let tail = 0;
      for (let i = j + 2; i < n; i++) tail += a[i * n + j] * a[i * n + j];
      v.fill(0, k0);
      let beta = 0;
      let alpha = x0;
      if (tail > 0) {
        alpha = (x0 >= 0 ? -1 : 1) * Math.sqrt(x0 * x0 + tail);
        v[j + 1] = x0 - alpha;
        for (let i = j + 2; i < n; i++) v[i] = a[i * n + j];
        beta = 1 / (alpha * (alpha - x0));
      }
      e[j] = alpha;
      // p = A v over the stale trailing block (rows/cols j+1..n-1).
      p.fill(0, k0);
      if (beta !== 0) {
        symvLower(a, n, j + 1, v, p);
        // Corrections for the panel's earlier reflections: p −= V (Wᵀv) + W (Vᵀv).
        if (jj > 0) {
          wv.fill(0);
          vv.fill(0);
          for (let i = j + 1; i < n; i++) {
            const r = (i - k0) * PANEL;
            const vi = v[i];
            for (let q = 0; q < jj; q++) {
              wv[q] += W[r + q] * vi;
              vv[q] += V[r + q] * vi;
            }
          }
          for (let i = j + 1; i < n; i++) {
            const r = (i - k0) * PANEL;
            let s = 0;
            for (let q = 0; q < jj; q++) s += V[r + q] * wv[q] + W[r + q] * vv[q];
            p[i] -= s;
          }
        }
        let pv = 0;
        for (let i = j + 1; i < n; i++) pv += p[i] * v[i];
        const kk = 0.5 * beta * beta * pv;
        for (let i = j + 1; i < n; i++) {
          const r = (i - k0) * PANEL + jj;
          V[r] = v[i];
          W[r] = beta * p[i] - kk * v[i];
        }
      }
    }
    // Trailing block from k0 + PANEL: A22 −= V2 W2ᵀ + W2 V2ᵀ.
    const from = k0 + PANEL;
    const off = PANEL * PANEL;
    await trailingUpdate(a, n, from, V.subarray(off), W.subarray(off), PANEL, gemm);
  }
  // The rest, unblocked.
  const m = n - k0;
  const rest = new Float64Array(m * m);
  for (let i = 0; i < m; i++) rest.set(a.subarray((k0 + i) * n + k0, (k0 + i) * n + n), i * m);
  const tail = tridiagonalize(rest, m);
  d.set(tail.d, k0);
  e.set(tail.e, k0);
  return { d, e };
}

/**
 * Blocked pivoted Cholesky (LAPACK dpstrf): panels of 64 columns are factored left-looking with diagonal
 * pivoting, then the trailing matrix gets one rank-64 update through `gemm`. Same contract as pivotedCholesky.
 */
export async function pivotedCholeskyBlocked(a: Float64Array, n: number, gemm: Gemm64, tol?: number): Promise<PivotedCholesky> {
  if (n <= BLOCKED_MIN_ORDER) return pivotedCholesky(a, n, tol);
  const w = Float64Array.from(a);
  const L = new Float64Array(n * n);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const { residual, stop } = pivotStart(w, n, tol);
  let rank = n;
  outer: for (let k0 = 0; k0 < n; k0 += PANEL) {
    const kb = Math.min(PANEL, n - k0);
    for (let j = k0; j < k0 + kb; j++) {
      let piv = j;
      for (let i = j + 1; i < n; i++) if (residual[i] > residual[piv]) piv = i;
      if (!(residual[piv] > stop)) {
        rank = j;
        break outer;
      }
      if (piv !== j) {
        // Symmetric swap in the (trailing-updated) matrix, and of the factor rows computed so far.
        const rj = j * n;
        const rp = piv * n;
        for (let c = 0; c < n; c++) [w[rj + c], w[rp + c]] = [w[rp + c], w[rj + c]];
        for (let r = 0; r < n; r++) [w[r * n + j], w[r * n + piv]] = [w[r * n + piv], w[r * n + j]];
        for (let c = 0; c < j; c++) [L[rj + c], L[rp + c]] = [L[rp + c], L[rj + c]];
        [residual[j], residual[piv]] = [residual[piv], residual[j]];
        [perm[j], perm[piv]] = [perm[piv], perm[j]];
      }
      const rowJ = j * n;
      let s = w[rowJ + j];
      for (let c = k0; c < j; c++) s -= L[rowJ + c] * L[rowJ + c];
      if (!(s > stop)) {
        rank = j;
        break outer;
      }
      const ljj = Math.sqrt(s);
      L[rowJ + j] = ljj;
      const inv = 1 / ljj;
      for (let i = j + 1; i < n; i++) {
        const rowI = i * n;
        let t = w[rowI + j];
        for (let c = k0; c < j; c++) t -= L[rowI + c] * L[rowJ + c];
        t *= inv;
        L[rowI + j] = t;
        residual[i] -= t * t;
      }
    }
    const from = k0 + kb;
    if (from < n) {
      const m = n - from;
      const panel = new Float64Array(m * kb);
      for (let i = 0; i < m; i++) panel.set(L.subarray((from + i) * n + k0, (from + i) * n + k0 + kb), i * kb);
      await trailingUpdate(w, n, from, panel, undefined, kb, gemm);
    }
  }
  const l = new Float64Array(n * rank);
  for (let i = 0; i < n; i++) {
    const m = Math.min(i + 1, rank);
    for (let c = 0; c < m; c++) l[i * rank + c] = L[i * n + c];
  }
  return { l, perm, rank };
}

/** Lᵀ B L (r × r, symmetrized) for symmetric B (n × n) and L (n × r), as two GEMMs. */
export async function congruenceGemm(b: Float64Array, n: number, l: Float64Array, r: number, gemm: Gemm64): Promise<Float64Array> {
  const lt = new Float64Array(r * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < r; c++) lt[c * n + i] = l[i * r + c];
  // Both products in the A·Bᵀ form: Lᵀ B = Lᵀ Bᵀ (B is symmetric), then Lᵀ (Lᵀ B)ᵀ = Lᵀ B L.
  const ltb = await gemm(lt, r, n, b, n, 1, 0);
  const m = await gemm(lt, r, n, ltb, r, 1, 0);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (m[i * r + j] + m[j * r + i]);
      m[i * r + j] = s;
      m[j * r + i] = s;
    }
  }
  return m;
}
