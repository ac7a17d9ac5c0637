/**
 * Counter-based noise for sampling: every random number the harness draws for sample `i` is a pure function
 * of `(seed, i, draw, element)`, so a sample's initial noise, per-step noise and class label never depend on
 * the batch size, the batch it landed in, the order batches ran in, or which runner ran it.
 *
 * Generator: Philox4x32-10 (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as easy as 1, 2, 3",
 * SC 2011), the generator of Random123, of cuRAND's `curand_Philox4x32_10` and of PyTorch's CUDA generator
 * (numpy's `Philox` bit generator is the 4x64 member of the same family). Verified against Random123's
 * known-answer vectors (`kat_vectors`) in `noise.spec.ts`.
 *
 * Keying (all words uint32):
 * - key     = [seed mod 2^32, floor(seed / 2^32)]            (seed: integer in [0, 2^53))
 * - counter = [block, draw, sampleIndex, stream]
 *   - stream 0: standard normals. `draw` 0 is the initial noise x_T; draw k ≥ 1 is the noise a stochastic
 *     solver adds in its step k−1 (DDIM η > 0). Element e of a draw comes from block ⌊e/4⌋, lane e mod 4.
 *   - stream 1: class labels (draw 0), words consumed in order block 0 lanes 0..3, block 1 lanes 0..3, …
 *
 * Normals (Box–Muller, basic form): each Philox output [w0, w1, w2, w3] gives four normals,
 *   u_a = (w_a + 0.5)·2^-32 ∈ (0, 1),  r = sqrt(−2 ln u0),  θ = 2π·u1,  z0 = r cos θ,  z1 = r sin θ,
 *   and likewise z2, z3 from (w2, w3); computed in float64 (V8's fdlibm-derived Math.log/cos/sin give the same
 *   bits on every platform) and rounded to float32. |z| < 6.77 by construction (u0 ≥ 2^-33).
 *
 * Class labels: uniform integers in [0, classes) by Lemire's multiply-shift with rejection (exactly uniform):
 *   m = w·classes, accept ⌊m / 2^32⌋ unless (m mod 2^32) < (2^32 mod classes), else take the next word.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

// The multipliers split into 16-bit halves, for the exact high word of M·c below.
const M0_HI = M0 >>> 16;
const M0_LO = M0 & 0xffff;
const M1_HI = M1 >>> 16;
const M1_LO = M1 & 0xffff;
const INV_2_16 = 1 / 65536;

/**
 * High 32 bits of the 64-bit product M·c of two uint32, M = mHi·2^16 + mLo: with q = c·mHi and p = c·mLo
 * (both below 2^48, so exact in float64), M·c = q·2^16 + p and ⌊M·c / 2^32⌋ = ⌊(q + ⌊p / 2^16⌋) / 2^16⌋,
 * every intermediate an integer below 2^49 (or a multiple of 2^-16 below 2^32): exact.
 */
function mulhi32(c: number, mHi: number, mLo: number): number {
  return Math.floor((c * mHi + Math.floor(c * mLo * INV_2_16)) * INV_2_16);
}

/**
 * Philox4x32 with `rounds` rounds (10 is the standard "Philox4x32-10"). `ctr` is 4 uint32 words, `key` 2;
 * the 4 output words are written to `out`.
 */
export function philox4x32(
  ctr: ArrayLike<number>,
  key: ArrayLike<number>,
  out: Uint32Array = new Uint32Array(4),
  rounds = 10,
): Uint32Array {
  let c0 = ctr[0]! >>> 0;
  let c1 = ctr[1]! >>> 0;
  let c2 = ctr[2]! >>> 0;
  let c3 = ctr[3]! >>> 0;
  let k0 = key[0]! >>> 0;
  let k1 = key[1]! >>> 0;
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulhi32(c0, M0_HI, M0_LO);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(c2, M1_HI, M1_LO);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

export const NOISE_STREAM = 0;
export const CLASS_STREAM = 1;
const MAX_U32 = 0xffffffff;
const TWO_POW_32 = 4294967296;
const INV_2_32 = 1 / TWO_POW_32;
const TWO_PI = 2 * Math.PI;

export function seedKey(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be an integer in [0, 2^53), got ${seed}`);
  }
  return [(seed % TWO_POW_32) >>> 0, Math.floor(seed / TWO_POW_32) >>> 0];
}

function checkWord(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_U32) {
    throw new RangeError(`${name} must be an integer in [0, 2^32), got ${value}`);
  }
}

/**
 * Writes `count` standard normals of draw `draw` for sample `sampleIndex` into `out[offset ..]`: element e
 * (0 ≤ e < count) is the same number whatever `count` is, so a longer draw extends a shorter one.
 */
export function fillNormals(out: Float32Array, offset: number, count: number, seed: number, sampleIndex: number, draw: number): void {
  checkWord('sample index', sampleIndex);
  checkWord('draw', draw);
  const [key0, key1] = seedKey(seed);
  const blocks = Math.ceil(count / 4);
  const keys = ROUND_KEYS;
  for (let r = 0; r < 10; r++) {
    keys[2 * r] = key0 + r * W0;
    keys[2 * r + 1] = key1 + r * W1;
  }
  // Philox4x32-10 and mulhi32 inlined (same arithmetic as `philox4x32`, which the known-answer tests cover;
  // round keys from the table): this loop produces every noise value of a sampling run. Two blocks at a time,
  // b and b + 1, interleaved: each round of one block is a chain of dependent multiplies, and two chains
  // side by side keep the CPU busy (about twice as fast as one block at a time).
  for (let b = 0; b < blocks; b += 2) {
    let c0 = b;
    let c1 = draw;
    let c2 = sampleIndex;
    let c3 = NOISE_STREAM;
    let d0 = b + 1;
    let d1 = draw;
    let d2 = sampleIndex;
    let d3 = NOISE_STREAM;
    for (let r = 0; r < 10; r++) {
      const k0 = keys[2 * r]!;
      const k1 = keys[2 * r + 1]!;
      const hi0 = Math.floor((c0 * M0_HI + Math.floor(c0 * M0_LO * INV_2_16)) * INV_2_16);
      const lo0 = Math.imul(M0, c0) >>> 0;
      const hi1 = Math.floor((c2 * M1_HI + Math.floor(c2 * M1_LO * INV_2_16)) * INV_2_16);
      const lo1 = Math.imul(M1, c2) >>> 0;
      const gi0 = Math.floor((d0 * M0_HI + Math.floor(d0 * M0_LO * INV_2_16)) * INV_2_16);
      const go0 = Math.imul(M0, d0) >>> 0;
      const gi1 = Math.floor((d2 * M1_HI + Math.floor(d2 * M1_LO * INV_2_16)) * INV_2_16);
      const go1 = Math.imul(M1, d2) >>> 0;
      c0 = (hi1 ^ c1 ^ k0) >>> 0;
      c1 = lo1;
      c2 = (hi0 ^ c3 ^ k1) >>> 0;
      c3 = lo0;
      d0 = (gi1 ^ d1 ^ k0) >>> 0;
      d1 = go1;
      d2 = (gi0 ^ d3 ^ k1) >>> 0;
      d3 = go0;
    }
    boxMuller(out, offset + 4 * b, count - 4 * b, c0, c1, c2, c3);
    if (b + 1 < blocks) boxMuller(out, offset + 4 * b + 4, count - 4 * b - 4, d0, d1, d2, d3);
  }
}

/** Round keys of the current `fillNormals` call: k0, k1 of round r at [2r], [2r + 1] (stores wrap mod 2^32). */
const ROUND_KEYS = new Uint32Array(20);

/** The normals of one Philox block [w0, w1, w2, w3] into `out[base ..]`, at most `lanes` of them. */
function boxMuller(out: Float32Array, base: number, lanes: number, w0: number, w1: number, w2: number, w3: number): void {
  let radius = Math.sqrt(-2 * Math.log((w0 + 0.5) * INV_2_32));
  let theta = TWO_PI * ((w1 + 0.5) * INV_2_32);
  out[base] = radius * Math.cos(theta);
  if (lanes > 1) out[base + 1] = radius * Math.sin(theta);
  if (lanes > 2) {
    radius = Math.sqrt(-2 * Math.log((w2 + 0.5) * INV_2_32));
    theta = TWO_PI * ((w3 + 0.5) * INV_2_32);
    out[base + 2] = radius * Math.cos(theta);
    if (lanes > 3) out[base + 3] = radius * Math.sin(theta);
  }
}

/**
 * Standard normals for a batch: sample `indices[n]` fills `out[n·perSample .. (n+1)·perSample)` from
 * draw `draw`. Returns a new Float32Array of `indices.length · perSample` values.
 */
export function batchNormals(seed: number, indices: ArrayLike<number>, perSample: number, draw: number): Float32Array {
  return fillBatchNormals(new Float32Array(indices.length * perSample), seed, indices, perSample, draw);
}

/** {@link batchNormals} into `out` (`indices.length · perSample` values), for a buffer reused every step. */
export function fillBatchNormals(
  out: Float32Array,
  seed: number,
  indices: ArrayLike<number>,
  perSample: number,
  draw: number,
): Float32Array {
  if (out.length !== indices.length * perSample) {
    throw new RangeError(`out holds ${out.length} values, ${indices.length} samples need ${indices.length * perSample}`);
  }
  for (let n = 0; n < indices.length; n++) fillNormals(out, n * perSample, perSample, seed, indices[n]!, draw);
  return out;
}

/** Largest class count for which `w·classes` is exact in float64. */
export const MAX_CLASSES = 2 ** 21;

/** The class label of sample `sampleIndex`: uniform in [0, classes), see the module comment. */
export function classLabel(seed: number, sampleIndex: number, classes: number): number {
  checkWord('sample index', sampleIndex);
  if (!Number.isInteger(classes) || classes < 1 || classes > MAX_CLASSES) {
    throw new RangeError(`classes must be an integer in [1, ${MAX_CLASSES}], got ${classes}`);
  }
  const key = seedKey(seed);
  const ctr = new Uint32Array([0, 0, sampleIndex, CLASS_STREAM]);
  const words = new Uint32Array(4);
  const threshold = TWO_POW_32 % classes;
  // Rejection probability is below classes/2^32 per word; 2^20 blocks is never reached in practice.
  for (let b = 0; b < 1 << 20; b++) {
    ctr[0] = b;
    philox4x32(ctr, key, words);
    for (let lane = 0; lane < 4; lane++) {
      const m = words[lane]! * classes;
      const high = Math.floor(m * INV_2_32);
      if (m - high * TWO_POW_32 >= threshold) return high;
    }
  }
  throw new Error('class label rejection sampling did not terminate');
}

/** Class labels for a batch of sample indices. */
export function classLabels(seed: number, indices: ArrayLike<number>, classes: number): Int32Array {
  const out = new Int32Array(indices.length);
  for (let n = 0; n < indices.length; n++) out[n] = classLabel(seed, indices[n]!, classes);
  return out;
}
