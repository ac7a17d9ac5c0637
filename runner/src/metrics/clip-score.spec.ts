import { describe, expect, it } from 'vitest';
import { clipScore } from './clip-score.js';
import { CLIP_EXPECTED as EXPECTED, clipFixture, relErr } from '../../../test/support/metric-fixtures.js';
import { MetricInputError } from './metric-input-error.js';
import type { FeatureSet } from './precision-recall.js';

const set = (rows: number[][]): FeatureSet => ({ data: Float32Array.from(rows.flat()), rows: rows.length, dim: rows[0].length });

describe('CLIP score', () => {
  it.each(['case1', 'case2'])('%s equals the float64 numpy reference within 1e-9 relative, clamping per sample', async (c) => {
    const got = clipScore(await clipFixture(`${c}_clip`), await clipFixture(`${c}_clip_text`));
    expect(relErr(got.clip_score, EXPECTED[c].clip_score)).toBeLessThan(1e-9);
    expect(got.negativeCosines).toBe(EXPECTED[c].negative_cosines);
  });

  it('is 100 for identical embeddings, 0 for orthogonal or opposite ones, and 100·cos in between (closed form, 1e-12)', () => {
    const s = Math.SQRT1_2;
    const images = set([
      [1, 0],
      [1, 0],
      [1, 0],
      [1, 0],
    ]);
    const texts = set([
      [1, 0],
      [0, 1],
      [-1, 0],
      [s, s],
    ]);
    const got = clipScore(images, texts);
    expect(Math.abs(got.clip_score - (100 + 0 + 0 + 100 * s) / 4)).toBeLessThan(1e-6);
    expect(got.negativeCosines).toBe(1);
    // torchmetrics' clamp of the mean would give (100 + 0 − 100 + 70.7)/4: the per-sample clamp differs.
    expect(got.clip_score).toBeGreaterThan((100 - 100 + 100 * s) / 4 + 20);
  });

  it('refuses mismatched counts, dimensions and unnormalised rows with a message that says what to fix', () => {
    const a = set([
      [1, 0],
      [0, 1],
    ]);
    expect(() => clipScore(a, set([[1, 0]]))).toThrow(/2 image embeddings but 1 prompt embeddings/);
    expect(() => clipScore(a, set([[1, 0, 0]]))).toThrow(/2 dimensions but prompt embeddings 3/);
    expect(() =>
      clipScore(
        a,
        set([
          [1, 0],
          [3, 4],
        ]),
      ),
    ).toThrow(MetricInputError);
    expect(() =>
      clipScore(
        a,
        set([
          [1, 0],
          [3, 4],
        ]),
        { texts: 'S.npz' },
      ),
    ).toThrow(/^S\.npz: 'clip_text' must hold L2-normalised embeddings, but row 1 has norm 5\.00000/);
  });
});
