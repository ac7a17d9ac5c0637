// Small deterministic PRNG for k-means++ seeding and the synthetic dataset. Not cryptographic; chosen so a
// (seed, index) pair gives the same stream on every platform and Node version (no Math.random).

/** A uniform generator on [0, 1) with helpers; deterministic for its seed. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
}

/** SplitMix32-style finaliser (Steele et al. / murmur3 fmix32) — spreads nearby seeds apart. */
function fmix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Combines a seed and an index into one 32-bit seed, so sample `i` never depends on samples before it. */
export function mixSeed(seed: number, index: number): number {
  return fmix32((fmix32(seed >>> 0) ^ Math.imul(index >>> 0, 0x9e3779b9)) >>> 0);
}

/** Mulberry32 (Tommy Ettinger): 32-bit state, period 2^32, adequate for initialisation and test data. */
export function createRandom(seed: number): SeededRandom {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  let state = fmix32(seed >>> 0);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
  };
}
