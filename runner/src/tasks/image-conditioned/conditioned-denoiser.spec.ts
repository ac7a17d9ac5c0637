import { describe, expect, it } from 'vitest';
import smokeSr4Denoiser from '../../../../benchmarks/image-conditioned/smoke-sr4-32-denoiser.suite.js';
import smokeSr4 from '../../../../benchmarks/image-conditioned/smoke-sr4-32.suite.js';
import {
  buildResizeRestorer,
  buildResizeRestorerDenoiser,
  exampleRestorerDenoiserManifest,
  exampleRestorerManifest,
} from '../../../../benchmarks/image-conditioned/example-models.js';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { runEvaluation } from '../evaluate.js';
import type { EvaluationOutput } from '../task-family.js';

const assetDirs = loadAssetDirs({});
const score = (out: EvaluationOutput, id: string) => out.metrics.find((m) => m.id === id)!.value;

describe('image-conditioned denoisers (smoke-sr4-32-denoiser: DDIM 10 steps, every call fed the measurement)', () => {
  const denoise = (mode: 'linear' | 'nearest') =>
    runEvaluation({
      model: buildResizeRestorerDenoiser(mode),
      manifest: exampleRestorerDenoiserManifest(`sr-denoiser-${mode}`),
      suite: smokeSr4Denoiser,
      assetDirs,
    });

  it("samples an x0-predicting upsampler to its prediction: the one-step restorer's PSNR and SSIM (1e-9), bilinear above nearest", async () => {
    const bilinear = await denoise('linear');
    const nearest = await denoise('nearest');
    expect(score(bilinear, 'psnr')).toBeGreaterThan(score(nearest, 'psnr'));
    expect(score(bilinear, 'ssim')).toBeGreaterThan(score(nearest, 'ssim'));
    const oneStep = await runEvaluation({
      model: buildResizeRestorer('linear'),
      manifest: exampleRestorerManifest('sr-linear'),
      suite: smokeSr4,
      assetDirs,
    });
    expect(Math.abs(score(bilinear, 'psnr') - score(oneStep, 'psnr'))).toBeLessThan(1e-9);
    expect(Math.abs(score(bilinear, 'ssim') - score(oneStep, 'ssim'))).toBeLessThan(1e-9);
    expect(bilinear.protocol).toMatchObject({ sampler: { solver: 'ddim', steps: 10 }, conditionSize: 8 });
  });

  it('fails, as the model, a denoiser declaring another condition size or task than the suite', async () => {
    const wrongSize = { ...exampleRestorerDenoiserManifest('x'), condition: { task: 'image-restoration' as const, resolution: 16 } };
    await expect(
      runEvaluation({ model: buildResizeRestorerDenoiser('linear'), manifest: wrongSize, suite: smokeSr4Denoiser, assetDirs }),
    ).rejects.toThrow(new ModelFailure('suite smoke-sr4-32-denoiser feeds conditions of 8×8; the model declares condition.resolution 16'));
  });
});
