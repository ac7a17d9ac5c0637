import { describe, expect, it } from 'vitest';
import { batchNormals, fillBatchNormals, fillNormals, philox4x32, seedKey } from './noise.js';

/*
 * noise.ts computes Philox's 32×32→64-bit products in float64 pieces and runs two blocks at a time. Here the
 * generator is written with BigInt, straight from Salmon et al. 2011 (Random123's philox4x32_R), and the
 * normals block by block from `philox4x32` as the module comment defines them; both must agree exactly.
 */

const MASK = 0xffffffffn;

function referencePhilox(ctr: readonly number[], key: readonly number[], rounds = 10): number[] {
  let [c0, c1, c2, c3] = ctr.map(BigInt) as [bigint, bigint, bigint, bigint];
  let [k0, k1] = key.map(BigInt) as [bigint, bigint];
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      k0 = (k0 + 0x9e3779b9n) & MASK;
      k1 = (k1 + 0xbb67ae85n) & MASK;
    }
    const p0 = 0xd2511f53n * c0;
    const p1 = 0xcd9e8d57n * c2;
    [c0, c1, c2, c3] = [(p1 >> 32n) ^ c1 ^ k0, p1 & MASK, (p0 >> 32n) ^ c3 ^ k1, p0 & MASK];
  }
  return [c0, c1, c2, c3].map(Number);
}

function referenceNormals(count: number, seed: number, sampleIndex: number, draw: number): Float32Array {
  const out = new Float32Array(count);
  for (let e = 0; e < count; e += 2) {
    const w = philox4x32([Math.floor(e / 4), draw, sampleIndex, 0], seedKey(seed));
    const lane = e % 4;
    const r = Math.sqrt(-2 * Math.log((w[lane]! + 0.5) / 2 ** 32));
    const theta = 2 * Math.PI * ((w[lane + 1]! + 0.5) / 2 ** 32);
    out[e] = r * Math.cos(theta);
    if (e + 1 < count) out[e + 1] = r * Math.sin(theta);
  }
  return out;
}

/** A fixed stream of uint32 words (xorshift32) for test inputs. */
function words(n: number, state = 2463534242): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out.push(state >>> 0);
  }
  return out;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('Philox4x32 against a BigInt reference', () => {
  it('agrees on 20k random counters and keys and on the all-zero and all-one words', () => {
    const w = words(6 * 20_000);
    const cases = [
      [0, 0, 0, 0, 0, 0],
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    ];
    for (let i = 0; i < w.length; i += 6) cases.push(w.slice(i, i + 6));
    for (const c of cases) {
      const [ctr, key] = [c.slice(0, 4), c.slice(4)];
      expect(Array.from(philox4x32(ctr, key))).toEqual(referencePhilox(ctr, key));
      expect(Array.from(philox4x32(ctr, key, undefined, 7))).toEqual(referencePhilox(ctr, key, 7));
    }
  });
});

describe('normals, block by block', () => {
  it('match for every count 1…13 (odd and even block counts, partial blocks) at any offset', () => {
    const [index, draw] = words(2, 7);
    for (const seed of [0, 5, 2 ** 32 + 5, 2 ** 53 - 1]) {
      for (let count = 1; count <= 13; count++) {
        const out = new Float32Array(count + 5).fill(-7);
        fillNormals(out, 3, count, seed, index!, draw!);
        expect(bits(out.subarray(3, 3 + count))).toEqual(bits(referenceNormals(count, seed, index!, draw!)));
        expect(Array.from(out.subarray(0, 3))).toEqual([-7, -7, -7]);
        expect(Array.from(out.subarray(3 + count))).toEqual([-7, -7]);
      }
    }
  });

  it('match for a 3×32×32 image, and the batch fill equals the allocating one', () => {
    const count = 3 * 32 * 32;
    const out = new Float32Array(count);
    fillNormals(out, 0, count, 11, 0xffffffff, 3);
    expect(bits(out)).toEqual(bits(referenceNormals(count, 11, 0xffffffff, 3)));
    const indices = [4, 0, 9];
    const batch = new Float32Array(3 * 10);
    expect(fillBatchNormals(batch, 11, indices, 10, 2)).toBe(batch);
    expect(bits(batch)).toEqual(bits(batchNormals(11, indices, 10, 2)));
    expect(() => fillBatchNormals(new Float32Array(29), 11, indices, 10, 2)).toThrow(RangeError);
  });
});
