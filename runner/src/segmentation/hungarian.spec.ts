import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assignmentWeight, linearSumAssignment, maxWeightAssignment, type Assignment } from './hungarian.js';
import { createRandom } from '../random/prng.js';

/** Best total over every injective map of the shorter side into the longer one. */
function bruteForce(m: ArrayLike<number>, nRows: number, nCols: number, maximize: boolean): number {
  const better = (a: number, b: number) => (maximize ? a > b : a < b);
  let best = maximize ? -Infinity : Infinity;
  const tall = nRows > nCols;
  const small = tall ? nCols : nRows;
  const large = tall ? nRows : nCols;
  const used = new Uint8Array(large);
  const walk = (i: number, total: number): void => {
    if (i === small) {
      if (better(total, best)) best = total;
      return;
    }
    for (let j = 0; j < large; j++) {
      if (used[j]) continue;
      used[j] = 1;
      walk(i + 1, total + (tall ? m[j * nCols + i] : m[i * nCols + j]));
      used[j] = 0;
    }
  };
  walk(0, 0);
  return best;
}

function expectValidMatching(a: Assignment, nRows: number, nCols: number): void {
  expect(a.rows.length).toBe(Math.min(nRows, nCols));
  expect(a.cols.length).toBe(a.rows.length);
  expect(new Set(a.rows).size).toBe(a.rows.length);
  expect(new Set(a.cols).size).toBe(a.cols.length);
  for (let t = 0; t < a.rows.length; t++) {
    expect(a.rows[t]).toBeGreaterThanOrEqual(0);
    expect(a.rows[t]).toBeLessThan(nRows);
    expect(a.cols[t]).toBeGreaterThanOrEqual(0);
    expect(a.cols[t]).toBeLessThan(nCols);
    if (t > 0) expect(a.rows[t]).toBeGreaterThan(a.rows[t - 1]);
  }
}

describe('linearSumAssignment', () => {
  it('reaches the brute-force optimum on 600 seeded random rectangular matrices (integer ties and reals)', () => {
    const random = createRandom(12345);
    for (let trial = 0; trial < 600; trial++) {
      const nRows = random.int(1, 7);
      const nCols = random.int(1, 7);
      const integer = trial % 3 !== 0;
      const m = Array.from({ length: nRows * nCols }, () => (integer ? random.int(0, trial % 2 ? 3 : 40) : (random.next() - 0.3) * 100));
      const maximize = trial % 4 !== 1;
      const a = linearSumAssignment(m, nRows, nCols, { maximize });
      expectValidMatching(a, nRows, nCols);
      const expected = bruteForce(m, nRows, nCols, maximize);
      const got = assignmentWeight(m, nCols, a);
      if (integer) expect(got).toBe(expected);
      else expect(got).toBeCloseTo(expected, 9);
    }
  });

  it('breaks ties exactly as scipy.optimize.linear_sum_assignment', () => {
    const fixture = JSON.parse(readFileSync(new URL('./fixtures/scipy-lsap-ties.json', import.meta.url), 'utf8')) as {
      cases: Array<{
        nRows: number;
        nCols: number;
        matrix: number[];
        maximize: boolean;
        rows: number[];
        cols: number[];
      }>;
    };
    expect(fixture.cases.length).toBeGreaterThanOrEqual(50);
    for (const c of fixture.cases) {
      const a = linearSumAssignment(c.matrix, c.nRows, c.nCols, { maximize: c.maximize });
      expect({ rows: [...a.rows], cols: [...a.cols] }).toEqual({ rows: c.rows, cols: c.cols });
    }
  });

  it('returns the identity on a constant square matrix (scipy issue #11602 convention)', () => {
    const a = maxWeightAssignment(new Array(25).fill(7), 5, 5);
    expect([...a.cols]).toEqual([0, 1, 2, 3, 4]);
  });

  it('matches every column of a tall matrix and reports pairs by row', () => {
    // Rows 3 and 1 carry the weight; the answer must be listed in row order.
    const m = [0, 0, 0, 5, 0, 0, 9, 0];
    const a = maxWeightAssignment(m, 4, 2);
    expect({ rows: [...a.rows], cols: [...a.cols] }).toEqual({ rows: [1, 3], cols: [1, 0] });
  });

  it('handles empty matrices and rejects malformed input', () => {
    expect(maxWeightAssignment([], 0, 4).rows.length).toBe(0);
    expect(maxWeightAssignment([], 3, 0).cols.length).toBe(0);
    expect(() => maxWeightAssignment([1, 2, 3], 2, 2)).toThrow(RangeError);
    expect(() => maxWeightAssignment([1, NaN, 3, 4], 2, 2)).toThrow(/not finite/);
    expect(() => linearSumAssignment([1, Infinity], 1, 2)).toThrow(/not finite/);
  });

  it('solves a 150×200 real matrix to the same optimum as its negated minimization', () => {
    const random = createRandom(7);
    const m = Float64Array.from({ length: 150 * 200 }, () => random.next());
    const max = maxWeightAssignment(m, 150, 200);
    const min = linearSumAssignment(
      m.map((x) => -x),
      150,
      200,
    );
    expectValidMatching(max, 150, 200);
    expect(assignmentWeight(m, 200, max)).toBeCloseTo(assignmentWeight(m, 200, min), 9);
    // A greedy row-by-row pick is a lower bound that the optimum must meet or beat.
    const taken = new Uint8Array(200);
    let greedy = 0;
    for (let i = 0; i < 150; i++) {
      let best = -1;
      for (let j = 0; j < 200; j++) if (!taken[j] && (best === -1 || m[i * 200 + j] > m[i * 200 + best])) best = j;
      taken[best] = 1;
      greedy += m[i * 200 + best];
    }
    expect(assignmentWeight(m, 200, max)).toBeGreaterThanOrEqual(greedy);
  });
});
