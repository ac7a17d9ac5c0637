import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import smokeDenoiser from '../../../benchmarks/smoke/smoke-32-denoiser.suite.js';
import smokeSamples from '../../../benchmarks/smoke/smoke-32-samples.suite.js';
import { buildExampleDenoiser, exampleDenoiserManifest } from '../../../benchmarks/smoke/example-denoisers.js';
import { NpzWriter } from '../io/npz.js';
import { parseManifest } from '../../../contracts/manifest/manifest.schemas.js';
import type { GenerationSuiteDefinition } from '../../../contracts/suites/suite.schemas.js';
import { runEvaluation } from '../tasks/evaluate.js';
import { loadAssetDirs } from '../../../contracts/assets/asset-dirs.js';

/** These suites read no files: directories under an empty environment's defaults, never the machine's. */
const NO_ASSET_FILES = loadAssetDirs({});

// The smoke suites, cut to 128 samples so each run takes a fraction of a second.
const small = (s: GenerationSuiteDefinition): GenerationSuiteDefinition => ({
  ...s,
  samples: 128,
  reference: { type: 'synthetic-shapes', n: 128, seed: 1 },
});

describe('runEvaluation on denoisers and sample batches', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-run-denoiser-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('falls back to the CPU when the requested provider cannot start, says so, and records the provider used', async () => {
    const out = await runEvaluation({
      assetDirs: NO_ASSET_FILES,
      model: buildExampleDenoiser({ fit: 1, std: 0.4 }),
      manifest: parseManifest(exampleDenoiserManifest('ep-check')),
      suite: small(smokeDenoiser),
      executionProvider: 'cuda',
    });
    expect(out.executionProvider).toBe('cpu');
    expect(out.protocol.extractor).toMatchObject({ executionProvider: 'cpu' });
    expect(out.warnings).toEqual([
      expect.stringMatching(/^execution provider cuda unavailable .*falling back to cpu$/),
      expect.stringMatching(/^feature extractor: execution provider cuda unavailable/),
    ]);
    expect(out.protocol.sampler).toMatchObject({ solver: 'heun', steps: 8, nfe: 15 });
  });

  it("draws a stochastic sampler's noise in worker threads with the same scores as on the main thread", async () => {
    const suite = { ...small(smokeDenoiser), sampler: { solver: 'ddim' as const, steps: 6, guidance: 1, eta: 1 } };
    const run = (noiseThreads: number) =>
      runEvaluation({
        assetDirs: NO_ASSET_FILES,
        model: buildExampleDenoiser({ fit: 1, std: 0.4 }),
        manifest: parseManifest(exampleDenoiserManifest('noise-threads')),
        suite,
        noiseThreads,
      });
    const [inline, pooled] = [await run(0), await run(2)];
    expect(pooled.metrics).toEqual(inline.metrics);
    expect(pooled.protocol.sampler).toMatchObject({ solver: 'ddim', eta: 1, nfe: 6 });
  });

  it('scores the images a denoiser draws and the same images uploaded as a sample batch identically', async () => {
    const manifest = parseManifest(exampleDenoiserManifest('same-images'));
    const suite = small(smokeDenoiser);
    const writer = await NpzWriter.create(join(dir, 'drawn.npz'));
    await writer.begin('arr_0', 'uint8', [suite.samples, 32, 32, 3]);
    const progress: number[] = [];
    const fromModel = await runEvaluation({
      assetDirs: NO_ASSET_FILES,
      model: buildExampleDenoiser({ fit: 1, std: 0.4 }),
      manifest,
      suite,
      onSamples: (b) => writer.append(b.images),
      onProgress: (f) => progress.push(f),
    });
    await writer.end();
    await writer.close();
    // Progress moves within batches (after every sampling step), never backwards.
    expect(progress.length).toBeGreaterThan(suite.samples / suite.batch_size);
    expect(progress.every((f, i) => i === 0 || f >= progress[i - 1]!)).toBe(true);

    const fromBatch = await runEvaluation({
      assetDirs: NO_ASSET_FILES,
      model: new Uint8Array(0),
      modelPath: join(dir, 'drawn.npz'),
      manifest: parseManifest({ name: 'drawn', kind: 'samples', resolution: 32, classes: 0 }),
      suite: small(smokeSamples),
    });
    expect(fromBatch.metrics).toEqual(fromModel.metrics);
    expect(fromBatch.protocol.sampleBatch).toEqual({
      source: 'uploaded sample batch',
      imagesInBatch: 128,
      imagesScored: 128,
      labels: false,
    });
  });
});
