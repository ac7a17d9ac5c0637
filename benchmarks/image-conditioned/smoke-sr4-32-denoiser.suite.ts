import { defineSuite } from '../../contracts/suites/suite.schemas.js';

/**
 * smoke-sr4-32's inputs, targets and metrics for image-conditioned denoisers (manifest `condition`) that the
 * harness samples with DDIM, 10 steps, η = 0, each network call fed the 8×8 measurement; a board of its own, as
 * smoke-32-denoiser is smoke-32's. Example: benchmarks/image-conditioned/example-models.ts.
 */
export default defineSuite({
  id: 'smoke-sr4-32-denoiser',
  version: 1,
  title: 'Smoke ×4 super-resolution 32×32, denoisers (block average, σ_y = 0.05, DDIM 10 steps)',
  description:
    '64 synthetic 32×32 images, each block-averaged to 8×8 with seeded noise σ_y = 0.05 (GET /api/suites/smoke-sr4-32-denoiser/inputs); image-conditioned denoisers sampled by DDIM, 10 steps; outputs scored against the originals by PSNR (ranks), SSIM and tiny-conv FID/KID; runs offline in seconds.',
  task: 'image-restoration',
  resolution: 32,
  kinds: ['denoiser'],
  condition: { kind: 'degradation', degradation: { kind: 'sr-block-average', factor: 4 }, sigma_y: 0.05 },
  targets: { type: 'synthetic-shapes', n: 64, seed: 5 },
  samples: 64,
  seed: 0,
  batch_size: 32,
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 32, normalization: 'minus-one-one' },
  metrics: ['psnr', 'ssim', 'fid', 'kid'],
  primary: 'psnr',
  drift_tolerance: 1e-6,
  time_limit_s: 300,
  sampler: { solver: 'ddim', steps: 10, guidance: 1, eta: 0 },
});
