import { describe, expect, it } from 'vitest';
import { readNpz } from '../io/npz.js';
import { EXPECTED, fixture } from '../../../test/support/metric-fixtures.js';
import { MetricInputError } from './metric-input-error.js';
import { precisionRecall, type FeatureSet } from './precision-recall.js';
import { createRng } from '../random/prng.js';

const BACKENDS = [['js'], ['onnxruntime']] as const;

async function pool(file: string): Promise<FeatureSet> {
  const a = (await readNpz(fixture(file))).pool;
  return { data: a.data as Float32Array, rows: a.shape[0], dim: a.shape[1] };
}

/** Exact float64 reference: radius = (k+1)-th smallest squared distance (self included), membership by ≤. */
function bruteForce(s: FeatureSet, r: FeatureSet, k = 3): { precision: number; recall: number } {
  const d2 = (a: FeatureSet, i: number, b: FeatureSet, j: number) => {
    let t = 0;
    for (let c = 0; c < a.dim; c++) t += (a.data[i * a.dim + c] - b.data[j * b.dim + c]) ** 2;
    return t;
  };
  const radii = (x: FeatureSet) =>
    Array.from({ length: x.rows }, (_, i) => Array.from({ length: x.rows }, (_, j) => d2(x, i, x, j)).sort((a, b) => a - b)[k]);
  const rr = radii(r);
  const rs = radii(s);
  let p = 0;
  for (let i = 0; i < s.rows; i++) if (rr.some((rad, j) => d2(s, i, r, j) <= rad)) p++;
  let q = 0;
  for (let j = 0; j < r.rows; j++) if (rs.some((rad, i) => d2(s, i, r, j) <= rad)) q++;
  return { precision: p / s.rows, recall: q / r.rows };
}

/**
 * Small-integer features, with the reference made of mirrored pairs around an integer centre so that its mean
 * (the centring point) is an integer too: every float32 distance is exact, and ties with radii are common.
 */
function lattice(seed: number, rows: number, dim: number, offset: number, mirrored: boolean): FeatureSet {
  const rng = createRng(seed);
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < dim; c++) {
      data[i * dim + c] = mirrored && i % 2 === 1 ? 2 * offset - data[(i - 1) * dim + c] : offset + rng.nextInt(7) - 3;
    }
  }
  return { data, rows, dim };
}

describe.each(BACKENDS)('precision/recall on the shared fixtures (%s backend)', (backend) => {
  it.each([['case1'], ['case3']])('%s within 1e-9 absolute (float32 distances)', async (name) => {
    const c = EXPECTED[name];
    const r = await precisionRecall(await pool(c.samples), await pool(c.reference!), { backend });
    expect(Math.abs(r.precision - c.precision!)).toBeLessThan(1e-9);
    expect(Math.abs(r.recall - c.recall!)).toBeLessThan(1e-9);
    expect(r.backend).toBe(backend);
  });
});

describe.each(BACKENDS)('precision/recall against an exact reference (%s backend)', (backend) => {
  it('matches exactly on lattice points with ties, across tiles (2050 references, 2049 samples)', async () => {
    const ref = lattice(41, 2050, 6, 0, true);
    const smp = lattice(42, 2049, 6, 1, false);
    const got = await precisionRecall(smp, ref, { backend });
    const want = bruteForce(smp, ref);
    expect(got.precision).toBe(want.precision);
    expect(got.recall).toBe(want.recall);
    expect(got.precision).toBeGreaterThan(0);
    expect(got.precision).toBeLessThan(1);
  }, 120_000);

  it('a set against itself scores 1 and 1; far-apart sets 0 and 0', async () => {
    const a = lattice(43, 60, 4, 0, true);
    expect(await precisionRecall(a, a, { backend })).toMatchObject({ precision: 1, recall: 1 });
    const far = lattice(44, 50, 4, 1000, false);
    expect(await precisionRecall(far, a, { backend })).toMatchObject({ precision: 0, recall: 0 });
  });

  it('adm-fp16: float16 overflow falls back to float32 for the block, giving the exact answer', async () => {
    const ref = lattice(45, 300, 4, 200, true);
    const smp = lattice(46, 250, 4, 201, false);
    const got = await precisionRecall(smp, ref, { backend, distancePrecision: 'adm-fp16' });
    expect(got.fp32FallbackBlocks).toBe(3); // two radius blocks and one membership block
    expect(got).toMatchObject(bruteForce(smp, ref));
  });
});

describe('precision/recall protocol options and errors', () => {
  it('adm-fp16 gives the same answer on both backends and differs from fp32 on the fixture', async () => {
    const s = await pool(EXPECTED.case1.samples);
    const r = await pool(EXPECTED.case1.reference!);
    const a = await precisionRecall(s, r, { backend: 'js', distancePrecision: 'adm-fp16' });
    const b = await precisionRecall(s, r, { backend: 'onnxruntime', distancePrecision: 'adm-fp16' });
    expect(b.precision).toBe(a.precision);
    expect(b.recall).toBe(a.recall);
    expect(a.fp32FallbackBlocks).toBe(0);
    expect(a.recall).not.toBe(EXPECTED.case1.recall);
  });

  it('needs k + 1 points per set and equal dimensions', async () => {
    const four = lattice(47, 4, 3, 0, false);
    const three = lattice(48, 3, 3, 0, false);
    await expect(precisionRecall(three, four)).rejects.toThrow(/samples: 3 points; precision\/recall with k = 3 needs at least 4/);
    await expect(precisionRecall(four, lattice(49, 4, 2, 0, false))).rejects.toThrow(MetricInputError);
  });
});
