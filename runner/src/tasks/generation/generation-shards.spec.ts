import { describe, expect, it } from 'vitest';
import smokeDenoiser from '../../../../benchmarks/smoke/smoke-32-denoiser.suite.js';
import { buildExampleDenoiser, exampleDenoiserManifest } from '../../../../benchmarks/smoke/example-denoisers.js';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import { type GeneratorManifest, parseManifest } from '../../../../contracts/manifest/manifest.schemas.js';
import { defineSuite, type GenerationSuiteDefinition } from '../../../../contracts/suites/suite.schemas.js';
import { buildNanGenerator } from '../../../../test/support/onnx-models/broken-models.js';
import { SuiteFailure } from '../../evaluation/evaluation-failure.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { buildTinyGenerator } from '../../onnx/models/tiny-generator.js';
import { planShards } from '../../sharding/shard-plan.js';
import { runEvaluation } from '../evaluate.js';
import type { EvaluationInput } from '../task-family.js';
import { evaluateGenerationShard, mergeGenerationShards, type GenerationShardResult } from './generation-shards.js';

/** These suites read no files: directories under an empty environment's defaults, never the machine's. */
const NO_ASSET_FILES = loadAssetDirs({});

const generatorManifest: GeneratorManifest = {
  name: 'g',
  kind: 'generator',
  resolution: 32,
  classes: 0,
  inputs: { noise: 'z' },
  outputs: { images: 'images' },
  noise_dim: 64,
  output_range: [-1, 1],
};

const generatorSuite: GenerationSuiteDefinition = defineSuite({
  id: 'test-sharded',
  version: 1,
  title: 'test',
  task: 'unconditional-generation',
  resolution: 32,
  kinds: ['generator'],
  samples: 600,
  seed: 3,
  batch_size: 25,
  reference: { type: 'synthetic-shapes', n: 400, seed: 1 },
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 32, normalization: 'minus-one-one' },
  metrics: ['fid', 'sfid', 'inception_score', 'precision', 'recall'],
  primary: 'fid',
  sharding: { max_shards: 8 },
});

/** Runs every shard in its own call (as separate runners would), in reverse order, then merges in sample order. */
async function runSharded(input: EvaluationInput, shards: number) {
  const suite = input.suite as GenerationSuiteDefinition;
  const results: GenerationShardResult[] = [];
  const drawn: Array<[number, number]> = [];
  for (const range of planShards(suite.samples, suite.batch_size, shards).reverse()) {
    const r = await evaluateGenerationShard({ ...input, onSamples: (b) => void drawn.push([range.index, b.start]) }, range);
    results.unshift(r);
    for (const [index, start] of drawn.filter(([i]) => i === range.index))
      expect(start >= range.start && start < range.end, `shard ${index}`).toBe(true);
  }
  return mergeGenerationShards({ ...input, model: new Uint8Array() }, results);
}

describe('a sharded generation evaluation scores as the unsharded one (tolerance: none, bit for bit)', () => {
  it('a generator with FID, sFID, IS, precision and recall over 1, 3 and 8 shards', async () => {
    const input: EvaluationInput = {
      assetDirs: NO_ASSET_FILES,
      model: buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1, quality: 0.5 }),
      manifest: generatorManifest,
      suite: generatorSuite,
    };
    const whole = await runEvaluation(input);
    for (const shards of [1, 3, 8]) {
      const merged = await runSharded(input, shards);
      expect(merged.metrics.map((m) => m.id)).toEqual(whole.metrics.map((m) => m.id));
      for (const [i, m] of whole.metrics.entries())
        expect(Object.is(merged.metrics[i]!.value, m.value), `${m.id} at ${shards} shards`).toBe(true);
      const { shards: count, ...protocol } = merged.protocol;
      expect(count).toBe(shards);
      expect(protocol).toEqual(whole.protocol);
    }
  });

  it('a denoiser sampled with Heun over 1, 3 and 8 shards', async () => {
    const input: EvaluationInput = {
      assetDirs: NO_ASSET_FILES,
      model: buildExampleDenoiser({ fit: 1, std: 0.4 }),
      manifest: parseManifest(exampleDenoiserManifest('sharded')),
      suite: { ...smokeDenoiser, samples: 192, reference: { type: 'synthetic-shapes', n: 128, seed: 1 }, sharding: { max_shards: 8 } },
    };
    const whole = await runEvaluation(input);
    for (const shards of [1, 3, 8]) {
      const merged = await runSharded(input, shards);
      expect(merged.metrics).toEqual(whole.metrics);
      expect(Object.is(merged.metrics[0]!.value, whole.metrics[0]!.value)).toBe(true);
    }
  });

  it('a suite without sharding, or past its max_shards, is refused as the fault of the suite', async () => {
    const input: EvaluationInput = {
      assetDirs: NO_ASSET_FILES,
      model: buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1, quality: 0.5 }),
      manifest: generatorManifest,
      suite: { ...generatorSuite, sharding: undefined },
    };
    const [first] = planShards(generatorSuite.samples, generatorSuite.batch_size, 2);
    await expect(evaluateGenerationShard(input, first!)).rejects.toThrow(/suite test-sharded is not sharded/);
    const [ninth] = planShards(generatorSuite.samples, generatorSuite.batch_size, 9);
    await expect(evaluateGenerationShard({ ...input, suite: generatorSuite }, ninth!)).rejects.toThrow(SuiteFailure);
  });

  it("a shard whose samples the model breaks fails with the model's reason", async () => {
    const input: EvaluationInput = {
      assetDirs: NO_ASSET_FILES,
      model: buildNanGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1, quality: 0.5 }),
      manifest: generatorManifest,
      suite: generatorSuite,
    };
    const [, second] = planShards(generatorSuite.samples, generatorSuite.batch_size, 3);
    const failure = await evaluateGenerationShard(input, second!).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ModelFailure);
    expect((failure as Error).message).toMatch(/sample 2\d\d/);
  });
});
