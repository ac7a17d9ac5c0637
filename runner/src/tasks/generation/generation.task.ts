import { isSegmentationManifest } from '../../../../contracts/manifest/segmentation-manifest.schemas.js';
import { isSegmentationSuite } from '../../../../contracts/suites/segmentation-suite.schemas.js';
import { isTextToImageSuite } from '../../../../contracts/suites/text-to-image-suite.schemas.js';
import type { GenerationSuiteDefinition } from '../../../../contracts/suites/suite.schemas.js';
import { FeatureExtractor } from '../../evaluation/features.js';
import { SuiteFailure } from '../../evaluation/evaluation-failure.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { FeatureSetAccumulator, needsOf, scoreFeatureSets } from '../../evaluation/scoring.js';
import type { AssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import { type Stage, StageClock } from '../../evaluation/stage-clock.js';
import { verifyAsset } from '../../assets/assets.js';
import { loadFeatureFile, type StatisticsFile } from '../../metrics/activations.js';
import { AdmBatchError, ADM_IMAGES, requireAdmImages } from '../../io/adm-batch.js';
import { MetricInputError } from '../../metrics/metric-input-error.js';
import { openNpz } from '../../io/npz.js';
import type { ImageBatch } from '../../evaluation/sources/image-batch.js';
import { openImageSource } from '../../evaluation/sources/image-source.js';
import { syntheticBatches } from '../../evaluation/sources/synthetic-source.js';
import type { EvaluationInput, TaskFamily, TaskResult } from '../task-family.js';

/**
 * The reference half of a suite: images that stand for real data, fed through the same extractor, and —
 * for ADM reference batches — the statistics the batch ships. An ADM batch's images (`arr_0`) are only
 * read when a metric needs reference activations (precision, recall, KID).
 */
async function openReference(
  suite: GenerationSuiteDefinition,
  needImages: boolean,
  dirs: AssetDirs,
): Promise<{ batches?: AsyncGenerator<ImageBatch>; statistics?: StatisticsFile }> {
  const ref = suite.reference;
  if (ref.type === 'synthetic-shapes') {
    return {
      batches: (async function* () {
        yield* syntheticBatches({ n: ref.n, seed: ref.seed, resolution: suite.resolution, batchSize: suite.batch_size });
      })(),
    };
  }
  const path = await verifyAsset(dirs.referenceDir, ref, 'reference');
  // The file matched the suite's sha256, so a malformed one is the suite's as pinned: an admin must act.
  const file = await loadFeatureFile(path).catch((err: unknown) => {
    throw err instanceof MetricInputError ? new SuiteFailure(err.message, { cause: err }) : err;
  });
  const statistics = file.kind === 'statistics' ? file : undefined;
  if (!needImages && statistics) return { statistics };
  return { statistics, batches: admBatchImages(path, suite.batch_size) };
}

async function* admBatchImages(path: string, batchRows: number): AsyncGenerator<ImageBatch> {
  const reader = await openNpz(path);
  try {
    // The reference batch matched the suite's sha256: a bad layout is the suite's as pinned.
    let resolution: number;
    try {
      ({ resolution } = requireAdmImages(reader, path));
    } catch (err) {
      throw err instanceof AdmBatchError ? new SuiteFailure(err.message, { cause: err }) : err;
    }
    let start = 0;
    for await (const rows of reader.rows(ADM_IMAGES, { batchRows })) {
      const count = rows.shape[0]!;
      yield { start, count, resolution, images: rows.data as Uint8Array };
      start += count;
    }
  } finally {
    await reader.close();
  }
}

/** Generation suites: samples from a generator, denoiser or sample batch, scored against a reference set. */
export const generationTask: TaskFamily = {
  id: 'generation',
  serves: (suite) => !isSegmentationSuite(suite) && !isTextToImageSuite(suite),
  evaluate: evaluateGeneration,
};

/** Sample, extract features, score: in this process (the runner's child, or `genbench evaluate`). */
async function evaluateGeneration(input: EvaluationInput): Promise<TaskResult> {
  const { manifest, suite } = input;
  if (isSegmentationSuite(suite) || isTextToImageSuite(suite)) throw new Error(`suite ${suite.id} is not a generation suite`);
  if (isSegmentationManifest(manifest) || !suite.kinds.includes(manifest.kind))
    throw new ModelFailure(`suite ${suite.id} scores ${suite.kinds.join('/')} models, not ${manifest.kind}`);
  if (manifest.resolution !== suite.resolution) {
    throw new ModelFailure(
      `suite ${suite.id} is at ${suite.resolution}×${suite.resolution}; the model declares resolution ${manifest.resolution}`,
    );
  }
  const t0 = performance.now();
  const clock = new StageClock();
  // An uploaded sample batch is read and decoded from its file; models are sampled (latents then decoded).
  const loopStage: Stage = manifest.kind === 'samples' ? 'decoding' : 'sampling';
  const source = await openImageSource({
    model: input.model,
    modelPath: input.modelPath,
    decoder: input.decoder,
    manifest,
    suite,
    executionProvider: input.executionProvider ?? 'cpu',
    noiseThreads: input.noiseThreads ?? 0,
    onSamplesDone: (done) => {
      input.onProgress?.(done / suite.samples);
      input.onStage?.(clock.progress(done, suite.samples, loopStage));
    },
    onDecoded: (ms) => clock.move('sampling', 'decoding', ms),
  });
  const extractor = await FeatureExtractor.open(suite.extractor, input.executionProvider ?? 'cpu', {
    modelsDir: input.assetDirs.modelsDir,
  }).catch(async (err: unknown) => {
    await source.close();
    throw err;
  });
  try {
    const needs = needsOf(suite.metrics);
    const samples = new FeatureSetAccumulator(needs);
    clock.startLoop();
    const batches = source.batches();
    try {
      for (;;) {
        const next = await clock.time(loopStage, () => batches.next());
        if (next.done) break;
        const batch = next.value;
        await input.onSamples?.(batch);
        await samples.add(await clock.time('features', () => extractor.extract(batch.images, batch.count, batch.resolution)));
        input.onProgress?.((batch.start + batch.count) / suite.samples);
        input.onStage?.(clock.progress(batch.start + batch.count, suite.samples, 'features'));
      }
    } finally {
      await batches.return(undefined);
    }
    const samplesAndFeatures = performance.now() - t0;
    const needImages = ['precision', 'recall', 'kid', 'kid_std'].some((m) => suite.metrics.includes(m));
    const ref = await openReference(suite, needImages, input.assetDirs);
    let referenceActs: FeatureSetAccumulator | undefined;
    await clock.time('reference', async () => {
      if (!ref.batches) return;
      referenceActs = new FeatureSetAccumulator(ref.statistics ? { pool: true, spatial: false, logits: false } : needs);
      for await (const batch of ref.batches) {
        await referenceActs.add(await extractor.extract(batch.images, batch.count, batch.resolution));
        input.onStage?.(clock.progress(suite.samples, suite.samples, 'reference'));
      }
    });
    input.onStage?.(clock.progress(suite.samples, suite.samples, 'metrics'));
    const scored = await clock.time('metrics', () =>
      scoreFeatureSets(samples, { activations: referenceActs, statistics: ref.statistics }, suite.metrics),
    );
    // Provenance: wall time per stage (sampling, decoding, features, reference, metrics), as the evaluation
    // page shows it, plus the sample loop and the whole run.
    const durationsMs: Record<string, number> = {
      ...Object.fromEntries(Object.entries(clock.wallMs).map(([k, v]) => [k, Math.round(v)])),
      samplesAndFeatures: Math.round(samplesAndFeatures),
      total: Math.round(performance.now() - t0),
    };
    return {
      metrics: scored.metrics,
      protocol: {
        ...scored.protocol,
        ...source.protocol(),
        quantization: suite.quantization,
        samples: suite.samples,
        seed: suite.seed,
        batchSize: suite.batch_size,
        reference: suite.reference,
        extractor: { ...suite.extractor, executionProvider: extractor.executionProvider },
      },
      executionProvider: source.executionProvider ?? extractor.executionProvider,
      warnings: [...source.warnings, ...extractor.warnings.map((w) => `feature extractor: ${w}`)],
      durationsMs,
    };
  } finally {
    await source.close();
    await extractor.close();
  }
}
