import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpz } from '../io/npz.js';
import { clipDirectionalSimilarity, clipImageSimilarity } from './edit-metrics.js';
import { MetricInputError } from './metric-input-error.js';
import type { FeatureSet } from './precision-recall.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'edit-references.json'), 'utf8')) as {
  case1: { clip_i: number; clip_directional: number; clip_directional_per_edit_first: number[] };
};

async function load(): Promise<Record<string, FeatureSet>> {
  const arrays = await readNpz(join(FIXTURES, 'edit-references.npz'));
  return Object.fromEntries(
    Object.entries(arrays).map(([k, a]) => [k, { data: a.data as Float32Array, rows: a.shape[0]!, dim: a.shape[1]! }]),
  );
}

const set = (rows: number[][]): FeatureSet => ({ data: Float32Array.from(rows.flat()), rows: rows.length, dim: rows[0]!.length });
const rel = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe('edit metrics (InstructPix2Pix clip_similarity.py)', () => {
  it('CLIP-I equals the float64 numpy reference within 1e-12 relative', async () => {
    const f = await load();
    const got = clipImageSimilarity(f.case1_img_out!, f.case1_img_in!);
    expect(rel(got.value, EXPECTED.case1.clip_i)).toBeLessThan(1e-12);
    // The 20 unchanged outputs are their inputs: cosine 1 (to float32 rounding of the norm).
    for (let i = 220; i < 240; i++) expect(Math.abs(got.perEdit[i]! - 1)).toBeLessThan(1e-6);
  });

  it('CLIP directional similarity equals the float64 numpy reference within 1e-12 relative, an unchanged image scoring 0', async () => {
    const f = await load();
    const got = clipDirectionalSimilarity(f.case1_img_out!, f.case1_img_in!, f.case1_txt_out!, f.case1_txt_in!);
    expect(rel(got.value, EXPECTED.case1.clip_directional)).toBeLessThan(1e-12);
    EXPECTED.case1.clip_directional_per_edit_first.forEach((want, i) => expect(rel(got.perEdit[i]!, want)).toBeLessThan(1e-12));
    for (let i = 220; i < 240; i++) expect(got.perEdit[i]).toBe(0);
    // Edits that follow the caption change score well above random ones.
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(got.perEdit.subarray(0, 160))).toBeGreaterThan(mean(got.perEdit.subarray(160, 220)) + 0.3);
  });

  it('closed forms (1e-7): an image change along the caption change is 1, against it −1, orthogonal 0', () => {
    const s = Math.SQRT1_2;
    const inImg = set([
      [1, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
    ]);
    const outImg = set([
      [0, 1, 0],
      [0, 1, 0],
      [s, s, 0],
    ]);
    const inTxt = set([
      [0, 0, 1],
      [0, 0, 1],
      [0, 0, 1],
    ]);
    const outTxt = set([
      [-s, s, 0].map((v, c) => v + [0, 0, 1][c]!).map((v) => v / Math.hypot(-s, s, 1)),
      [s, -s, 0].map((v, c) => v + [0, 0, 1][c]!).map((v) => v / Math.hypot(-s, s, 1)),
      [0, 0, -1],
    ]);
    const got = clipDirectionalSimilarity(outImg, inImg, outTxt, inTxt);
    // Edit 0: image moves along (−1, 1, 0), the caption along (−s, s, 0)/h + (0, 0, 1/h − 1): cos by hand.
    const h = Math.hypot(-s, s, 1);
    const dt = [-s / h, s / h, 1 / h - 1];
    const cos0 = (-1 * dt[0]! + 1 * dt[1]!) / (Math.SQRT2 * Math.hypot(...dt));
    expect(Math.abs(got.perEdit[0]! - cos0)).toBeLessThan(1e-7);
    expect(Math.abs(got.perEdit[1]! + cos0)).toBeLessThan(1e-7);
    expect(Math.abs(got.perEdit[2]!)).toBeLessThan(1e-7);
    expect(clipImageSimilarity(outImg, inImg).perEdit[2]).toBeCloseTo(s, 7);
  });

  it('refuses mismatched counts, widths and unnormalised rows with a message that says what to fix', () => {
    const a = set([
      [1, 0],
      [0, 1],
    ]);
    expect(() => clipImageSimilarity(a, set([[1, 0]]))).toThrow(/2 output image embeddings but 1 input image embeddings/);
    expect(() => clipImageSimilarity(a, set([[1, 0, 0]]))).toThrow(/2 dimensions but input image embeddings 3/);
    expect(() =>
      clipDirectionalSimilarity(
        a,
        a,
        a,
        set([
          [3, 4],
          [1, 0],
        ]),
      ),
    ).toThrow(MetricInputError);
    expect(() =>
      clipDirectionalSimilarity(
        a,
        a,
        a,
        set([
          [3, 4],
          [1, 0],
        ]),
      ),
    ).toThrow(/row 0 has norm 5/);
  });
});
