import { describe, expect, it } from 'vitest';
import { readNpz } from '../io/npz.js';
import { computeFeatureStats } from './feature-stats.js';
import { EXPECTED, fixture, relErr } from '../../../test/support/metric-fixtures.js';
import { frechetDistance, frechetDistanceDetailed, type GaussianStats } from './frechet-distance.js';
import { MetricInputError } from './metric-input-error.js';
import { gaussianFeatures, randomOrthogonal, withEigenvalues } from '../../../test/support/metric-test-data.js';

async function poolStats(file: string, key: 'pool' | 'spatial', backend: 'js' | 'onnxruntime') {
  const a = (await readNpz(fixture(file)))[key];
  return computeFeatureStats(a.data as Float32Array, a.shape[0], a.shape[1], { backend });
}

const diag = (v: number[]) => {
  const n = v.length;
  const m = new Float64Array(n * n);
  v.forEach((x, i) => (m[i * n + i] = x));
  return m;
};

/** ‖μ₁−μ₂‖² + Σ(√a − √b)² for covariances sharing eigenvectors with eigenvalues a and b. */
const closedForm = (mu1: number[], mu2: number[], a: number[], b: number[]) =>
  mu1.reduce((s, x, i) => s + (x - mu2[i]) ** 2, 0) + a.reduce((s, x, i) => s + (Math.sqrt(x) - Math.sqrt(b[i])) ** 2, 0);

describe.each([['js'], ['onnxruntime']] as const)('Fréchet distance on the shared fixtures (%s backend)', (backend) => {
  it('case1 fid and sfid within 1e-6 relative', async () => {
    const c = EXPECTED.case1;
    const fid = await frechetDistance(await poolStats(c.samples, 'pool', backend), await poolStats(c.reference!, 'pool', backend), {
      backend,
    });
    const sfid = await frechetDistance(await poolStats(c.samples, 'spatial', backend), await poolStats(c.reference!, 'spatial', backend), {
      backend,
    });
    expect(relErr(fid, c.fid!)).toBeLessThan(1e-6);
    expect(relErr(sfid, c.sfid!)).toBeLessThan(1e-6);
  });

  it('case2 against ADM-layout reference statistics within 1e-6 relative', async () => {
    const ref = await readNpz(fixture(EXPECTED.case2.reference!));
    const s = await poolStats(EXPECTED.case2.samples, 'pool', backend);
    const fid = await frechetDistance(s, { mu: ref.mu.data as Float64Array, sigma: ref.sigma.data as Float64Array }, { backend });
    const ss = await poolStats(EXPECTED.case2.samples, 'spatial', backend);
    const sfid = await frechetDistance(ss, { mu: ref.mu_s.data as Float64Array, sigma: ref.sigma_s.data as Float64Array }, { backend });
    expect(relErr(fid, EXPECTED.case2.fid!)).toBeLessThan(1e-6);
    expect(relErr(sfid, EXPECTED.case2.sfid!)).toBeLessThan(1e-6);
  });

  it('case3 with rank-deficient covariances (rank 20 of 96) within 1e-6 relative', async () => {
    const c = EXPECTED.case3;
    const d = await frechetDistanceDetailed(await poolStats(c.samples, 'pool', backend), await poolStats(c.reference!, 'pool', backend), {
      backend,
    });
    expect(d.rank).toBe(20);
    expect(d.offsetApplied).toBe(false);
    expect(relErr(d.value, c.fid!)).toBeLessThan(1e-6);
  });
});

describe('Fréchet distance closed forms', () => {
  it('a set against itself is 0 (within 1e-10 of the trace)', async () => {
    const x = gaussianFeatures(21, 500, 40, 1, 3);
    const s = await computeFeatureStats(x, 500, 40);
    let trace = 0;
    for (let i = 0; i < 40; i++) trace += s.sigma[i * 40 + i];
    expect(Math.abs(await frechetDistance(s, s))).toBeLessThan(1e-10 * trace);
  });

  it('diagonal covariances: ‖μ₁−μ₂‖² + Σ(√a−√b)² within 1e-12 relative', async () => {
    const a = [1, 4, 9, 0.25, 2];
    const b = [4, 1, 16, 0.01, 2];
    const mu1 = [0, 1, 2, 3, 4];
    const mu2 = [1, 1, 0, 3, 5];
    const got = await frechetDistance({ mu: Float64Array.from(mu1), sigma: diag(a) }, { mu: Float64Array.from(mu2), sigma: diag(b) });
    expect(relErr(got, closedForm(mu1, mu2, a, b))).toBeLessThan(1e-12);
  });

  async function commuting(n: number, singular: boolean): Promise<number> {
    const q = randomOrthogonal(22 + n, n);
    const a = Array.from({ length: n }, (_, i) => (singular && i % 7 === 0 ? 0 : 1 + (i % 5)));
    const b = Array.from({ length: n }, (_, i) => 0.5 + ((i * 3) % 11));
    const mu1 = Array.from({ length: n }, (_, i) => Math.sin(i));
    const mu2 = Array.from({ length: n }, (_, i) => Math.cos(i));
    const s1: GaussianStats = { mu: Float64Array.from(mu1), sigma: withEigenvalues(q, a) };
    const s2: GaussianStats = { mu: Float64Array.from(mu2), sigma: withEigenvalues(q, b) };
    const want = closedForm(mu1, mu2, a, b);
    let worst = 0;
    for (const backend of ['js', 'onnxruntime'] as const) {
      worst = Math.max(
        worst,
        relErr(await frechetDistance(s1, s2, { backend }), want),
        relErr(await frechetDistance(s2, s1, { backend }), want),
      );
    }
    return worst;
  }

  it.each([[30], [300]])('commuting full-rank covariances Q diag(a) Qᵀ, Q diag(b) Qᵀ (n = %i) within 1e-11 relative', async (n) => {
    expect(await commuting(n, false)).toBeLessThan(1e-11);
  });

  // A zero eigenvalue of Σ₁ computed as ±ε‖Σ₁‖ contributes √(ε‖Σ₁‖‖Σ₂‖) ≈ 1e-7 to tr (Σ₁Σ₂)^½ whatever the
  // method (scipy's sqrtm included): the closed form is only reachable to about that.
  it.each([[30], [300]])('commuting singular covariances (every 7th eigenvalue of Σ₁ zero, n = %i) within 1e-7 relative', async (n) => {
    expect(await commuting(n, true)).toBeLessThan(1e-7);
  });

  it('rejects mismatched dimensions and non-finite statistics', async () => {
    const s = { mu: new Float64Array(3), sigma: diag([1, 1, 1]) };
    await expect(frechetDistance(s, { mu: new Float64Array(2), sigma: diag([1, 1]) })).rejects.toThrow(
      /feature dimensions differ: 3 and 2/,
    );
    await expect(frechetDistance(s, { mu: new Float64Array(3), sigma: new Float64Array(4) })).rejects.toThrow(MetricInputError);
    const bad = diag([1, NaN, 1]);
    await expect(frechetDistance(s, { mu: new Float64Array(3), sigma: bad })).rejects.toThrow(/non-finite value at \(1, 1\)/);
  });
});
