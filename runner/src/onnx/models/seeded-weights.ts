// Deterministic pseudo-random weights for the test and example models. Every tensor draws from its own
// stream, keyed by (seed, label), so adding or resizing one tensor leaves every other tensor's values
// unchanged. No suite's protocol data draws from here: the smoke suites' reference images and built-in
// extractor use the pinned streams of runner/src/random/protocol-streams.ts.

import { mulberry32, normals, streamSeed, type Uniform } from '../../random/prng.js';

/** The uniform stream named `label` under `seed`. */
export function seededRng(seed: number, label: string): Uniform {
  return mulberry32(streamSeed(seed, label));
}

/** `n` draws from N(0, std²) on stream (seed, label). */
export function normalWeights(seed: number, label: string, n: number, std = 1): Float32Array {
  return normals(seededRng(seed, label), n, std);
}
