import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildColourSegmenter,
  buildConstantSegmenter,
  buildFlatExtractor,
  buildRgbExtractor,
  extractorManifest,
  segmenterManifest,
} from '../../runner/src/onnx/models/segmentation-models.js';
import { SYNTHETIC_CLASS_COLOURS } from '../../benchmarks/segmentation/example-models.js';
import { getJson, type TestStack, startStack, submitModel, waitForEvaluation } from '../support/stack.js';

const run = promisify(execFile);

const CLASS_COLOURS = SYNTHETIC_CLASS_COLOURS;

/** Extractors and segmenters: submitted through the API, queued, scored by a runner, ranked per protocol. */
describe('zero-shot segmentation through API, queue and runner', () => {
  let stack: TestStack;
  let emptyDatasets: string;
  const previous = process.env.GENBENCH_DATASETS_DIR;

  beforeAll(async () => {
    // No COCO-Stuff or Cityscapes here, whatever this machine has: those suites are reported as unavailable.
    emptyDatasets = await mkdtemp(join(tmpdir(), 'genbench-no-datasets-'));
    process.env.GENBENCH_DATASETS_DIR = emptyDatasets;
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
    if (previous === undefined) delete process.env.GENBENCH_DATASETS_DIR;
    else process.env.GENBENCH_DATASETS_DIR = previous;
    await rm(emptyDatasets, { recursive: true, force: true });
  });

  it('scores an extractor and segmenters on both smoke suites and ranks them on per-protocol boards', async () => {
    const extractor = buildRgbExtractor({ inputSize: 64 });
    const submissions = [
      await submitModel(
        stack,
        stack.submitterToken,
        buildColourSegmenter({ inputSize: 64, prototypes: CLASS_COLOURS, output: 'scores' }),
        segmenterManifest('seg-colour', 64, 'scores'),
      ),
      await submitModel(stack, stack.submitterToken, extractor, extractorManifest('seg-rgb-features', 64)),
      await submitModel(
        stack,
        stack.submitterToken,
        buildConstantSegmenter({ inputSize: 32 }),
        segmenterManifest('seg-constant', 32, 'segments'),
      ),
    ];
    for (const s of submissions) {
      expect(s.status, JSON.stringify(s.body)).toBe(201);
      // Matched by kind and task only: the 32×32 segmenter is queued on the 64×64 suites too.
      expect(s.body.evaluations.map((e: any) => e.suite.id).sort()).toEqual(['smoke-seg-dataset', 'smoke-seg-per-image']);
      for (const id of ['cocostuff27-dataset', 'cocostuff27-per-image', 'cityscapes27-dataset', 'cityscapes27-per-image']) {
        const warning = s.body.warnings.find((w: string) => w.includes(`not queued on ${id} v1`));
        // What to download and the setting naming the directory, never the server's path (README.md, "Security").
        expect(warning, id).toContain('is not complete under $GENBENCH_DATASETS_DIR');
        expect(warning, id).not.toContain(emptyDatasets);
      }
    }

    const finals = new Map<string, any>();
    for (const s of submissions) {
      for (const e of s.body.evaluations) {
        const { final } = await waitForEvaluation(stack, e.id);
        expect(final.status, final.failureReason).toBe('succeeded');
        expect(final.progress).toBe(1);
        finals.set(`${s.body.model.name}@${e.suite.id}`, final);
      }
    }
    const features = finals.get('seg-rgb-features@smoke-seg-per-image');
    expect(features.provenance).toMatchObject({
      suite: { id: 'smoke-seg-per-image', version: 1 },
      seed: 0,
      protocol: {
        protocol: 'per-image-hungarian',
        classes: 5,
        clusters: 5,
        seed: 0,
        clustering: { seed: 0, fit: 'each image on its own feature grid' },
      },
    });
    expect(finals.get('seg-rgb-features@smoke-seg-dataset').provenance.protocol).toMatchObject({
      protocol: 'dataset-hungarian',
      classes: 5,
      clusters: 5,
      seed: 0,
    });
    expect(finals.get('seg-colour@smoke-seg-dataset').metrics).toEqual({ miou: 1, pixel_accuracy: 1 });
    expect(finals.get('seg-colour@smoke-seg-per-image').metrics).toEqual({ miou: 1, pixel_accuracy: 1 });

    for (const protocol of ['per-image-hungarian', 'dataset-hungarian'] as const) {
      const lb = await getJson(stack, `/api/leaderboards?task=zero-shot-segmentation&protocol=${protocol}`);
      // One board per suite, and only suites of that protocol: protocols are never ranked together.
      expect(lb.boards.map((b: any) => b.suite.protocol)).toEqual(lb.boards.map(() => protocol));
      const board = lb.boards.find(
        (b: any) => b.suite.id === (protocol === 'per-image-hungarian' ? 'smoke-seg-per-image' : 'smoke-seg-dataset'),
      );
      expect(board.suite).toMatchObject({
        task: 'zero-shot-segmentation',
        protocol,
        classes: 5,
        primaryMetric: 'miou',
        higherIsBetter: true,
      });
      const mine = board.entries.filter((e: any) => e.model.owner === stack.owner);
      expect(mine.map((e: any) => e.model.name)).toEqual(['seg-colour', 'seg-rgb-features', 'seg-constant']);
      expect(mine.map((e: any) => e.rank)).toEqual([...mine.map((e: any) => e.rank)].sort((a: number, b: number) => a - b));
      for (const e of mine) {
        expect(Object.keys(e.metrics).sort()).toEqual(['miou', 'pixel_accuracy']);
        expect(e.protocol).toMatchObject({ protocol, classes: 5, seed: 0 });
      }
      expect(mine[1].model.kind).toBe('extractor');
      expect(mine[1].protocol.clusters).toBe(5);
      expect(mine[0].metrics.miou).toBe(1);
    }
    const all = await getJson(stack, '/api/leaderboards?task=zero-shot-segmentation');
    expect(all.boards.map((b: any) => b.suite.id).sort()).toEqual([
      'cityscapes27-dataset',
      'cityscapes27-per-image',
      'cocostuff27-dataset',
      'cocostuff27-per-image',
      'smoke-seg-dataset',
      'smoke-seg-per-image',
    ]);

    // `genbench evaluate` computes the very same numbers with no server.
    const modelPath = join(stack.dataDir, 'rgb.onnx');
    const manifestPath = join(stack.dataDir, 'rgb.json');
    await writeFile(modelPath, extractor);
    await writeFile(manifestPath, JSON.stringify(extractorManifest('seg-rgb-features', 64)));
    const cli = await run(process.execPath, [
      'bin/genbench.js',
      'evaluate',
      '--model',
      modelPath,
      '--manifest',
      manifestPath,
      '--suite',
      'smoke-seg-per-image',
      '--json',
    ]);
    const local = JSON.parse(cli.stdout);
    expect(local.metrics).toEqual(features.metrics);
    expect(local.protocol).toMatchObject({ protocol: 'per-image-hungarian', classes: 5, clusters: 5, seed: 0 });
  });

  it('refuses a submission whose output contradicts its manifest, and a protocol filter it does not know', async () => {
    const r = await submitModel(stack, stack.submitterToken, buildFlatExtractor({ inputSize: 64 }), extractorManifest('seg-flat', 64));
    expect(r.status).toBe(400);
    expect(r.body.issues[0].path).toBe('manifest.outputs.features');
    expect(r.body.message).toContain('[2, 12288]');
    const res = await fetch(`${stack.baseUrl}/api/leaderboards?task=zero-shot-segmentation&protocol=best-guess`);
    expect(res.status).toBe(400);
  });
});
