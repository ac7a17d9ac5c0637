// The project's one module of seeded pseudo-random generators (no Math.random anywhere that a result or a
// test depends on). Not numpy's or torch's generators: the same seed gives the same draws here, not there.
// The streams that define protocol data (reference images, the smoke extractor's weights, metric subsets,
// k-means seeding) are named in protocol-streams.ts and pinned by its spec; tests draw from these
// primitives directly, or from runner/src/onnx/models/seeded-weights.ts.

import { fmix32, mulberry32, type Uniform } from '../../../contracts/random/mulberry32.js';

// The base generator is shared with the API (contracts/random/mulberry32.ts).
export { fmix32, mulberry32, type Uniform };

/** A 32-bit seed for the stream named `label` under `seed` (FNV-1a over the label, mixed with the seed, then fmix32). */
export function streamSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ Math.imul(seed >>> 0, 0x9e3779b1);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** Combines a seed and an index into one 32-bit seed, so draw `index` never depends on the draws before it. */
export function mixSeed(seed: number, index: number): number {
  return fmix32((fmix32(seed >>> 0) ^ Math.imul(index >>> 0, 0x9e3779b9)) >>> 0);
}

/** A standard normal draw (Box–Muller; the second value is discarded to keep the stream simple). */
export function normal(uniform: Uniform): number {
  const u = 1 - uniform(); // (0, 1], so log(u) is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
}

/** `n` draws from N(0, std²), as float32. */
export function normals(uniform: Uniform, n: number, std = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = normal(uniform) * std;
  return out;
}

/** A uniform generator with an integer helper (k-means seeding, synthetic segmentation data). */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
}

/** mulberry32 seeded through fmix32, with `int`; deterministic for its integer seed. */
export function createRandom(seed: number): SeededRandom {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const next = mulberry32(fmix32(seed >>> 0));
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
  };
}

/** An integer generator for random protocol choices (KID subsets, torch-fidelity-style IS shuffles). */
export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform integer in [0, n), without modulo bias. */
  nextInt(n: number): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * sfc32 (Chris Doty-Humphrey's PractRand "small fast counting" generator) seeded through splitmix32,
 * determined by a non-negative integer seed (below 2^32).
 */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = 1;
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextUint32();
  return {
    nextUint32,
    nextInt(n: number): number {
      if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`nextInt bound must be an integer in [1, 2^32], got ${n}`);
      const limit = 2 ** 32 - (2 ** 32 % n);
      for (;;) {
        const x = nextUint32();
        if (x < limit) return x % n;
      }
    },
  };
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(rng: Rng, n: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** `k` distinct indices from 0..n-1, uniformly (a partial Fisher-Yates shuffle). */
export function sampleWithoutReplacement(rng: Rng, n: number, k: number): Int32Array {
  if (k > n) throw new RangeError(`cannot draw ${k} distinct indices from ${n}`);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.nextInt(n - i);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p.slice(0, k);
}
