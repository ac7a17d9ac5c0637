import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { parseDegradation } from '../../conditions/degradations.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { buildUpsampler } from '../../onnx/models/restorers.js';
import { makeSyntheticImages } from '../../onnx/models/synthetic-images.js';
import { scoreRestoration, type Restorer } from './restoration.js';

const SIZE = 32;
const COUNT = 24;
const targets = makeSyntheticImages({ n: COUNT, resolution: SIZE, seed: 0 });
const sr4 = parseDegradation({ degradation: { kind: 'sr-block-average', factor: 4 }, sigma_y: 0 });

async function restorer(bytes: Uint8Array): Promise<Restorer> {
  const session = await ort.InferenceSession.create(bytes);
  return async (condition, n, side) => {
    const out = await session.run({ condition: new ort.Tensor('float32', condition, [n, 3, side, side]) });
    const t = out.images;
    return { data: t.data as Float32Array, dims: t.dims };
  };
}

describe('restoration scoring with the example models (×4 super-resolution, synthetic 32² images)', () => {
  it('ranks a linear upsampler above the nearest "identity" restorer above mid-grey, on both PSNR and SSIM', async () => {
    const scores = {} as Record<string, { psnr: number; ssim: number }>;
    for (const mode of ['linear', 'nearest', 'grey'] as const) {
      const r = await scoreRestoration(await restorer(buildUpsampler(4, mode)), targets, COUNT, SIZE, sr4, 0, 10);
      scores[mode] = { psnr: r.psnr, ssim: r.ssim };
    }
    expect(scores.linear.psnr).toBeGreaterThan(scores.nearest.psnr);
    expect(scores.nearest.psnr).toBeGreaterThan(scores.grey.psnr);
    expect(scores.linear.ssim).toBeGreaterThan(scores.nearest.ssim);
    expect(scores.nearest.ssim).toBeGreaterThan(scores.grey.ssim);
    // meaningfully apart, not by rounding
    expect(scores.linear.psnr - scores.nearest.psnr).toBeGreaterThan(0.5);
  });

  it('gives the same scores whatever the batch size (noise seeded per image), and different ones for another seed', async () => {
    const noisy = parseDegradation({ degradation: { kind: 'sr-block-average', factor: 4 }, sigma_y: 0.05 });
    const model = await restorer(buildUpsampler(4, 'linear'));
    const a = await scoreRestoration(model, targets, COUNT, SIZE, noisy, 0, 7);
    const b = await scoreRestoration(model, targets, COUNT, SIZE, noisy, 0, 24);
    const c = await scoreRestoration(model, targets, COUNT, SIZE, noisy, 1, 24);
    expect(a.psnr).toBe(b.psnr);
    expect(a.ssim).toBe(b.ssim);
    expect(c.psnr).not.toBe(a.psnr);
  });

  it('refuses a model whose output is not the target size as the model’s fault', async () => {
    const wrong = await restorer(buildUpsampler(2, 'linear'));
    const run = scoreRestoration(wrong, targets, COUNT, SIZE, sr4, 0, 10);
    await expect(run).rejects.toThrow(ModelFailure);
    await expect(scoreRestoration(wrong, targets, COUNT, SIZE, sr4, 0, 10)).rejects.toThrow(
      /answered \[10, 3, 16, 16\] for 10 conditions of 3×8×8; the targets need \[10, 3, 32, 32\]/,
    );
  });
});
