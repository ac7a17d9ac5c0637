import { describe, expect, it } from 'vitest';
import { batchNormals, classLabel, classLabels, fillNormals, philox4x32, seedKey } from './noise.js';

/*
 * Known-answer vectors for Philox4x32, as `name rounds ctr[4] key[2] expected[4]` (hex words):
 * - the first six lines are Random123's tests/kat_vectors (DEShawResearch/random123, the philox4x32 lines);
 * - the rest are from the exhaustive examples/kat_vectors of girving/random123-manual (one-hot and π-digit
 *   counters and keys), which agree with Random123 on the shared lines.
 */
const KAT = `
philox4x32 10 00000000 00000000 00000000 00000000 00000000 00000000 6627e8d5 e169c58d bc57ac4c 9b00dbd8
philox4x32 10 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff 408f276d 41c83b0e a20bc7c6 6d5451fd
philox4x32 10 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0 d16cfe09 94fdcceb 5001e420 24126ea1
philox4x32 7 00000000 00000000 00000000 00000000 00000000 00000000 5f6fb709 0d893f64 4f121f81 4f730a48
philox4x32 7 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff 5207ddc2 45165e59 4d8ee751 8c52f662
philox4x32 7 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0 4dfccaba 190a87f0 c47362ba b6b5242a
philox4x32 10 00000001 00000000 00000000 00000000 00000001 00000000 ac08141b dfc5ccbe 79c07a47 a7f66093
philox4x32 10 00000000 00000000 00000000 80000000 00000001 00000000 dde26e4e 17666f3b fc1f5b3a 83ac805d
philox4x32 10 243f6a88 85a308d3 13198a2e 03707344 00000001 00000000 38527b8f fad9a48c 20e675c0 f2fea26a
philox4x32 10 00000000 00000001 00000000 00000000 00000000 00000001 532f1322 36c890fb 6504b937 07bbfef7
philox4x32 10 00000000 00000000 ffffffff 00000000 00000000 ffffffff 07678411 9e524307 ba634e67 94ee8cb7
philox4x32 10 452821e6 38d01377 be5466cf 34e90c6c 00000000 80000000 94ca5566 14924b2f 28214292 59faeaee
philox4x32 7 00000001 00000000 00000000 00000000 00000001 00000000 6b3257c3 820c5486 4de08b66 8771d665
philox4x32 7 452821e6 38d01377 be5466cf 34e90c6c 00000000 80000000 b30a1fd9 3149f07f 59ede6aa 95d62ce2
`
  .trim()
  .split('\n')
  .map((line) => {
    const [, rounds, ...words] = line.trim().split(/\s+/);
    const w = words.map((x) => parseInt(x, 16) >>> 0);
    return { rounds: Number(rounds), ctr: w.slice(0, 4), key: w.slice(4, 6), expected: w.slice(6, 10), line };
  });

describe('Philox4x32', () => {
  it.each(KAT)('reproduces $line', ({ rounds, ctr, key, expected }) => {
    expect(Array.from(philox4x32(ctr, key, undefined, rounds))).toEqual(expected);
  });

  it('defaults to 10 rounds', () => {
    expect(Array.from(philox4x32(KAT[2]!.ctr, KAT[2]!.key))).toEqual(KAT[2]!.expected);
  });
});

describe('normals', () => {
  it('follow the documented keying and Box–Muller transform exactly', () => {
    const seed = 2 ** 32 + 5; // key = [5, 1]
    expect(seedKey(seed)).toEqual([5, 1]);
    const out = new Float32Array(6);
    fillNormals(out, 0, 6, seed, 42, 3);
    const expected: number[] = [];
    for (const block of [0, 1]) {
      const w = philox4x32([block, 3, 42, 0], [5, 1]);
      for (const pair of [0, 1]) {
        const u0 = (w[2 * pair]! + 0.5) / 2 ** 32;
        const u1 = (w[2 * pair + 1]! + 0.5) / 2 ** 32;
        const r = Math.sqrt(-2 * Math.log(u0));
        expected.push(Math.fround(r * Math.cos(2 * Math.PI * u1)), Math.fround(r * Math.sin(2 * Math.PI * u1)));
      }
    }
    expect(Array.from(out)).toEqual(expected.slice(0, 6));
  });

  // Cross-checked once against an independent Python Philox4x32-10 + Box–Muller written from the paper.
  it('pins the first values of seed 0 (changing them changes every published sample)', () => {
    const z = batchNormals(0, [0], 4, 0);
    expect(Array.from(z, (v) => Number(v.toFixed(6)))).toEqual([0.991138, -0.924663, -0.617609, -0.482069]);
  });

  it('have standard normal moments (200k draws)', () => {
    const n = 200_000;
    const z = batchNormals(123, [0], n, 0);
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    let tail = 0;
    for (const v of z) {
      m1 += v;
      m2 += v * v;
      m3 += v * v * v;
      m4 += v * v * v * v;
      if (Math.abs(v) > 1.959964) tail++;
    }
    // bounds at ~5 standard errors of each estimator under N(0, 1)
    expect(Math.abs(m1 / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m3 / n)).toBeLessThan(5 * Math.sqrt(15 / n));
    expect(Math.abs(m4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    expect(Math.abs(tail / n - 0.05)).toBeLessThan(5 * Math.sqrt((0.05 * 0.95) / n));
  });

  it("give sample i the same noise whatever batch it is in, and a draw's prefix is the same whatever its length", () => {
    const big = batchNormals(9, [5, 6, 7, 8], 10, 0);
    const alone = batchNormals(9, [7], 10, 0);
    expect(Array.from(big.subarray(20, 30))).toEqual(Array.from(alone));
    const short = batchNormals(9, [7], 3, 0);
    expect(Array.from(short)).toEqual(Array.from(alone.subarray(0, 3)));
  });

  it('differ between seeds, samples and draws, including seeds beyond 2^32', () => {
    const base = Array.from(batchNormals(1, [0], 8, 0));
    expect(Array.from(batchNormals(2, [0], 8, 0))).not.toEqual(base);
    expect(Array.from(batchNormals(1, [1], 8, 0))).not.toEqual(base);
    expect(Array.from(batchNormals(1, [0], 8, 1))).not.toEqual(base);
    expect(Array.from(batchNormals(1 + 2 ** 32, [0], 8, 0))).not.toEqual(base);
  });

  it('rejects seeds and indices outside their ranges', () => {
    expect(() => batchNormals(-1, [0], 4, 0)).toThrow(RangeError);
    expect(() => batchNormals(0.5, [0], 4, 0)).toThrow(RangeError);
    expect(() => batchNormals(0, [2 ** 32], 4, 0)).toThrow(RangeError);
  });
});

describe('class labels', () => {
  it('use stream 1 and the multiply-shift rule', () => {
    const w = philox4x32([0, 0, 11, 1], [3, 0]);
    expect(classLabel(3, 11, 1000)).toBe(Math.floor((w[0]! * 1000) / 2 ** 32));
  });

  it('are uniform over [0, classes) (chi-square, 10 classes, 20k labels)', () => {
    const n = 20_000;
    const labels = classLabels(
      5,
      Array.from({ length: n }, (_, i) => i),
      10,
    );
    const counts = new Array(10).fill(0);
    for (const l of labels) counts[l]++;
    const chi2 = counts.reduce((acc, c) => acc + (c - n / 10) ** 2 / (n / 10), 0);
    // 9 degrees of freedom: P(χ² > 27.88) = 0.001
    expect(chi2).toBeLessThan(27.88);
    expect(Math.min(...labels)).toBe(0);
    expect(Math.max(...labels)).toBe(9);
  });

  it('depend on (seed, index) only', () => {
    const batch = classLabels(5, [3, 4, 5], 1000);
    expect(classLabel(5, 4, 1000)).toBe(batch[1]);
    expect(classLabels(6, [3, 4, 5], 1000)).not.toEqual(batch);
    expect(classLabel(5, 4, 1)).toBe(0);
    expect(() => classLabel(5, 4, 0)).toThrow(RangeError);
    expect(() => classLabel(5, 4, 2 ** 22)).toThrow(RangeError);
  });
});
