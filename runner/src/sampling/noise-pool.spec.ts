import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchNormals } from './noise.js';
import { NoisePool, inlineNoise } from './noise-pool.js';
import { sample, type SampleOptions } from './samplers.js';
import { gaussianDenoiser } from './testing/gaussian-denoiser.js';

const words = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe('the noise pool', () => {
  let pool: NoisePool;
  beforeAll(() => {
    pool = NoisePool.create(3);
  });
  afterAll(async () => {
    await pool?.close();
  });

  it('fills a draw in worker threads with exactly the normals the main thread computes', async () => {
    for (const { indices, perSample, draw } of [
      { indices: [0, 1, 2, 3, 4, 5, 6], perSample: 3 * 8 * 8, draw: 0 },
      { indices: [17, 3, 4_000_000_000, 9], perSample: 13, draw: 249 },
      { indices: [5], perSample: 1000, draw: 7 },
    ]) {
      const got = await pool.fill(pool.allocate(indices.length * perSample), 42, indices, perSample, draw);
      expect(words(got)).toEqual(words(batchNormals(42, indices, perSample, draw)));
    }
  });

  it('draws bit-identical samples to inline noise, for every stochastic and deterministic solver', async () => {
    const perSample = 3 * 4 * 4;
    const options = (noise: SampleOptions['noise'], solver: SampleOptions['solver'], eta: number): SampleOptions => ({
      solver,
      eta,
      steps: 9,
      schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
      prediction: 'eps',
      timeInput: 'index',
      spacing: 'trailing',
      shape: [3, 4, 4],
      seed: 5,
      indices: [3, 1, 4, 1, 5, 9, 2],
      denoise: gaussianDenoiser({
        schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
        prediction: 'eps',
        timeInput: 'index',
        target: { mean: () => new Float64Array(perSample).fill(0.3), std: 0.5 },
        perSample,
      }).denoise,
      noise,
    });
    for (const [solver, eta] of [
      ['ddim', 1],
      ['ddim', 0.3],
      ['ddim', 0],
      ['heun', 0],
      ['dpmpp-2m', 0],
    ] as const) {
      const viaPool = await sample(options(pool, solver, eta));
      const inline = await sample(options(inlineNoise, solver, eta));
      expect(words(viaPool.images), `${solver} η=${eta}`).toEqual(words(inline.images));
    }
  });

  it('refuses buffers it cannot share and reports a closed pool as a failure, not as noise', async () => {
    await expect(pool.fill(new Float32Array(4), 1, [0], 4, 0)).rejects.toThrow(/buffer from allocate/);
    await expect(pool.fill(pool.allocate(8), 1, [0], 4, 0)).rejects.toThrow(/2 samples|1 samples need 4/);
    const closed = NoisePool.create(1);
    await closed.close();
    await expect(closed.fill(closed.allocate(4), 1, [0], 4, 0)).rejects.toThrow(/closed/);
  });
});
