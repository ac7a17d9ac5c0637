import type { AssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import { isTextToImageSuite, type TextToImageSuiteDefinition } from '../../../../contracts/suites/text-to-image-suite.schemas.js';
import { verifyAsset } from '../../assets/assets.js';
import { SuiteFailure } from '../../evaluation/evaluation-failure.js';
import { FeatureExtractor } from '../../evaluation/features.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import type { MetricResult } from '../../evaluation/scoring.js';
import type { ImageBatch } from '../../evaluation/sources/image-batch.js';
import { type Stage, StageClock } from '../../evaluation/stage-clock.js';
import { ADM_IMAGES, requireAdmImagesOr } from '../../io/adm-batch.js';
import { openNpz } from '../../io/npz.js';
import { type ActivationsFile, computeMetrics } from '../../metrics/activations.js';
import type { FeatureSet } from '../../metrics/precision-recall.js';
import { drawPrompt, syntheticPrompts } from '../../text/synthetic-prompts.js';
import type { EvaluationInput, TaskFamily, TaskResult } from '../task-family.js';
import { ClipModelSession } from './clip-model.js';
import { loadPrompts } from './prompt-list.js';
import { openTextImageSource } from './text-image-source.js';

/** Text-to-image suites: one sample per published prompt, scored by CLIP score, CMMD, FID and FD-DINOv2. */
export const textToImageTask: TaskFamily = {
  id: 'text-to-image',
  serves: (suite) => isTextToImageSuite(suite),
  evaluate: evaluateTextToImage,
};

/** Grows one feature set batch by batch. */
class Rows {
  private readonly parts: Float32Array[] = [];
  private rows = 0;
  private dim = 0;

  add(data: Float32Array, rows: number, dim: number): void {
    this.parts.push(data.slice(0, rows * dim));
    this.rows += rows;
    this.dim = dim;
  }

  set(): FeatureSet | undefined {
    if (this.rows === 0) return undefined;
    const data = new Float32Array(this.rows * this.dim);
    let at = 0;
    for (const p of this.parts) {
      data.set(p, at);
      at += p.length;
    }
    return { data, rows: this.rows, dim: this.dim };
  }
}

/** The reference images: the smoke suite draws prompt i with the reference seed; files are ADM batches. */
async function* referenceImages(suite: TextToImageSuiteDefinition, dirs: AssetDirs): AsyncGenerator<ImageBatch> {
  const ref = suite.reference;
  const R = suite.resolution;
  if (ref.type === 'synthetic-prompt-images') {
    if (suite.prompts.type !== 'synthetic-colour-shapes')
      throw new SuiteFailure(`suite ${suite.id}: synthetic reference images are drawn from synthetic prompts only`);
    const prompts = syntheticPrompts(suite.prompts.seed);
    for (let start = 0; start < prompts.length; start += suite.batch_size) {
      const count = Math.min(suite.batch_size, prompts.length - start);
      const images = new Uint8Array(count * R * R * 3);
      for (let k = 0; k < count; k++) images.set(drawPrompt(prompts[start + k]!, R, ref.seed, start + k), k * R * R * 3);
      yield { start, count, resolution: R, images };
    }
    return;
  }
  const path = await verifyAsset(dirs.referenceDir, ref, 'reference');
  const reader = await openNpz(path);
  try {
    const { resolution } = requireAdmImagesOr(reader, path, (m, o) => new SuiteFailure(m, o));
    let start = 0;
    for await (const rows of reader.rows(ADM_IMAGES, { batchRows: suite.batch_size })) {
      const count = rows.shape[0]!;
      yield { start, count, resolution, images: rows.data as Uint8Array };
      start += count;
    }
  } finally {
    await reader.close();
  }
}

async function evaluateTextToImage(input: EvaluationInput): Promise<TaskResult> {
  const { manifest, suite } = input;
  if (!isTextToImageSuite(suite)) throw new Error(`suite ${suite.id} is not a text-to-image suite`);
  if (!(suite.kinds as readonly string[]).includes(manifest.kind))
    throw new ModelFailure(`suite ${suite.id} scores ${suite.kinds.join('/')} models, not ${manifest.kind}`);
  if (!('resolution' in manifest) || manifest.resolution !== suite.resolution)
    throw new ModelFailure(`suite ${suite.id} is at ${suite.resolution}×${suite.resolution}; the model declares another resolution`);
  const ep = input.executionProvider ?? 'cpu';
  const dirs = input.assetDirs;
  const t0 = performance.now();
  const clock = new StageClock();
  const prompts = await loadPrompts(suite, dirs);
  const n = prompts.length;
  const loopStage: Stage = manifest.kind === 'samples' ? 'decoding' : 'sampling';
  const source = await openTextImageSource(input, suite, prompts, (done) => {
    input.onProgress?.(done / n);
    input.onStage?.(clock.progress(done, n, loopStage));
  });
  const opened: { close(): Promise<void> }[] = [source];
  try {
    const fid = await FeatureExtractor.open(suite.extractor, ep, { modelsDir: dirs.modelsDir });
    opened.push(fid);
    const clip = await ClipModelSession.open(suite.clip, suite.resolution, ep, dirs);
    opened.push(clip);
    const dinov2 = suite.dinov2 ? await FeatureExtractor.open(suite.dinov2, ep, { modelsDir: dirs.modelsDir }) : undefined;
    if (dinov2) opened.push(dinov2);
    const wantFid = suite.metrics.includes('fid');
    const wantDinov2 = dinov2 !== undefined && suite.metrics.includes('fd_dinov2');

    const features = async (batch: ImageBatch, into: { pool: Rows; clip: Rows; dinov2: Rows }) => {
      if (wantFid) {
        const f = await fid.extract(batch.images, batch.count, batch.resolution);
        into.pool.add(f.pool, batch.count, f.poolDim);
      }
      const c = await clip.embedImages(batch.images, batch.count, batch.resolution);
      into.clip.add(c.data, batch.count, c.dim);
      if (wantDinov2) {
        const f = await dinov2.extract(batch.images, batch.count, batch.resolution);
        into.dinov2.add(f.pool, batch.count, f.poolDim);
      }
    };

    const samples = { pool: new Rows(), clip: new Rows(), dinov2: new Rows() };
    clock.startLoop();
    let scored = 0;
    const batches = source.batches();
    try {
      for (;;) {
        const next = await clock.time(loopStage, () => batches.next());
        if (next.done) break;
        const batch = next.value;
        // Each sample answers its prompt: kept beside it (sample-set.ts).
        await input.onSamples?.({
          ...batch,
          conditions: prompts.slice(batch.start, batch.start + batch.count).map((prompt) => ({ prompt })),
        });
        await clock.time('features', () => features(batch, samples));
        scored = batch.start + batch.count;
        input.onProgress?.(scored / n);
        input.onStage?.(clock.progress(scored, n, 'features'));
      }
    } finally {
      await batches.return(undefined);
    }
    if (scored !== n) throw new ModelFailure(`the submission produced ${scored} samples for ${n} prompts`);

    // The prompts' CLIP text embeddings, in the suite's order.
    const promptRows = new Rows();
    let truncatedPrompts = 0;
    await clock.time('features', async () => {
      for (let start = 0; start < n; start += suite.batch_size) {
        const e = await clip.embedPrompts(prompts.slice(start, start + suite.batch_size));
        promptRows.add(e.data, Math.min(suite.batch_size, n - start), e.dim);
        truncatedPrompts += e.truncated;
      }
    });

    const reference = { pool: new Rows(), clip: new Rows(), dinov2: new Rows() };
    let referenceCount = 0;
    await clock.time('reference', async () => {
      for await (const batch of referenceImages(suite, dirs)) {
        await features(batch, reference);
        referenceCount += batch.count;
        input.onStage?.(clock.progress(n, n, 'reference'));
      }
    });

    input.onStage?.(clock.progress(n, n, 'metrics'));
    const sampleFile: ActivationsFile = {
      kind: 'activations',
      file: 'samples',
      pool: samples.pool.set(),
      clip: samples.clip.set(),
      clip_text: promptRows.set(),
      dinov2: samples.dinov2.set(),
    };
    const referenceFile: ActivationsFile = {
      kind: 'activations',
      file: 'reference',
      pool: reference.pool.set(),
      clip: reference.clip.set(),
      dinov2: reference.dinov2.set(),
    };
    const report = await clock.time('metrics', () => computeMetrics(sampleFile, referenceFile, { only: suite.metrics }));
    const metrics: MetricResult[] = suite.metrics.map((id) => {
      const value = report[id];
      if (typeof value !== 'number') throw new Error(`metric ${id} could not be computed: ${report.unavailable[id] ?? 'not computed'}`);
      return { id, value };
    });
    const sourceProtocol = source.protocol();
    return {
      metrics,
      protocol: {
        ...report.protocol,
        ...sourceProtocol,
        prompts: { ...suite.prompts, count: n, clipTokenizerTruncated: truncatedPrompts },
        quantization: suite.quantization,
        samples: n,
        seed: suite.seed,
        batchSize: suite.batch_size,
        reference: { ...suite.reference, images: referenceCount },
        extractor: { ...suite.extractor, executionProvider: fid.executionProvider },
        clip: suite.clip,
        ...(suite.dinov2 ? { dinov2: suite.dinov2 } : {}),
        ...(suite.sampler && manifest.kind === 'denoiser' ? { guidance: suite.sampler.guidance, unconditional: 'empty prompt' } : {}),
      },
      executionProvider: source.executionProvider ?? fid.executionProvider,
      warnings: [...source.warnings, ...fid.warnings.map((w) => `feature extractor: ${w}`)],
      durationsMs: {
        ...Object.fromEntries(Object.entries(clock.wallMs).map(([k, v]) => [k, Math.round(v)])),
        total: Math.round(performance.now() - t0),
      },
    };
  } finally {
    for (const o of opened.reverse()) await o.close();
  }
}
