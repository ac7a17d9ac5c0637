import { describe, expect, it } from 'vitest';
import { findSuite } from '../../../../benchmarks/index.js';
import { exampleManifest } from '../../../../benchmarks/smoke/example-models.js';
import { inspectModel } from '../../inspect/inspect-model.js';
import {
  buildColourSegmenter,
  buildConstantSegmenter,
  buildFlatExtractor,
  buildRgbExtractor,
  extractorManifest,
  segmenterManifest,
} from '../../onnx/models/segmentation-models.js';
import { buildTinyGenerator } from '../../onnx/models/tiny-generator.js';
import { SYNTHETIC_NUM_CLASSES, syntheticSegmentationSample } from '../../segmentation/synthetic-dataset.js';
import { isSegmentationSuite, type SegmentationSuiteDefinition } from '../../../../contracts/suites/segmentation-suite.schemas.js';
import type { SuiteDefinition } from '../../../../contracts/suites/suite.schemas.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { runEvaluation } from '../evaluate.js';
import { runSegmentationEvaluation } from './segmentation.task.js';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';

/** These suites read no files: directories under an empty environment's defaults, never the machine's. */
const NO_ASSET_FILES = loadAssetDirs({});

function segSuite(id: string): SegmentationSuiteDefinition {
  const s = findSuite(id);
  if (!s || !isSegmentationSuite(s)) throw new Error(`${id} is not a segmentation suite`);
  return s;
}
const DATASET = segSuite('smoke-seg-dataset');
const PER_IMAGE = segSuite('smoke-seg-per-image');
const SIZE = DATASET.resolution;

/** Mean colour of each class, measured on synthetic images the suites do not score (another seed). */
function classColours(): Array<[number, number, number]> {
  const sums = Array.from({ length: SYNTHETIC_NUM_CLASSES }, () => [0, 0, 0, 0]);
  for (let i = 0; i < 8; i++) {
    const s = syntheticSegmentationSample({ seed: 12345, height: SIZE, width: SIZE }, i);
    for (let p = 0; p < s.label.length; p++) {
      const c = s.label[p]!;
      if (c >= SYNTHETIC_NUM_CLASSES) continue;
      for (let ch = 0; ch < 3; ch++) sums[c]![ch]! += s.image[p * 3 + ch]!;
      sums[c]![3]!++;
    }
  }
  return sums.map(([r, g, b, n]) => [r! / n!, g! / n!, b! / n!]);
}

/** Labelled-pixel counts per class of every image the smoke suites score. */
function classCounts(suite: SegmentationSuiteDefinition): number[][] {
  if (suite.dataset.type !== 'synthetic-shapes') throw new Error('synthetic suites only');
  const out: number[][] = [];
  for (let i = 0; i < suite.dataset.images; i++) {
    const { label } = syntheticSegmentationSample({ seed: suite.dataset.seed, height: SIZE, width: SIZE }, i);
    const counts = new Array<number>(suite.classes).fill(0);
    for (const g of label) if (g < suite.classes) counts[g]!++;
    out.push(counts);
  }
  return out;
}

const argmax = (xs: number[]) => xs.reduce((best, x, i) => (x > xs[best]! ? i : best), 0);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * A constant segmenter (one segment everywhere) under each protocol, straight from the definitions in
 * shared/fixtures/README.md: its one segment is matched to the class with the most labelled pixels (of the
 * set, or of each image) and every other labelled pixel is its false positive and its class's false negative.
 */
function constantSegmenterScores(counts: number[][], k: number) {
  const miou = (tp: number[], fp: number[], fn: number[]) => {
    const ious = tp.map((t, c) => [t, t + fp[c]! + fn[c]!] as const).filter(([, d]) => d > 0);
    return sum(ious.map(([t, d]) => t / d)) / ious.length;
  };
  const labelled = sum(counts.map(sum));
  const totals = Array.from({ length: k }, (_, c) => sum(counts.map((row) => row[c]!)));
  const best = argmax(totals);
  const tp = totals.map((t, c) => (c === best ? t : 0));
  const fp = totals.map((_, c) => (c === best ? labelled - totals[best]! : 0));
  const fn = totals.map((t, c) => (c === best ? 0 : t));
  const dataset = { miou: miou(tp, fp, fn), pixel_accuracy: totals[best]! / labelled };

  const tp2 = new Array<number>(k).fill(0);
  const fp2 = new Array<number>(k).fill(0);
  const fn2 = new Array<number>(k).fill(0);
  for (const row of counts) {
    const b = argmax(row);
    // A tie would make the matched class depend on the assignment's tie rule; the smoke images have none.
    expect(row.filter((x) => x === row[b]).length).toBe(1);
    tp2[b]! += row[b]!;
    fp2[b]! += sum(row) - row[b]!;
    row.forEach((x, c) => {
      if (c !== b) fn2[c]! += x;
    });
  }
  const perImage = { miou: miou(tp2, fp2, fn2), pixel_accuracy: sum(tp2) / labelled };
  return { dataset, perImage };
}

function metricsOf(out: { metrics: Array<{ id: string; value: number }> }): Record<string, number> {
  return Object.fromEntries(out.metrics.map((m) => [m.id, m.value]));
}

async function failureOf(p: Promise<unknown>): Promise<ModelFailure> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFailure);
    return err as ModelFailure;
  }
  throw new Error('expected a ModelFailure');
}

describe('zero-shot segmentation evaluation on the smoke suites', () => {
  const colours = classColours();

  it.each([
    ['segments', 'smoke-seg-dataset'],
    ['segments', 'smoke-seg-per-image'],
    ['scores', 'smoke-seg-dataset'],
    ['scores', 'smoke-seg-per-image'],
  ] as const)('a segmenter returning the true classes as %s scores mIoU 1 on %s', async (output, id) => {
    const suite = segSuite(id);
    const model = buildColourSegmenter({ inputSize: SIZE, prototypes: colours, output });
    const manifest = segmenterManifest(`colour-${output}`, SIZE, output);
    expect(await inspectModel(model, manifest)).toMatchObject({ ok: true });
    const out = await runEvaluation({ assetDirs: NO_ASSET_FILES, model, manifest, suite });
    expect(metricsOf(out)).toEqual({ miou: 1, pixel_accuracy: 1 });
    expect(out.protocol).toMatchObject({
      protocol: suite.protocol,
      classes: 5,
      clusters: null,
      seed: 0,
      clustering: null,
      output: { role: output, size: [SIZE, SIZE] },
    });
  });

  it('a constant segmenter scores what the protocols define', async () => {
    const model = buildConstantSegmenter({ inputSize: SIZE });
    const manifest = segmenterManifest('constant', SIZE, 'segments');
    const expected = constantSegmenterScores(classCounts(DATASET), DATASET.classes);
    const onDataset = metricsOf(await runEvaluation({ assetDirs: NO_ASSET_FILES, model, manifest, suite: DATASET }));
    const onImages = metricsOf(await runEvaluation({ assetDirs: NO_ASSET_FILES, model, manifest, suite: PER_IMAGE }));
    expect(onDataset.miou).toBeCloseTo(expected.dataset.miou, 12);
    expect(onDataset.pixel_accuracy).toBeCloseTo(expected.dataset.pixel_accuracy, 12);
    expect(onImages.miou).toBeCloseTo(expected.perImage.miou, 12);
    expect(onImages.pixel_accuracy).toBeCloseTo(expected.perImage.pixel_accuracy, 12);
    // The two protocols differ here: per image the one segment takes each image's largest class.
    expect(onImages.miou).not.toBeCloseTo(onDataset.miou, 3);
  });

  it('clusters an RGB extractor with K-means: pooled for dataset-hungarian, per image otherwise, and records how', async () => {
    const model = buildRgbExtractor({ inputSize: SIZE });
    const manifest = extractorManifest('rgb', SIZE);
    expect(await inspectModel(model, manifest)).toMatchObject({ ok: true });
    const pooled = await runEvaluation({ assetDirs: NO_ASSET_FILES, model, manifest, suite: DATASET });
    // Five well-separated colours: k-means on the pooled pixels finds the five classes.
    expect(metricsOf(pooled).miou).toBeGreaterThan(0.99);
    expect(pooled.protocol).toMatchObject({
      protocol: 'dataset-hungarian',
      classes: 5,
      clusters: 5,
      seed: 0,
      clustering: {
        fit: 'once, on feature vectors pooled over the dataset',
        seed: 0,
        pooledPoints: 64 * Math.floor(100_000 / 64),
        pointsPerImage: Math.floor(100_000 / 64),
      },
    });
    const perImage = await runEvaluation({ assetDirs: NO_ASSET_FILES, model, manifest, suite: PER_IMAGE });
    // Five clusters per image over-segment images with fewer classes: good, not perfect.
    expect(metricsOf(perImage).miou).toBeGreaterThan(0.7);
    expect(metricsOf(perImage).miou).toBeLessThan(1);
    expect(perImage.protocol).toMatchObject({
      protocol: 'per-image-hungarian',
      clusters: 5,
      clustering: { fit: 'each image on its own feature grid', seed: 0 },
    });
  });

  it('is deterministic, and the same whether the feature maps are kept between passes or recomputed', async () => {
    const model = buildRgbExtractor({ inputSize: SIZE, pool: 4 });
    const manifest = extractorManifest('rgb-pooled', SIZE);
    const kept = await runSegmentationEvaluation({ assetDirs: NO_ASSET_FILES, model, manifest, suite: DATASET });
    const recomputed = await runSegmentationEvaluation(
      { assetDirs: NO_ASSET_FILES, model, manifest, suite: DATASET },
      { featureCacheBytes: 0 },
    );
    expect(recomputed.metrics).toEqual(kept.metrics);
    expect(kept.protocol).toMatchObject({ output: { role: 'features', size: [16, 16] } });
    // A coarser grid is upsampled to the labels: still good, no longer perfect.
    expect(metricsOf(kept).miou).toBeGreaterThan(0.8);
  });

  it('resizes the suite images to the model input size, and reports progress up to 1', async () => {
    const model = buildRgbExtractor({ inputSize: 32 });
    const progress: number[] = [];
    const out = await runEvaluation({
      assetDirs: NO_ASSET_FILES,
      model,
      manifest: extractorManifest('rgb-32', 32),
      suite: PER_IMAGE,
      onProgress: (f) => progress.push(f),
    });
    expect(out.protocol).toMatchObject({
      input: { size: 32, resize: 'pil-bicubic', normalization: 'minus-one-one' },
      output: { size: [32, 32] },
    });
    expect(metricsOf(out).miou).toBeGreaterThan(0.7);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });
});

describe('zero-shot segmentation failures', () => {
  it('fails a model whose features hold NaN, naming the image', async () => {
    const model = buildRgbExtractor({ inputSize: 64, nan: true });
    const err = await failureOf(
      runEvaluation({ assetDirs: NO_ASSET_FILES, model, manifest: extractorManifest('nan', 64), suite: PER_IMAGE }),
    );
    expect(err.message).toMatch(/output "features" \(features\) holds NaN for image 0 of the dataset; features must be finite/);
  });

  it('fails a model whose output has the wrong rank, and refuses it at submission', async () => {
    const model = buildFlatExtractor({ inputSize: 64 });
    const manifest = extractorManifest('flat', 64);
    const err = await failureOf(runEvaluation({ assetDirs: NO_ASSET_FILES, model, manifest, suite: DATASET }));
    expect(err.message).toContain('must be a feature map [N, C, h, w] with N = 16, got shape [16, 12288]');
    expect(await inspectModel(model, manifest)).toEqual({
      ok: false,
      field: 'outputs.features',
      problem: 'for a batch of 2 images output "features" must be a feature map [N, C, h, w] with N = 2, got shape [2, 12288]',
    });
  });

  it('refuses at submission a manifest whose input size or tensor names contradict the graph', async () => {
    const model = buildRgbExtractor({ inputSize: 64 });
    expect(await inspectModel(model, extractorManifest('wrong-size', 48))).toMatchObject({ ok: false, field: 'input_size' });
    expect(await inspectModel(model, { ...extractorManifest('wrong-out', 64), outputs: { features: 'feats' } })).toMatchObject({
      ok: false,
      field: 'outputs.features',
      problem: expect.stringContaining('no output named "feats"'),
    });
    const seg = buildConstantSegmenter({ inputSize: 64 });
    expect(await inspectModel(seg, segmenterManifest('scores-but-ids', 64, 'scores'))).toMatchObject({
      ok: false,
      field: 'outputs.scores',
    });
    expect(
      await inspectModel(
        buildColourSegmenter({ inputSize: 64, prototypes: [[0, 0, 0]], output: 'scores' }),
        segmenterManifest('ids-but-scores', 64, 'segments'),
      ),
    ).toMatchObject({
      ok: false,
      field: 'outputs.segments',
    });
  });

  it('refuses to score a kind the suite does not take, either way', async () => {
    const generator = buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1 });
    const e1 = await failureOf(
      runEvaluation({ assetDirs: NO_ASSET_FILES, model: generator, manifest: exampleManifest('gen'), suite: DATASET }),
    );
    expect(e1.message).toBe('suite smoke-seg-dataset scores extractor/segmenter models, not generator');
    const e2 = await failureOf(
      runEvaluation({
        assetDirs: NO_ASSET_FILES,
        model: buildRgbExtractor({ inputSize: 32 }),
        manifest: extractorManifest('x', 32),
        suite: findSuite('smoke-32') as SuiteDefinition,
      }),
    );
    expect(e2.message).toBe('suite smoke-32 scores generator models, not extractor');
  });
});
