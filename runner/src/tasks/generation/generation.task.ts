import { isSegmentationManifest } from '../../../../contracts/manifest/segmentation-manifest.schemas.js';
import { isSegmentationSuite } from '../../../../contracts/suites/segmentation-suite.schemas.js';
import { isImageConditionedSuite } from '../../../../contracts/suites/image-conditioned-suite.schemas.js';
import { isTextToImageSuite } from '../../../../contracts/suites/text-to-image-suite.schemas.js';
import { isVideoSuite } from '../../../../contracts/suites/video-suite.schemas.js';
import type { GenerationSuiteDefinition } from '../../../../contracts/suites/suite.schemas.js';
import { type FeatureBatch, FeatureExtractor } from '../../evaluation/features.js';
import { SuiteFailure } from '../../evaluation/evaluation-failure.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { FeatureSetAccumulator, type MetricResult, needsOf, scoreFeatureSets } from '../../evaluation/scoring.js';
import type { AssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import { type Stage, StageClock } from '../../evaluation/stage-clock.js';
import { verifyAsset } from '../../assets/assets.js';
import { type ActivationsFile, loadFeatureFile, type StatisticsFile } from '../../metrics/activations.js';
import { ADM_IMAGES, requireAdmImagesOr } from '../../io/adm-batch.js';
import { MetricInputError } from '../../metrics/metric-input-error.js';
import { openNpz } from '../../io/npz.js';
import type { ImageBatch } from '../../evaluation/sources/image-batch.js';
import { type ImageSource, openImageSource } from '../../evaluation/sources/image-source.js';
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
    const { resolution } = requireAdmImagesOr(reader, path, (m, o) => new SuiteFailure(m, o));
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
  serves: (suite) => !isSegmentationSuite(suite) && !isTextToImageSuite(suite) && !isVideoSuite(suite) && !isImageConditionedSuite(suite),
  evaluate: evaluateGeneration,
};

/** Sample, extract features, score: in this process (the runner's child, or `genbench evaluate`). */
async function evaluateGeneration(input: EvaluationInput): Promise<TaskResult> {
  const t0 = performance.now();
  const clock = new StageClock();
  const { suite, source, extractor } = await openSampling(input, clock);
  try {
    const samples = new FeatureSetAccumulator(needsOf(suite.metrics));
    await extractSamples(input, suite, source, extractor, clock, samples);
    const samplesAndFeatures = performance.now() - t0;
    const scored = await scoreSamples(input, suite, extractor, clock, samples);
    // Provenance: wall time per stage (sampling, decoding, features, reference, metrics), as the evaluation
    // page shows it, plus the sample loop and the whole run.
    const durationsMs: Record<string, number> = {
      ...Object.fromEntries(Object.entries(clock.wallMs).map(([k, v]) => [k, Math.round(v)])),
      samplesAndFeatures: Math.round(samplesAndFeatures),
      total: Math.round(performance.now() - t0),
    };
    return {
      metrics: scored.metrics,
      protocol: generationProtocol(suite, scored.protocol, source.protocol(), extractor),
      executionProvider: source.executionProvider ?? extractor.executionProvider,
      warnings: [...source.warnings, ...extractor.warnings.map((w) => `feature extractor: ${w}`)],
      durationsMs,
    };
  } finally {
    await source.close();
    await extractor.close();
  }
}

/** The submission against the suite: the model's faults are ModelFailures, found before anything runs. */
export function checkGenerationInput(input: EvaluationInput): GenerationSuiteDefinition {
  const { manifest, suite } = input;
  if (isSegmentationSuite(suite) || isTextToImageSuite(suite) || isVideoSuite(suite) || isImageConditionedSuite(suite))
    throw new Error(`suite ${suite.id} is not a generation suite`);
  if (isSegmentationManifest(manifest) || manifest.kind === 'image_to_image' || !suite.kinds.includes(manifest.kind))
    throw new ModelFailure(`suite ${suite.id} scores ${suite.kinds.join('/')} models, not ${manifest.kind}`);
  if (manifest.resolution !== suite.resolution) {
    throw new ModelFailure(
      `suite ${suite.id} is at ${suite.resolution}×${suite.resolution}; the model declares resolution ${manifest.resolution}`,
    );
  }
  return suite;
}

/** The samples' source (all samples, or a shard's `range`), then the suite's feature extractor. */
export async function openSampling(
  input: EvaluationInput,
  clock: StageClock,
  range?: { start: number; end: number },
): Promise<{ suite: GenerationSuiteDefinition; source: ImageSource; extractor: FeatureExtractor }> {
  const suite = checkGenerationInput(input);
  const { manifest } = input;
  const loopStage = loopStageOf(input);
  const done0 = range?.start ?? 0;
  const total = range ? range.end - range.start : suite.samples;
  const source = await openImageSource({
    model: input.model,
    modelPath: input.modelPath,
    decoder: input.decoder,
    manifest,
    suite,
    range,
    executionProvider: input.executionProvider ?? 'cpu',
    noiseThreads: input.noiseThreads ?? 0,
    onSamplesDone: (done) => {
      input.onProgress?.((done - done0) / total);
      input.onStage?.(clock.progress(done - done0, total, loopStage));
    },
    onDecoded: (ms) => clock.move('sampling', 'decoding', ms),
  });
  const extractor = await FeatureExtractor.open(suite.extractor, input.executionProvider ?? 'cpu', {
    modelsDir: input.assetDirs.modelsDir,
  }).catch(async (err: unknown) => {
    await source.close();
    throw err;
  });
  return { suite, source, extractor };
}

// An uploaded sample batch is read and decoded from its file; models are sampled (latents then decoded).
function loopStageOf(input: EvaluationInput): Stage {
  return input.manifest.kind === 'samples' ? 'decoding' : 'sampling';
}

/** Every batch of `source` through the extractor into `sink`, with progress over the batches it holds. */
export async function extractSamples(
  input: EvaluationInput,
  suite: GenerationSuiteDefinition,
  source: ImageSource,
  extractor: FeatureExtractor,
  clock: StageClock,
  sink: { add(batch: FeatureBatch): Promise<void> },
  range: { start: number; end: number } = { start: 0, end: suite.samples },
): Promise<void> {
  const loopStage = loopStageOf(input);
  const total = range.end - range.start;
  clock.startLoop();
  const batches = source.batches();
  try {
    for (;;) {
      const next = await clock.time(loopStage, () => batches.next());
      if (next.done) break;
      const batch = next.value;
      await input.onSamples?.(batch);
      await sink.add(await clock.time('features', () => extractor.extract(batch.images, batch.count, batch.resolution)));
      const done = batch.start + batch.count - range.start;
      input.onProgress?.(done / total);
      input.onStage?.(clock.progress(done, total, 'features'));
    }
  } finally {
    await batches.return(undefined);
  }
}

/** The reference through the same extractor, then the suite's metrics of the samples against it. */
export async function scoreSamples(
  input: EvaluationInput,
  suite: GenerationSuiteDefinition,
  extractor: FeatureExtractor,
  clock: StageClock,
  samples: FeatureSetAccumulator | ActivationsFile,
): Promise<{ metrics: MetricResult[]; protocol: Record<string, unknown> }> {
  const needImages = ['precision', 'recall', 'kid', 'kid_std'].some((m) => suite.metrics.includes(m));
  const ref = await openReference(suite, needImages, input.assetDirs);
  let referenceActs: FeatureSetAccumulator | undefined;
  await clock.time('reference', async () => {
    if (!ref.batches) return;
    referenceActs = new FeatureSetAccumulator(ref.statistics ? { pool: true, spatial: false, logits: false } : needsOf(suite.metrics));
    for await (const batch of ref.batches) {
      await referenceActs.add(await extractor.extract(batch.images, batch.count, batch.resolution));
      input.onStage?.(clock.progress(suite.samples, suite.samples, 'reference'));
    }
  });
  input.onStage?.(clock.progress(suite.samples, suite.samples, 'metrics'));
  return clock.time('metrics', () => scoreFeatureSets(samples, { activations: referenceActs, statistics: ref.statistics }, suite.metrics));
}

/** The protocol record of a generation evaluation: the metrics', the source's and the suite's choices. */
export function generationProtocol(
  suite: GenerationSuiteDefinition,
  scored: Record<string, unknown>,
  source: Record<string, unknown>,
  extractor: FeatureExtractor,
): Record<string, unknown> {
  return {
    ...scored,
    ...source,
    quantization: suite.quantization,
    samples: suite.samples,
    seed: suite.seed,
    batchSize: suite.batch_size,
    reference: suite.reference,
    extractor: { ...suite.extractor, executionProvider: extractor.executionProvider },
  };
}
