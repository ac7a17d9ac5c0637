import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { FeatureExtractor } from '../evaluation/features.js';
import { buildTinyExtractor } from '../onnx/models/tiny-extractor.js';
import { NORMALIZATIONS, type Normalization } from '../../../contracts/enums.js';
import { preprocess } from './preprocess.js';
import { PreprocessingGraphError, UINT8_IMAGES, buildPreprocessingGraph, prependPreprocessing } from './preprocessing-graph.js';

function images(n: number, size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n * size * size * 3 }, (_, i) => (i * 131 + seed * 17 + ((i * i) % 251)) % 256);
}

async function runPrefix(src: number, target: number, normalization: Normalization, pixels: Uint8Array, n: number) {
  const model = buildPreprocessingGraph(
    { srcSize: src, targetSize: target, resize: src === target ? 'none' : 'tf1-bilinear', normalization, exact: true },
    'out',
  );
  const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'all', intraOpNumThreads: 2 });
  try {
    const out = await session.run({ [UINT8_IMAGES]: new ort.Tensor('uint8', pixels, [n, src, src, 3]) });
    expect(out.out!.dims).toEqual([n, 3, target, target]);
    return out.out!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('the preprocessing as an ONNX graph', () => {
  // Up (ADM's 64 → 299 ratio, scaled down), down, odd ratios and equal sizes, every normalization: the
  // graph must equal preprocess.ts bit for bit on the CPU provider, so scores do not move.
  const cases: Array<[number, number]> = [
    [16, 75],
    [64, 29],
    [21, 37],
    [24, 24],
  ];
  for (const normalization of NORMALIZATIONS) {
    it.each(cases)(`${normalization}: %i → %i is bit-exact with preprocess.ts`, async (src, target) => {
      const n = 3;
      const pixels = images(n, src, src + target);
      const got = await runPrefix(src, target, normalization, pixels, n);
      const want = preprocess(pixels, n, src, 'tf1-bilinear', target, normalization);
      expect(got.length).toBe(want.length);
      let differing = 0;
      for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) differing++;
      expect(differing).toBe(0);
    });
  }

  it('refuses to stand in for a resize it was not asked to do', () => {
    expect(() => buildPreprocessingGraph({ srcSize: 8, targetSize: 9, resize: 'none', normalization: 'adm', exact: true }, 'x')).toThrow(
      PreprocessingGraphError,
    );
  });

  it('names a missing extractor input', () => {
    const prefix = buildPreprocessingGraph({ srcSize: 8, targetSize: 8, resize: 'none', normalization: 'adm', exact: true }, 'pixels');
    expect(() => prependPreprocessing(buildTinyExtractor({ inputSize: 8, seed: 1 }), prefix, 'pixels')).toThrow(/no input "pixels"/);
  });

  it('gives the extractor the same features in the graph as in JavaScript, and closes both ways', async () => {
    const def = { type: 'builtin-tiny-conv', seed: 5, input_size: 20, normalization: 'imagenet', preprocessing: 'tf1-bilinear' } as const;
    const graph = await FeatureExtractor.open(def, 'cpu', { threads: 2 });
    const js = await FeatureExtractor.open(def, 'cpu', { threads: 2, preprocessIn: 'javascript' });
    try {
      for (const size of [12, 20, 33]) {
        const pixels = images(4, size, size);
        const a = await graph.extract(pixels, 4, size);
        const b = await js.extract(pixels, 4, size);
        expect(a.pool).toEqual(b.pool);
        expect(a.logits).toEqual(b.logits);
        expect(a.spatial).toEqual(b.spatial);
      }
    } finally {
      await graph.close();
      await js.close();
    }
  });
});
