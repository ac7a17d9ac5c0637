// Deterministic inputs for the metric specs and runner/perf (not used by the metrics themselves).

import { createRng } from '../../runner/src/random/prng.js';

/** Standard normal draws from a seeded generator (Box-Muller). */
export function gaussians(seed: number, count: number): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(count);
  const uniform = () => (rng.nextUint32() + 0.5) / 2 ** 32;
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const t = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(t);
    if (i + 1 < count) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

/** rows × dim float32 features: mean + scale · N(0, 1). */
export function gaussianFeatures(seed: number, rows: number, dim: number, mean = 0, scale = 1): Float32Array {
  const g = gaussians(seed, rows * dim);
  return Float32Array.from(g, (x) => mean + scale * x);
}

/** A random orthogonal n × n matrix (row-major): Gram-Schmidt on Gaussian columns. */
export function randomOrthogonal(seed: number, n: number): Float64Array {
  const q = gaussians(seed, n * n);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * n + j] * q[i * n + k];
      for (let i = 0; i < n; i++) q[i * n + j] -= dot * q[i * n + k];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * n + j] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) q[i * n + j] /= norm;
  }
  return q;
}

/** Q diag(values) Qᵀ, row-major. */
export function withEigenvalues(q: Float64Array, values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k] * values[k] * q[j * n + k];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}
