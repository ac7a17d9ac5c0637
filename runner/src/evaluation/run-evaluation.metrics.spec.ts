import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../assets/assets.js';
import { writeNpz } from '../io/npz.js';
import type { GeneratorManifest } from '../../../contracts/manifest/manifest.schemas.js';
import { computeFeatureStats } from '../metrics/feature-stats.js';
import { buildTinyGenerator } from '../onnx/models/tiny-generator.js';
import { makeSyntheticImages } from '../onnx/models/synthetic-images.js';
import { defineSuite, type GenerationSuiteDefinition } from '../../../contracts/suites/suite.schemas.js';
import { FeatureExtractor } from './features.js';
import { runEvaluation } from '../tasks/evaluate.js';
import { loadAssetDirs } from '../../../contracts/assets/asset-dirs.js';

/** These suites read no files: directories under an empty environment's defaults, never the machine's. */
const NO_ASSET_FILES = loadAssetDirs({});

const manifest: GeneratorManifest = {
  name: 'g',
  kind: 'generator',
  resolution: 32,
  classes: 0,
  inputs: { noise: 'z' },
  outputs: { images: 'images' },
  noise_dim: 64,
  output_range: [-1, 1],
};
const model = buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1, quality: 0.5 });
const extractor = { type: 'builtin-tiny-conv' as const, seed: 7, input_size: 32, normalization: 'minus-one-one' as const };
const ALL = ['fid', 'sfid', 'inception_score', 'precision', 'recall', 'kid', 'kid_std'];

function suite(reference: GenerationSuiteDefinition['reference']): GenerationSuiteDefinition {
  return defineSuite({
    id: 'test-all-metrics',
    version: 1,
    title: 'test',
    task: 'unconditional-generation',
    resolution: 32,
    kinds: ['generator'],
    samples: 1200,
    seed: 0,
    batch_size: 100,
    reference,
    extractor,
    metrics: ALL,
    primary: 'fid',
  });
}

describe('the evaluation pipeline computes every ADM metric', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-metrics-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('against a synthetic reference: all metrics present and in range', async () => {
    const out = await runEvaluation({
      assetDirs: NO_ASSET_FILES,
      model,
      manifest,
      suite: suite({ type: 'synthetic-shapes', n: 1100, seed: 1 }),
    });
    const m = Object.fromEntries(out.metrics.map((x) => [x.id, x.value]));
    expect(Object.keys(m).sort()).toEqual([...ALL].sort());
    expect(m.fid).toBeGreaterThan(0);
    expect(m.sfid).toBeGreaterThan(0);
    expect(m.inception_score).toBeGreaterThanOrEqual(1);
    expect(m.inception_score).toBeLessThanOrEqual(10); // at most the number of classes of the tiny net
    for (const k of ['precision', 'recall']) {
      expect(m[k]).toBeGreaterThanOrEqual(0);
      expect(m[k]).toBeLessThanOrEqual(1);
    }
    expect(m.kid_std).toBeGreaterThan(0);
    expect(out.protocol).toMatchObject({ referenceStatistics: 'from reference activations' });
  });

  it('against an ADM-style reference batch: FID/sFID from its stored statistics equal those from its images', async () => {
    const n = 1100;
    const images = makeSyntheticImages({ n, resolution: 32, seed: 1 });
    // Statistics as ADM ships them, computed here from the same extractor over the same images.
    const ex = await FeatureExtractor.open(extractor);
    const f = await ex.extract(images, n, 32);
    await ex.close();
    const pool = await computeFeatureStats(f.pool, n, f.poolDim);
    const spatial = await computeFeatureStats(f.spatial!, n, f.spatialDim!);
    const refDir = join(dir, 'reference');
    const file = 'VIRTUAL_test32.npz';
    const { mkdir } = await import('node:fs/promises');
    await mkdir(refDir, { recursive: true });
    await writeNpz(join(refDir, file), {
      arr_0: { dtype: 'uint8', shape: [n, 32, 32, 3], data: images },
      mu: { dtype: 'float64', shape: [f.poolDim], data: pool.mu },
      sigma: { dtype: 'float64', shape: [f.poolDim, f.poolDim], data: pool.sigma },
      mu_s: { dtype: 'float64', shape: [f.spatialDim!], data: spatial.mu },
      sigma_s: { dtype: 'float64', shape: [f.spatialDim!, f.spatialDim!], data: spatial.sigma },
    });
    const sha256 = await sha256File(join(refDir, file));
    const viaFile = await runEvaluation({
      model,
      manifest,
      suite: suite({ type: 'adm-reference-batch', file, sha256, source: 'https://example.invalid/test.npz' }),
      assetDirs: { referenceDir: refDir, modelsDir: join(dir, 'models'), datasetsDir: join(dir, 'datasets') },
    });
    const viaImages = await runEvaluation({
      assetDirs: NO_ASSET_FILES,
      model,
      manifest,
      suite: suite({ type: 'synthetic-shapes', n, seed: 1 }),
    });
    const a = Object.fromEntries(viaFile.metrics.map((x) => [x.id, x.value]));
    const b = Object.fromEntries(viaImages.metrics.map((x) => [x.id, x.value]));
    expect(viaFile.protocol).toMatchObject({ referenceStatistics: 'from the reference batch' });
    for (const k of ALL) expect(Math.abs(a[k]! - b[k]!) / Math.abs(b[k]!), k).toBeLessThan(1e-9);
  });

  it('refuses a reference batch whose sha256 differs, naming the file', async () => {
    await expect(
      runEvaluation({
        model,
        manifest,
        suite: suite({
          type: 'adm-reference-batch',
          file: 'VIRTUAL_test32.npz',
          sha256: 'f'.repeat(64),
          source: 'https://example.invalid/test.npz',
        }),
        assetDirs: { referenceDir: join(dir, 'reference'), modelsDir: join(dir, 'models'), datasetsDir: join(dir, 'datasets') },
      }),
    ).rejects.toThrow(/VIRTUAL_test32\.npz/);
  });
});
