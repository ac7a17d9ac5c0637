import { describe, expect, it } from 'vitest';
import { readNpz } from '../io/npz.js';
import { EXPECTED, fixture, relErr } from '../../../test/support/metric-fixtures.js';
import { inceptionScore } from './inception-score.js';
import { MetricInputError } from './metric-input-error.js';
import { createRng, permutation } from '../random/prng.js';
import { gaussianFeatures } from '../../../test/support/metric-test-data.js';

async function logits(file: string) {
  const a = (await readNpz(fixture(file))).logits;
  return { data: a.data as Float32Array, n: a.shape[0], c: a.shape[1] };
}

describe('Inception Score (ADM splits of 5000)', () => {
  it('case1 (2000 rows, one split) within 1e-6 relative', async () => {
    const l = await logits(EXPECTED.case1.samples);
    const r = inceptionScore(l.data, l.n, l.c);
    expect(r.splitScores).toHaveLength(1);
    expect(relErr(r.mean, EXPECTED.case1.inception_score!)).toBeLessThan(1e-6);
  });

  it('case4 (12,000 rows: splits of 5000, 5000, 2000) within 1e-6 relative', async () => {
    const l = await logits(EXPECTED.case4.samples);
    const r = inceptionScore(l.data, l.n, l.c, { splitMode: 'adm-5000' });
    expect(r.splitScores).toHaveLength(3);
    expect(relErr(r.mean, EXPECTED.case4.inception_score!)).toBeLessThan(1e-6);
  });

  it('is 1 for identical predictions and C for confident predictions spread evenly over C classes (1e-12)', () => {
    const c = 10;
    const n = 200;
    const same = gaussianFeatures(31, c, 1).slice(0, c);
    const flat = new Float32Array(n * c);
    for (let i = 0; i < n; i++) flat.set(same, i * c);
    expect(inceptionScore(flat, n, c).mean).toBeCloseTo(1, 12);
    const sharp = new Float32Array(n * c).fill(-1000);
    for (let i = 0; i < n; i++) sharp[i * c + (i % c)] = 1000;
    expect(relErr(inceptionScore(sharp, n, c).mean, c)).toBeLessThan(1e-12);
  });

  it('rejects non-finite logits and empty input', () => {
    expect(() => inceptionScore(new Float32Array([1, NaN]), 1, 2)).toThrow(MetricInputError);
    expect(() => inceptionScore(new Float32Array(0), 0, 2)).toThrow(/at least one/);
  });
});

describe('Inception Score (torch-fidelity-10)', () => {
  it('shuffles with the seed and splits like torch.chunk into 10', async () => {
    const l = await logits(EXPECTED.case4.samples);
    const a = inceptionScore(l.data, l.n, l.c, { splitMode: 'torch-fidelity-10', seed: 7 });
    const b = inceptionScore(l.data, l.n, l.c, { splitMode: 'torch-fidelity-10', seed: 7 });
    const c = inceptionScore(l.data, l.n, l.c, { splitMode: 'torch-fidelity-10', seed: 8 });
    expect(a.splitScores).toHaveLength(10);
    expect(a.seed).toBe(7);
    expect(a.mean).toBe(b.mean);
    expect(a.mean).not.toBe(c.mean);
    // 12 rows in chunks of ceil(12/10) = 2: six splits, as torch.chunk gives.
    expect(inceptionScore(l.data, 12, l.c, { splitMode: 'torch-fidelity-10' }).splitScores).toHaveLength(6);
  });

  it('equals the mean of per-chunk scores of the seeded permutation (1e-12)', async () => {
    const l = await logits(EXPECTED.case4.samples);
    const seed = 5;
    const perm = permutation(createRng(seed), l.n);
    const size = Math.ceil(l.n / 10);
    const scores: number[] = [];
    for (let s = 0; s < l.n; s += size) {
      const rows = Math.min(size, l.n - s);
      const chunk = new Float32Array(rows * l.c);
      for (let i = 0; i < rows; i++) chunk.set(l.data.subarray(perm[s + i] * l.c, (perm[s + i] + 1) * l.c), i * l.c);
      scores.push(inceptionScore(chunk, rows, l.c).mean);
    }
    const want = scores.reduce((a, b) => a + b, 0) / scores.length;
    expect(relErr(inceptionScore(l.data, l.n, l.c, { splitMode: 'torch-fidelity-10', seed }).mean, want)).toBeLessThan(1e-12);
  });
});
