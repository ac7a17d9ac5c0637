import { randomUUID } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildExternalDataModel,
  buildNanGenerator,
  buildWrongResolutionGenerator,
  truncateBytes,
} from '../../../../test/support/onnx-models/broken-models.js';
import { normalWeights } from './seeded-weights.js';
import { makeSyntheticImage, makeSyntheticImages } from './synthetic-images.js';
import { buildTinyExtractor, tinyExtractorShapes } from './tiny-extractor.js';
import { buildTinyGenerator, type TinyGeneratorOptions } from './tiny-generator.js';

const NOISE_DIM = 16;

async function withSession<T>(bytes: Uint8Array, use: (s: ort.InferenceSession) => Promise<T>): Promise<T> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await use(session);
  } finally {
    await session.release();
  }
}

/** Runs a generator on `batch` latents from a fixed stream, with labels i mod 10 when it is conditional. */
async function generate(session: ort.InferenceSession, batch: number, first = 0): Promise<ort.Tensor> {
  const z = normalWeights(7, 'latents', (first + batch) * NOISE_DIM).subarray(first * NOISE_DIM);
  const feeds: Record<string, ort.Tensor> = { z: new ort.Tensor('float32', z, [batch, NOISE_DIM]) };
  if (session.inputNames.includes('y')) {
    const y = BigInt64Array.from({ length: batch }, (_, i) => BigInt((first + i) % 10));
    feeds.y = new ort.Tensor('int64', y, [batch]);
  }
  return (await session.run(feeds)).images;
}

function generator(overrides: Partial<TinyGeneratorOptions> = {}): Uint8Array {
  return buildTinyGenerator({ noiseDim: NOISE_DIM, resolution: 16, classes: 10, seed: 1, ...overrides });
}

/** NHWC uint8 → NCHW float32 in [-1, 1], the generator's layout and range. */
function toModelInput(images: Uint8Array, n: number, size: number): Float32Array {
  const out = new Float32Array(n * 3 * size * size);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          out[((i * 3 + c) * size + y) * size + x] = images[((i * size + y) * size + x) * 3 + c] / 127.5 - 1;
        }
      }
    }
  }
  return out;
}

/** Mean absolute difference between horizontally adjacent pixels of NCHW images: high for noise. */
function roughness(data: Float32Array, size: number): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    if (i % size === 0) continue;
    sum += Math.abs(data[i] - data[i - 1]);
    count++;
  }
  return sum / count;
}

describe('buildTinyGenerator', () => {
  it('declares z, y → images with a symbolic batch', async () => {
    await withSession(generator({ resolution: 24 }), async (session) => {
      expect(session.inputNames).toEqual(['z', 'y']);
      expect(session.outputNames).toEqual(['images']);
      expect(session.inputMetadata).toMatchObject([
        { name: 'z', type: 'float32', shape: ['batch', NOISE_DIM] },
        { name: 'y', type: 'int64', shape: ['batch'] },
      ]);
      expect(session.outputMetadata[0]).toMatchObject({ type: 'float32', shape: ['batch', 3, 24, 24] });
      expect((await generate(session, 5)).dims).toEqual([5, 3, 24, 24]);
    });
  });

  it('has no y input when unconditional', async () => {
    await withSession(generator({ classes: 0 }), async (session) => {
      expect(session.inputNames).toEqual(['z']);
      expect((await generate(session, 2)).dims).toEqual([2, 3, 16, 16]);
    });
  });

  it('is deterministic in its options', () => {
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
    expect(same(generator(), generator())).toBe(true);
    expect(same(generator({ seed: 2 }), generator())).toBe(false);
    expect(same(generator({ quality: 0.5 }), generator())).toBe(false);
  });

  it('gives each sample the same output at batch 1 and batch 7', async () => {
    await withSession(generator(), async (session) => {
      const batch = (await generate(session, 7)).data as Float32Array;
      const per = 3 * 16 * 16;
      for (const i of [0, 3, 6]) {
        const single = (await generate(session, 1, i)).data as Float32Array;
        expect(single).toEqual(batch.slice(i * per, (i + 1) * per));
      }
    });
  });

  it('uses the class label', async () => {
    await withSession(generator(), async (session) => {
      const z = new ort.Tensor('float32', new Float32Array(NOISE_DIM).fill(0.3), [1, NOISE_DIM]);
      const out = async (label: bigint) =>
        (await session.run({ z, y: new ort.Tensor('int64', new BigInt64Array([label]), [1]) })).images.data;
      expect(await out(1n)).not.toEqual(await out(2n));
    });
  });

  it.each([
    { range: [-1, 1] as const, low: -1, high: 1 },
    { range: [0, 1] as const, low: 0, high: 1 },
  ])('keeps outputs within $range and uses most of that range', async ({ range, low, high }) => {
    await withSession(generator({ outputRange: range }), async (session) => {
      const data = (await generate(session, 16)).data as Float32Array;
      let min = Infinity;
      let max = -Infinity;
      for (const v of data) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      expect(min).toBeGreaterThanOrEqual(low);
      expect(max).toBeLessThanOrEqual(high);
      expect(max - min).toBeGreaterThan(0.6 * (high - low));
    });
  });

  it('makes smooth images at quality 1 and noise at quality 0', async () => {
    const rough = async (quality: number) =>
      withSession(generator({ quality }), async (s) => roughness((await generate(s, 8)).data as Float32Array, 16));
    const smooth = await rough(1);
    expect(smooth).toBeLessThan(0.15);
    expect(await rough(0)).toBeGreaterThan(4 * smooth);
  });

  it('produces NaN everywhere when asked to', async () => {
    await withSession(buildNanGenerator({ noiseDim: NOISE_DIM, resolution: 8, classes: 0, seed: 3 }), async (s) => {
      const data = (await generate(s, 2)).data as Float32Array;
      expect(data).toHaveLength(2 * 3 * 8 * 8);
      expect(data.every(Number.isNaN)).toBe(true);
    });
  });

  it('rejects invalid options', () => {
    expect(() => generator({ resolution: 0 })).toThrow(RangeError);
    expect(() => generator({ classes: -1 })).toThrow(RangeError);
    expect(() => generator({ quality: 1.5 })).toThrow(RangeError);
  });
});

describe('buildTinyExtractor', () => {
  it.each([
    { inputSize: 32, options: {}, spatial: [32, 8, 8], poolDim: 64 },
    {
      inputSize: 29,
      options: { channels: [8, 12] as const, poolDim: 20, numClasses: 5 },
      spatial: [12, 8, 8],
      poolDim: 20,
    },
  ])('outputs spatial, pool and logits at input $inputSize', async ({ inputSize, options, spatial, poolDim }) => {
    const numClasses = 'numClasses' in options ? options.numClasses : 10;
    const bytes = buildTinyExtractor({ inputSize, seed: 4, ...options });
    expect(tinyExtractorShapes({ inputSize, seed: 4, ...options })).toEqual({ spatial, poolDim, numClasses });
    await withSession(bytes, async (session) => {
      expect(session.inputNames).toEqual(['images']);
      expect(session.outputNames).toEqual(['spatial', 'pool', 'logits']);
      expect(session.outputMetadata.map((m) => (m.isTensor ? m.shape : []))).toEqual([
        ['batch', ...spatial],
        ['batch', poolDim],
        ['batch', numClasses],
      ]);
      const images = normalWeights(1, 'images', 3 * 3 * inputSize * inputSize);
      const out = await session.run({ images: new ort.Tensor('float32', images, [3, 3, inputSize, inputSize]) });
      expect(out.spatial.dims).toEqual([3, ...spatial]);
      expect(out.pool.dims).toEqual([3, poolDim]);
      expect(out.logits.dims).toEqual([3, numClasses]);
      const pool = out.pool.data as Float32Array;
      expect(pool.every((v) => v >= 0)).toBe(true); // an average of Relu outputs
      expect(pool.some((v) => v > 0)).toBe(true);
    });
  });

  it('is deterministic and batch-independent', async () => {
    expect(buildTinyExtractor({ inputSize: 16, seed: 4 })).toEqual(buildTinyExtractor({ inputSize: 16, seed: 4 }));
    expect(buildTinyExtractor({ inputSize: 16, seed: 5 })).not.toEqual(buildTinyExtractor({ inputSize: 16, seed: 4 }));
    await withSession(buildTinyExtractor({ inputSize: 16, seed: 4 }), async (session) => {
      const per = 3 * 16 * 16;
      const images = normalWeights(2, 'images', 7 * per);
      const batch = await session.run({ images: new ort.Tensor('float32', images, [7, 3, 16, 16]) });
      const single = await session.run({
        images: new ort.Tensor('float32', images.slice(4 * per, 5 * per), [1, 3, 16, 16]),
      });
      for (const name of ['spatial', 'pool', 'logits']) {
        const n = single[name].data.length;
        expect(single[name].data).toEqual((batch[name].data as Float32Array).slice(4 * n, 5 * n));
      }
    });
  });
});

describe('generator quality against the synthetic reference set', () => {
  const size = 32;
  const n = 96;
  let extractor: ort.InferenceSession;
  let reference: Float32Array;

  beforeAll(async () => {
    extractor = await ort.InferenceSession.create(buildTinyExtractor({ inputSize: size, seed: 5 }));
    reference = await features(toModelInput(makeSyntheticImages({ n, resolution: size, seed: 0 }), n, size));
  });
  afterAll(() => extractor.release());

  async function features(images: Float32Array): Promise<Float32Array> {
    const out = await extractor.run({ images: new ort.Tensor('float32', images, [n, 3, size, size]) });
    return out.pool.data as Float32Array;
  }

  /** Fréchet distance between diagonal Gaussians fitted to pool features: a cheap stand-in for FID. */
  function diagonalFrechet(a: Float32Array, b: Float32Array, dim: number): number {
    const moments = (f: Float32Array, d: number) => {
      let sum = 0;
      let squares = 0;
      for (let i = d; i < f.length; i += dim) {
        sum += f[i];
        squares += f[i] * f[i];
      }
      const mean = sum / n;
      return { mean, std: Math.sqrt(Math.max(0, squares / n - mean * mean)) };
    };
    let distance = 0;
    for (let d = 0; d < dim; d++) {
      const [ma, mb] = [moments(a, d), moments(b, d)];
      distance += (ma.mean - mb.mean) ** 2 + (ma.std - mb.std) ** 2;
    }
    return distance;
  }

  it.each([1, 2])('scores quality 1 clearly closer than quality 0 (seed %i)', async (seed) => {
    const distance = async (quality: number) => {
      const bytes = buildTinyGenerator({ noiseDim: NOISE_DIM, resolution: size, classes: 10, seed, quality });
      const images = await withSession(bytes, async (s) => (await generate(s, n)).data as Float32Array);
      return diagonalFrechet(await features(images), reference, 64);
    };
    const [good, bad] = [await distance(1), await distance(0)];
    expect(bad).toBeGreaterThan(1.5 * good);
  });
});

describe('broken models', () => {
  it('builds a generator whose real resolution differs from the one a manifest claims', async () => {
    const bytes = buildWrongResolutionGenerator({ noiseDim: NOISE_DIM, classes: 0, seed: 1, actualResolution: 16 });
    await withSession(bytes, async (s) => expect((await generate(s, 2)).dims).toEqual([2, 3, 16, 16]));
  });

  it('builds a model with external data that ORT cannot load from bytes', async () => {
    const location = `missing-${randomUUID()}.bin`;
    const bytes = buildExternalDataModel({ location });
    expect(Buffer.from(bytes).includes(location)).toBe(true);
    await expect(ort.InferenceSession.create(bytes)).rejects.toThrow(/external data/i);
  });

  it('truncates bytes so that they no longer parse', async () => {
    const bytes = generator({ resolution: 8 });
    const truncated = truncateBytes(bytes);
    expect(truncated).toEqual(bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(truncateBytes(bytes, 10)).toHaveLength(10);
    expect(() => truncateBytes(bytes, bytes.length)).toThrow(RangeError);
    await expect(ort.InferenceSession.create(truncated)).rejects.toThrow(/protobuf parsing failed/);
  });
});

describe('makeSyntheticImages', () => {
  it('is deterministic and image i does not depend on n', () => {
    const imageBytes = 16 * 16 * 3;
    const few = makeSyntheticImages({ n: 3, resolution: 16, seed: 9 });
    const many = makeSyntheticImages({ n: 8, resolution: 16, seed: 9 });
    expect(few).toHaveLength(3 * imageBytes);
    expect(many).toHaveLength(8 * imageBytes);
    expect(many.subarray(0, 3 * imageBytes)).toEqual(few);
    expect(makeSyntheticImages({ n: 8, resolution: 16, seed: 9 })).toEqual(many);
    expect(many.subarray(5 * imageBytes, 6 * imageBytes)).toEqual(makeSyntheticImage(5, 16, 9));
    expect(makeSyntheticImages({ n: 3, resolution: 16, seed: 10 })).not.toEqual(few);
  });

  it('makes varied, mostly smooth images', () => {
    const size = 32;
    const n = 16;
    const images = makeSyntheticImages({ n, resolution: size, seed: 0 });
    const asFloat = toModelInput(images, n, size);
    expect(roughness(asFloat, size)).toBeLessThan(0.1);
    const means = Array.from({ length: n }, (_, i) => {
      const image = images.subarray(i * size * size * 3, (i + 1) * size * size * 3);
      return image.reduce((a, b) => a + b, 0) / image.length;
    });
    expect(new Set(means.map((m) => Math.round(m))).size).toBeGreaterThan(n / 2);
    const perImageDistinct = new Set(images.subarray(0, size * size * 3)).size;
    expect(perImageDistinct).toBeGreaterThan(10);
  });
});
