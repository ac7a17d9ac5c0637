// Zero-shot segmentation suites: an `extractor` or `segmenter` submission runs on a suite's labelled images,
// its output becomes one id map per image at the label resolution, and SegmentationScorer matches ids to
// classes under the suite's protocol (runner/src/segmentation/protocols.ts).
//
// - segmenter: `segments` ids are resized by nearest neighbour; `scores` are upsampled bilinearly, then argmax.
// - extractor, per-image-hungarian: k-means (K of the suite, capped at the grid size) on each image's own
//   feature grid; every pixel takes its nearest centroid (runner/src/tasks/segmentation/segmentation-maps.ts).
// - extractor, dataset-hungarian: one k-means on feature vectors pooled over the whole set, so cluster ids
//   mean the same in every image (STEGO's cluster probe is likewise fitted on the set). When the set has more
//   than `clustering.max_points` grid vectors, each image contributes an equal share, ⌊max_points / N⌋ grid
//   positions drawn for image i from mixSeed(seed, i) — independent of batch size and order. Every pixel of
//   every image is then assigned to the fitted centroids. Feature maps are kept between the two passes up to
//   a memory budget; beyond it the model is run a second time on the same batches.
// - k-means++ is seeded with the suite's `seed`, the same for every image.
import * as ort from 'onnxruntime-node';
import { openSegmentationDataset, type SegmentationDataset } from '../../datasets/segmentation-dataset.js';
import { isSegmentationManifest, type SegmentationManifest } from '../../../../contracts/manifest/segmentation-manifest.schemas.js';
import { normalizeNhwc } from '../../preprocessing/normalization.js';
import { preprocess } from '../../preprocessing/preprocess.js';
import { kmeans } from '../../segmentation/kmeans.js';
import { SegmentationScorer } from '../../segmentation/protocols.js';
import { isSegmentationSuite, type SegmentationSuiteDefinition } from '../../../../contracts/suites/segmentation-suite.schemas.js';
import { SuiteFailure } from '../../evaluation/evaluation-failure.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { firstNonFinite, openSession, runModel } from '../../evaluation/onnx-session.js';
import type { EvaluationInput, TaskFamily, TaskResult } from '../task-family.js';
import { declaredOutput, parseSegmentationOutput, SegmentationOutputProblem, type SegmentationOutput } from './segmentation-output.js';
import { assignClusters, gridPoints, resizeSegments, samplePositions, upsampledArgExtreme } from './segmentation-maps.js';

export interface SegmentationEvaluationOptions {
  /** dataset-hungarian: bytes of feature maps kept between the fit and the assignment. Default 512 MiB. */
  featureCacheBytes?: number;
}

const DEFAULT_FEATURE_CACHE_BYTES = 512 * 2 ** 20;

interface Batch {
  start: number;
  output: SegmentationOutput;
}

/** Runs the submitted graph on the dataset batch by batch; every output is checked before it is used. */
class SegmentationModel {
  private readonly output: { role: SegmentationOutput['role']; name: string };

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly manifest: SegmentationManifest,
    private readonly dataset: SegmentationDataset,
    readonly batchSize: number,
  ) {
    this.output = declaredOutput(manifest);
  }

  get batchCount(): number {
    return Math.ceil(this.dataset.count / this.batchSize);
  }

  async run(b: number): Promise<Batch> {
    const { dataset, manifest } = this;
    const size = dataset.size;
    const start = b * this.batchSize;
    const count = Math.min(this.batchSize, dataset.count - start);
    const pixels = new Uint8Array(count * size * size * 3);
    // Decoding runs on libuv's thread pool: a batch's files are read in parallel.
    const images = await Promise.all(Array.from({ length: count }, (_, i) => dataset.image(start + i)));
    images.forEach((image, i) => pixels.set(image, i * size * size * 3));
    const s = manifest.input_size;
    const input =
      s === size
        ? normalizeNhwc(pixels, count, size, manifest.normalization)
        : preprocess(pixels, count, size, manifest.preprocessing, s, manifest.normalization);
    const { name, role } = this.output;
    const out = await runModel(
      this.session,
      { [manifest.inputs.images]: new ort.Tensor('float32', input, [count, 3, s, s]) },
      [name],
      `running on images ${start}–${start + count - 1} of the dataset`,
    );
    const parsed = parseSegmentationOutput(manifest, out[name], count);
    if (parsed instanceof SegmentationOutputProblem) throw new ModelFailure(parsed.problem);
    if (parsed.role !== 'segments') {
      const bad = firstNonFinite(parsed.data);
      if (bad >= 0) {
        const perImage = parsed.data.length / count;
        throw new ModelFailure(
          `output "${name}" (${role}) holds ${parsed.data[bad]} for image ${start + Math.floor(bad / perImage)} of the dataset; ${role} must be finite`,
        );
      }
    }
    return { start, output: parsed };
  }
}

function labelsOf(dataset: SegmentationDataset, start: number, count: number): Promise<Uint8Array[]> {
  return Promise.all(Array.from({ length: count }, (_, j) => dataset.label(start + j)));
}

/** One image's slice of a batch output. */
function imageOf(o: SegmentationOutput, j: number): Float32Array | Int32Array {
  const n = o.channels * o.height * o.width;
  return o.data.subarray(j * n, (j + 1) * n);
}

/** Zero-shot segmentation suites: extractors and segmenters scored by their own pipeline on a labelled dataset. */
export const segmentationTask: TaskFamily = {
  id: 'zero-shot-segmentation',
  serves: (suite) => isSegmentationSuite(suite),
  evaluate: (input) => runSegmentationEvaluation(input),
};

/**
 * Runs a zero-shot segmentation suite on an `extractor` or `segmenter` (segmentationTask; `options` are for
 * tests), in the runner's child process and in `genbench evaluate` alike.
 */
export async function runSegmentationEvaluation(input: EvaluationInput, options: SegmentationEvaluationOptions = {}): Promise<TaskResult> {
  const { manifest, suite } = input;
  if (!isSegmentationSuite(suite) || !isSegmentationManifest(manifest) || !(suite.kinds as readonly string[]).includes(manifest.kind)) {
    throw new ModelFailure(`suite ${suite.id} scores ${suite.kinds.join('/')} models, not ${manifest.kind}`);
  }
  const t0 = performance.now();
  const durationsMs: Record<string, number> = {};
  const dataset = await openSegmentationDataset(suite, input.assetDirs.datasetsDir);
  const opened = await openSession(input.model, input.executionProvider ?? 'cpu');
  const warnings = [...opened.warnings];
  try {
    const model = new SegmentationModel(opened.session, manifest, dataset, suite.batch_size);
    const scoring =
      manifest.kind === 'extractor' && suite.protocol === 'dataset-hungarian'
        ? await pooledClusters(model, suite, dataset, input.onProgress, options.featureCacheBytes ?? DEFAULT_FEATURE_CACHE_BYTES, warnings)
        : await perImage(model, suite, dataset, input.onProgress, warnings);
    durationsMs.total = performance.now() - t0;
    const result = scoring.scorer.result();
    if (Number.isNaN(result.pixel_accuracy))
      throw new SuiteFailure(`suite ${suite.id}: the dataset has no labelled pixels (labels outside 0..${suite.classes - 1} everywhere)`);
    const values: Record<string, number> = { miou: result.miou, pixel_accuracy: result.pixel_accuracy };
    const { role } = declaredOutput(manifest);
    return {
      metrics: suite.metrics.map((id) => ({ id, value: values[id]! })),
      protocol: {
        protocol: suite.protocol,
        classes: suite.classes,
        clusters: scoring.clusters,
        seed: suite.seed,
        clustering: scoring.clustering,
        dataset: suite.dataset,
        images: dataset.count,
        resolution: suite.resolution,
        ignored: `labels outside 0..${suite.classes - 1}`,
        input: {
          size: manifest.input_size,
          normalization: manifest.normalization,
          resize: manifest.input_size === suite.resolution ? null : manifest.preprocessing,
        },
        output: { role, size: scoring.outputSize },
        upsampling:
          role === 'segments'
            ? 'ids: nearest neighbour (Pillow NEAREST)'
            : role === 'scores'
              ? 'scores: bilinear, align_corners=False, float64; then argmax (ties to the lower index)'
              : 'features: nearest centroid to the bilinearly upsampled feature (align_corners=False), computed as the argmin of upsampled ‖c‖² − 2c·f',
        batchSize: suite.batch_size,
      },
      executionProvider: opened.executionProvider,
      warnings,
      durationsMs,
    };
  } finally {
    await opened.session.release();
  }
}

interface Scored {
  scorer: SegmentationScorer;
  /** K of k-means as used (extractor), null for segmenters. */
  clusters: number | null;
  clustering: Record<string, unknown> | null;
  outputSize: [number, number] | null;
}

/** Segmenters (either protocol) and extractors under per-image-hungarian: one pass, image by image. */
async function perImage(
  model: SegmentationModel,
  suite: SegmentationSuiteDefinition,
  dataset: SegmentationDataset,
  onProgress: ((f: number) => void) | undefined,
  warnings: string[],
): Promise<Scored> {
  const scorer = new SegmentationScorer({ protocol: suite.protocol, numClasses: suite.classes });
  const size = dataset.size;
  let outputSize: [number, number] | null = null;
  let clusters: number | null = null;
  let iterations = 0;
  let unconverged = 0;
  for (let b = 0; b < model.batchCount; b++) {
    const { start, output } = await model.run(b);
    outputSize ??= [output.height, output.width];
    const labels = await labelsOf(dataset, start, output.count);
    for (let j = 0; j < output.count; j++) {
      const data = imageOf(output, j);
      let pred: Int32Array;
      if (output.role === 'segments') pred = resizeSegments(data as Int32Array, output.height, output.width, size, size);
      else if (output.role === 'scores') pred = upsampledArgExtreme(data, output.channels, output.height, output.width, size, size, 'max');
      else {
        const k = Math.min(suite.classes, output.height * output.width);
        if (clusters === null && k < suite.classes)
          warnings.push(`the feature map has ${k} grid points, fewer than K = ${suite.classes}: each image is clustered into ${k}`);
        clusters = k;
        const fit = kmeans(gridPoints(data as Float32Array, output.channels, output.height, output.width), output.channels, k, {
          seed: suite.seed,
          maxIterations: suite.clustering.max_iterations,
        });
        iterations += fit.iterations;
        if (!fit.converged) unconverged++;
        pred = assignClusters(data as Float32Array, output.channels, output.height, output.width, fit.centroids, k, size, size);
      }
      scorer.add(labels[j]!, pred, size, size);
    }
    onProgress?.((start + output.count) / dataset.count);
  }
  const clustering =
    clusters === null
      ? null
      : {
          algorithm: 'k-means++ seeding, Lloyd iterations, float64',
          fit: 'each image on its own feature grid',
          seed: suite.seed,
          maxIterations: suite.clustering.max_iterations,
          meanIterations: iterations / dataset.count,
          imagesNotConverged: unconverged,
        };
  return { scorer, clusters, clustering, outputSize };
}

/** Extractors under dataset-hungarian: fit k-means on pooled features, then assign every pixel (two passes). */
async function pooledClusters(
  model: SegmentationModel,
  suite: SegmentationSuiteDefinition,
  dataset: SegmentationDataset,
  onProgress: ((f: number) => void) | undefined,
  cacheBytes: number,
  warnings: string[],
): Promise<Scored> {
  const n = dataset.count;
  const size = dataset.size;
  let shape: { channels: number; height: number; width: number } | undefined;
  let perImage = 0;
  let pool = new Float32Array(0);
  let pooled = 0;
  const cache = new Map<number, Batch>();
  let cached = 0;
  for (let b = 0; b < model.batchCount; b++) {
    const batch = await model.run(b);
    const o = batch.output;
    if (!shape) {
      shape = { channels: o.channels, height: o.height, width: o.width };
      perImage = Math.min(o.height * o.width, Math.max(1, Math.floor(suite.clustering.max_points / n)));
      pool = new Float32Array(n * perImage * o.channels);
    } else if (o.channels !== shape.channels || o.height !== shape.height || o.width !== shape.width) {
      throw new ModelFailure(
        `the feature map changed shape between batches: [${shape.channels}, ${shape.height}, ${shape.width}], then [${o.channels}, ${o.height}, ${o.width}] for images from ${batch.start}`,
      );
    }
    for (let j = 0; j < o.count; j++) {
      const positions = samplePositions(o.height * o.width, perImage, suite.seed, batch.start + j);
      pool.set(gridPoints(imageOf(o, j) as Float32Array, o.channels, o.height, o.width, positions), pooled * o.channels);
      pooled += positions.length;
    }
    if (cached + o.data.byteLength <= cacheBytes) {
      cache.set(b, batch);
      cached += o.data.byteLength;
    }
    onProgress?.((0.5 * (batch.start + o.count)) / n);
  }
  const { channels, height, width } = shape!;
  const k = Math.min(suite.classes, pooled);
  if (k < suite.classes)
    warnings.push(`only ${pooled} feature vectors were pooled, fewer than K = ${suite.classes}: ${k} clusters were fitted`);
  const fit = kmeans(pool.subarray(0, pooled * channels), channels, k, {
    seed: suite.seed,
    maxIterations: suite.clustering.max_iterations,
  });

  const scorer = new SegmentationScorer({ protocol: 'dataset-hungarian', numClasses: suite.classes, numClusters: k });
  for (let b = 0; b < model.batchCount; b++) {
    const batch = cache.get(b) ?? (await model.run(b));
    cache.delete(b);
    const o = batch.output;
    if (o.channels !== channels || o.height !== height || o.width !== width) {
      throw new ModelFailure(
        `the feature map changed shape between two runs on the same images (from ${batch.start}): the model is not deterministic`,
      );
    }
    const labels = await labelsOf(dataset, batch.start, o.count);
    for (let j = 0; j < o.count; j++) {
      const pred = assignClusters(imageOf(o, j) as Float32Array, channels, height, width, fit.centroids, k, size, size);
      scorer.add(labels[j]!, pred, size, size);
    }
    onProgress?.(0.5 + (0.5 * (batch.start + o.count)) / n);
  }
  return {
    scorer,
    clusters: k,
    clustering: {
      algorithm: 'k-means++ seeding, Lloyd iterations, float64',
      fit: 'once, on feature vectors pooled over the dataset',
      seed: suite.seed,
      maxIterations: suite.clustering.max_iterations,
      maxPoints: suite.clustering.max_points,
      pooledPoints: pooled,
      pointsPerImage: perImage,
      sampling:
        pooled === n * height * width ? 'every grid point' : `${perImage} grid positions per image drawn from mixSeed(seed, image index)`,
      iterations: fit.iterations,
      converged: fit.converged,
      inertia: fit.inertia,
    },
    outputSize: [height, width],
  };
}
