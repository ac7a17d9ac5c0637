import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MissingAssetError } from '../assets/assets.js';
import { buildTinyExtractor } from '../onnx/models/tiny-extractor.js';
import { preprocess } from '../preprocessing/preprocess.js';
import type { GenerationSuiteDefinition } from '../../../contracts/suites/suite.schemas.js';
import { ExtractorError, FeatureExtractor } from './features.js';

type FileExtractorDef = Extract<GenerationSuiteDefinition['extractor'], { type: 'onnx-file' }>;

function images(n: number, size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n * size * size * 3 }, (_, i) => (i * 31 + seed * 17 + ((i * i) % 29)) % 256);
}

describe('FeatureExtractor', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-features-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resizes images of another size by the protocol the suite names', async () => {
    const ex = await FeatureExtractor.open({
      type: 'builtin-tiny-conv',
      seed: 3,
      input_size: 16,
      normalization: 'adm',
      preprocessing: 'tf1-bilinear',
    });
    const plain = await FeatureExtractor.open({ type: 'builtin-tiny-conv', seed: 3, input_size: 16, normalization: 'adm' });
    try {
      const imgs = images(3, 12, 1);
      const got = await ex.extract(imgs, 3, 12);
      expect(got.poolDim).toBe(64);
      expect(got.pool).toHaveLength(3 * 64);
      // What the graph received is exactly preprocess(): resize, then normalize.
      const session = await ort.InferenceSession.create(buildTinyExtractor({ inputSize: 16, seed: 3 }));
      const direct = await session.run({
        images: new ort.Tensor('float32', preprocess(imgs, 3, 12, 'tf1-bilinear', 16, 'adm'), [3, 3, 16, 16]),
      });
      await session.release();
      expect(got.pool).toEqual(direct.pool!.data);
      expect(got.logits).toEqual(direct.logits!.data);
      await expect(plain.extract(imgs, 3, 12)).rejects.toThrow(ExtractorError);
      await expect(plain.extract(imgs, 3, 12)).rejects.toThrow(/12×12 but the extractor takes 16×16, and no resize protocol/);
      // Images of the input size are never resized.
      const same = images(2, 16, 2);
      expect((await ex.extract(same, 2, 16)).pool).toEqual((await plain.extract(same, 2, 16)).pool);
    } finally {
      await ex.close();
      await plain.close();
    }
  });

  describe('onnx-file extractors', () => {
    const bytes = buildTinyExtractor({ inputSize: 16, seed: 3 });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const def = (over: Partial<FileExtractorDef> = {}): FileExtractorDef => ({
      type: 'onnx-file',
      id: 'tiny',
      file: 'tiny.onnx',
      sha256,
      source: 'https://example.org/tiny.onnx',
      input_size: 16,
      preprocessing: 'pil-bicubic',
      normalization: 'adm',
      outputs: { pool: 'pool', spatial: 'spatial', logits: 'logits' },
      ...over,
    });

    it('load from the models directory after the sha256 check and compute the same features as the builtin', async () => {
      await writeFile(join(dir, 'tiny.onnx'), bytes);
      const file = await FeatureExtractor.open(def(), 'cpu', { modelsDir: dir });
      const builtin = await FeatureExtractor.open({
        type: 'builtin-tiny-conv',
        seed: 3,
        input_size: 16,
        normalization: 'adm',
        preprocessing: 'pil-bicubic',
      });
      try {
        const imgs = images(4, 20, 5);
        const a = await file.extract(imgs, 4, 20);
        const b = await builtin.extract(imgs, 4, 20);
        expect(a).toEqual(b);
        expect(a.spatialDim).toBe(7 * 4 * 4);
        expect(a.logitsDim).toBe(10);
      } finally {
        await file.close();
        await builtin.close();
      }
    });

    it('refuse an absent or different file with MissingAssetError naming the path and the source', async () => {
      await expect(FeatureExtractor.open(def(), 'cpu', { modelsDir: dir })).rejects.toThrow(MissingAssetError);
      await expect(FeatureExtractor.open(def(), 'cpu', { modelsDir: dir })).rejects.toThrow(
        `model file tiny.onnx is missing: download it from https://example.org/tiny.onnx and put it at ${join(dir, 'tiny.onnx')}`,
      );
      await writeFile(join(dir, 'tiny.onnx'), bytes.subarray(0, bytes.length - 1));
      await expect(FeatureExtractor.open(def(), 'cpu', { modelsDir: dir })).rejects.toThrow(/has sha256 [0-9a-f]{64}, expected/);
    });

    it('refuse a graph that lacks a declared output', async () => {
      await writeFile(join(dir, 'tiny.onnx'), bytes);
      await expect(FeatureExtractor.open(def({ outputs: { pool: 'pool_3' } }), 'cpu', { modelsDir: dir })).rejects.toThrow(
        /has no output "pool_3" for pool \(its outputs: spatial, pool, logits\)/,
      );
    });
  });
});
