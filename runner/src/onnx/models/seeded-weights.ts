// Deterministic pseudo-random weights for the test models. Every tensor draws from its own stream, keyed by
// (seed, label), so adding or resizing one tensor leaves every other tensor's values unchanged.

/** A uniform generator on [0, 1). */
export type Rng = () => number;

/** mulberry32 (Tommy Ettinger, public domain): 32-bit state, good enough for test weights, not for crypto. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed for the stream named `label` under `seed` (FNV-1a over the label, mixed with the seed). */
export function streamSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ Math.imul(seed >>> 0, 0x9e3779b1);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A murmur3 finalizer, so that nearby seeds give unrelated streams.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The uniform stream named `label` under `seed`. */
export function seededRng(seed: number, label: string): Rng {
  return mulberry32(streamSeed(seed, label));
}

/** A standard normal draw (Box–Muller; the second value is discarded to keep the stream simple). */
export function normal(rng: Rng): number {
  const u = 1 - rng(); // (0, 1], so log(u) is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** `n` draws from N(0, std²) on stream (seed, label). */
export function normalWeights(seed: number, label: string, n: number, std = 1): Float32Array {
  const rng = seededRng(seed, label);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = normal(rng) * std;
  return out;
}
