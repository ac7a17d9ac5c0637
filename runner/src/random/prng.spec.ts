import { describe, expect, it } from 'vitest';
import { createRng, permutation, sampleWithoutReplacement } from './prng.js';

describe('seeded generator', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 5 },
        (
          (r) => () =>
            r.nextUint32()
        )(createRng(seed)),
      );
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('draws integers in range, roughly uniformly (each of 10 bins within 5% of 10,000)', () => {
    const rng = createRng(3);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[rng.nextInt(10)]++;
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });

  it('permutations and samples without replacement hold distinct valid indices', () => {
    const p = permutation(createRng(4), 1000);
    expect(new Set(p).size).toBe(1000);
    const s = sampleWithoutReplacement(createRng(5), 50, 20);
    expect(new Set(s).size).toBe(20);
    expect(Math.max(...s)).toBeLessThan(50);
    expect(() => sampleWithoutReplacement(createRng(5), 3, 4)).toThrow(RangeError);
    expect(() => createRng(-1)).toThrow(RangeError);
  });
});
