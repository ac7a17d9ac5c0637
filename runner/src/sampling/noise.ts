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

/** High 32 bits of the 64-bit product of two uint32 (exact: every partial product stays below 2^53). */
function mulhi32(a: number, b: number): number {
  const aH = a >>> 16;
  const aL = a & 0xffff;
  const bH = b >>> 16;
  const bL = b & 0xffff;
  const lh = aL * bH;
  const hl = aH * bL;
  const mid = (aL * bL) / 65536 + (lh & 0xffff) + (hl & 0xffff);
  return (aH * bH + Math.floor(lh / 65536) + Math.floor(hl / 65536) + Math.floor(mid / 65536)) >>> 0;
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
    const hi0 = mulhi32(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2);
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
export function fillNormals(
  out: Float32Array,
  offset: number,
  count: number,
  seed: number,
  sampleIndex: number,
  draw: number,
): void {
  checkWord('sample index', sampleIndex);
  checkWord('draw', draw);
  const [key0, key1] = seedKey(seed);
  const blocks = Math.ceil(count / 4);
  // Philox4x32-10 inlined (same arithmetic as `philox4x32`, which the known-answer tests cover): this loop
  // produces every noise value of a sampling run.
  for (let b = 0; b < blocks; b++) {
    let c0 = b;
    let c1 = draw;
    let c2 = sampleIndex;
    let c3 = NOISE_STREAM;
    let k0 = key0;
    let k1 = key1;
    for (let r = 0; r < 10; r++) {
      if (r > 0) {
        k0 = (k0 + W0) >>> 0;
        k1 = (k1 + W1) >>> 0;
      }
      const hi0 = mulhi32(M0, c0);
      const lo0 = Math.imul(M0, c0) >>> 0;
      const hi1 = mulhi32(M1, c2);
      const lo1 = Math.imul(M1, c2) >>> 0;
      c0 = (hi1 ^ c1 ^ k0) >>> 0;
      c1 = lo1;
      c2 = (hi0 ^ c3 ^ k1) >>> 0;
      c3 = lo0;
    }
    const base = offset + 4 * b;
    const lanes = Math.min(4, count - 4 * b);
    let radius = Math.sqrt(-2 * Math.log((c0 + 0.5) * INV_2_32));
    let theta = TWO_PI * ((c1 + 0.5) * INV_2_32);
    out[base] = radius * Math.cos(theta);
    if (lanes > 1) out[base + 1] = radius * Math.sin(theta);
    if (lanes > 2) {
      radius = Math.sqrt(-2 * Math.log((c2 + 0.5) * INV_2_32));
      theta = TWO_PI * ((c3 + 0.5) * INV_2_32);
      out[base + 2] = radius * Math.cos(theta);
      if (lanes > 3) out[base + 3] = radius * Math.sin(theta);
    }
  }
}

/**
 * Standard normals for a batch: sample `indices[n]` fills `out[n·perSample .. (n+1)·perSample)` from
 * draw `draw`. Returns a new Float32Array of `indices.length · perSample` values.
 */
export function batchNormals(seed: number, indices: ArrayLike<number>, perSample: number, draw: number): Float32Array {
  const out = new Float32Array(indices.length * perSample);
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
