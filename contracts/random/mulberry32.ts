// The seeded uniform generator every seeded draw of the project starts from: runner/src/random/prng.ts builds
// its streams on it, and the API's arena bootstrap (api/src/arena/rating/) draws from it directly, which is
// why it lives in the contracts the API may import. One copy, so the two cannot drift.

/** A uniform generator on [0, 1). */
export type Uniform = () => number;

/** The murmur3 32-bit finalizer (fmix32): spreads nearby seeds apart. */
export function fmix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * mulberry32 (Tommy Ettinger, public domain): 32-bit state, period 2^32; adequate for initialisation,
 * synthetic data, test weights and bootstrap resampling, not for cryptography. `state` is used as given (seed
 * through `fmix32` or the runner's `streamSeed`/`mixSeed` to keep nearby seeds apart).
 */
export function mulberry32(state: number): Uniform {
  let s = state >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
