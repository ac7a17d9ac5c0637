import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeNpz, type NdArray } from '../io/npz.js';
import { computeMetrics, loadFeatureFile } from './activations.js';
import { EXPECTED, fixture, relErr } from '../../../test/support/metric-fixtures.js';
import { MetricInputError } from './metric-input-error.js';
import { gaussianFeatures } from '../../../test/support/metric-test-data.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'genbench-metrics-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const f32 = (rows: number, dim: number, seed = 1): NdArray => ({
  dtype: 'float32',
  shape: [rows, dim],
  data: gaussianFeatures(seed, rows, dim),
});

describe('computeMetrics reproduces every case of fixtures/metrics/expected.json (README tolerances)', () => {
  it.each(Object.keys(EXPECTED).map((k) => [k]))(
    '%s: fid/sfid/IS within 1e-6 relative, precision/recall within 1e-9 absolute',
    async (name) => {
      const c = EXPECTED[name];
      const samples = await loadFeatureFile(fixture(c.samples));
      const reference = c.reference ? await loadFeatureFile(fixture(c.reference)) : undefined;
      const r = await computeMetrics(samples, reference, { kidSubsets: 5 });
      for (const key of ['fid', 'sfid', 'inception_score'] as const) {
        if (c[key] !== undefined) expect(relErr(r[key]!, c[key]!), key).toBeLessThan(1e-6);
      }
      for (const key of ['precision', 'recall'] as const) {
        if (c[key] !== undefined) expect(Math.abs(r[key]! - c[key]!), key).toBeLessThan(1e-9);
      }
    },
  );

  it('reads the ADM statistics layout and records the protocol', async () => {
    const stats = await loadFeatureFile(fixture('case2_reference_stats.npz'));
    expect(stats.kind).toBe('statistics');
    const r = await computeMetrics(await loadFeatureFile(fixture('case1_samples.npz')), stats, {
      isSplitMode: 'torch-fidelity-10',
      isSeed: 3,
    });
    expect(r.protocol.fid).toMatchObject({ samples: 2000, reference: 'precomputed statistics', epsOffset: { applied: false } });
    expect(r.protocol.inception_score).toMatchObject({ splitMode: 'torch-fidelity-10', splits: 10, seed: 3 });
    expect(r.unavailable.precision).toMatch(/statistics only/);
    expect(r.kid).toBeUndefined();
  });

  it('computes KID and precision/recall options when both sides have pool activations', async () => {
    const r = await computeMetrics(
      await loadFeatureFile(fixture('case1_samples.npz')),
      await loadFeatureFile(fixture('case1_reference.npz')),
      {
        kidSeed: 4,
        kidSubsets: 3,
        kidSubsetSize: 200,
        distancePrecision: 'adm-fp16',
        only: ['kid', 'kid_std', 'precision'],
      },
    );
    expect(r.kid).toBeGreaterThan(0);
    expect(r.kid_std).toBeGreaterThan(0);
    expect(r.precision).toBeGreaterThan(0);
    expect(r.recall).toBeUndefined();
    expect(r.fid).toBeUndefined();
    expect(r.protocol.kid).toMatchObject({ seed: 4, subsets: 3, subsetSize: 200 });
    expect(r.protocol.precision_recall).toMatchObject({ k: 3, distancePrecision: 'adm-fp16' });
  });
});

describe('bad inputs fail with MetricInputError naming the file and the problem', () => {
  const path = (name: string) => join(dir, name);

  it('corrupt zip', async () => {
    const p = path('corrupt.npz');
    const bytes = readFileSync(fixture('case3_samples.npz'));
    writeFileSync(p, bytes.subarray(0, bytes.length - 100));
    await expect(loadFeatureFile(p)).rejects.toThrow(MetricInputError);
    await expect(loadFeatureFile(p)).rejects.toThrow(`${p}: not a zip archive or truncated`);
  });

  it('missing keys', async () => {
    await writeNpz(path('nokeys.npz'), { arr_0: { dtype: 'uint8', shape: [2, 2], data: new Uint8Array(4) } });
    await expect(loadFeatureFile(path('nokeys.npz'))).rejects.toThrow(/nokeys\.npz: missing keys: .*the file holds 'arr_0'/);
    await writeNpz(path('halfstats.npz'), { mu: { dtype: 'float64', shape: [2], data: new Float64Array(2) } });
    await expect(loadFeatureFile(path('halfstats.npz'))).rejects.toThrow(/halfstats\.npz: has 'mu' but no 'sigma'/);
  });

  it('NaN and infinite features', async () => {
    const a = f32(10, 4);
    (a.data as Float32Array)[4 * 7 + 2] = NaN;
    await writeNpz(path('nan.npz'), { pool: a });
    await expect(loadFeatureFile(path('nan.npz'))).rejects.toThrow(/nan\.npz: 'pool' has a non-finite value \(NaN\) at row 7, column 2/);
    const s = { dtype: 'float64' as const, shape: [2, 2], data: new Float64Array([1, 0, 0, Infinity]) };
    await writeNpz(path('inf.npz'), { mu: { dtype: 'float64', shape: [2], data: new Float64Array(2) }, sigma: s });
    await expect(loadFeatureFile(path('inf.npz'))).rejects.toThrow(/inf\.npz: 'sigma' has a non-finite value \(Infinity\)/);
  });

  it('mismatched dimensions between samples and reference', async () => {
    await writeNpz(path('s.npz'), { pool: f32(10, 4) });
    await writeNpz(path('r.npz'), { pool: f32(10, 5) });
    const run = async () => computeMetrics(await loadFeatureFile(path('s.npz')), await loadFeatureFile(path('r.npz')));
    await expect(run()).rejects.toThrow(/mismatched dimensions: 'pool' features have 4 dimensions in .*s\.npz but 5 in .*r\.npz/);
  });

  it('fewer than two samples', async () => {
    await writeNpz(path('one.npz'), { pool: f32(1, 4) });
    await writeNpz(path('ref4.npz'), { pool: f32(10, 4) });
    const run = async () => computeMetrics(await loadFeatureFile(path('one.npz')), await loadFeatureFile(path('ref4.npz')));
    await expect(run()).rejects.toThrow(/one\.npz: fewer than two samples in 'pool' \(1\)/);
  });

  it('wrong dtype, wrong shape, and arrays of different lengths', async () => {
    await writeNpz(path('int.npz'), { pool: { dtype: 'int32', shape: [3, 2], data: new Int32Array(6) } });
    await expect(loadFeatureFile(path('int.npz'))).rejects.toThrow(/'pool' is int32; features must be float32/);
    await writeNpz(path('flat.npz'), { logits: { dtype: 'float32', shape: [6], data: new Float32Array(6) } });
    await expect(loadFeatureFile(path('flat.npz'))).rejects.toThrow(/'logits' has shape \[6\]; expected \[N, D\]/);
    await writeNpz(path('rows.npz'), { pool: f32(10, 4), logits: f32(9, 3) });
    await expect(loadFeatureFile(path('rows.npz'))).rejects.toThrow(/different row counts: 'pool' 10, 'logits' 9/);
    await writeNpz(path('sig.npz'), {
      mu: { dtype: 'float64', shape: [3], data: new Float64Array(3) },
      sigma: { dtype: 'float64', shape: [2, 2], data: new Float64Array(4) },
    });
    await expect(loadFeatureFile(path('sig.npz'))).rejects.toThrow(/'sigma' has shape \[2, 2\]; 'mu' needs \[3, 3\]/);
  });

  it('flattens spatial features with trailing axes, as ADM reshapes them', async () => {
    await writeNpz(path('sp.npz'), { spatial: { dtype: 'float32', shape: [5, 2, 3], data: gaussianFeatures(2, 5, 6) } });
    const f = await loadFeatureFile(path('sp.npz'));
    expect(f.kind === 'activations' && f.spatial).toMatchObject({ rows: 5, dim: 6 });
  });
});
