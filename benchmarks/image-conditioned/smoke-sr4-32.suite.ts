import { defineSuite } from '../../contracts/suites/suite.schemas.js';

/**
 * Offline smoke suite for image restoration: ×4 super-resolution by block averaging (DDRM's `sr_averagepooling`)
 * with measurement noise σ_y = 0.05, of 64 of the project's synthetic 32×32 images; restorers answer 8×8
 * measurements with 32×32 images. PSNR ranks; SSIM, LPIPS (random-weight stand-in network), and FID/KID of the outputs against the targets with
 * smoke-32's tiny conv features. Example restorers: benchmarks/image-conditioned/example-models.ts.
 */
export default defineSuite({
  id: 'smoke-sr4-32',
  version: 2,
  title: 'Smoke ×4 super-resolution 32×32 (block average, σ_y = 0.05)',
  description:
    '64 synthetic 32×32 images, each block-averaged to 8×8 with seeded noise σ_y = 0.05 (GET /api/suites/smoke-sr4-32/inputs); outputs scored against the originals by PSNR (ranks), SSIM, tiny-conv FID/KID and LPIPS with the random-weight stand-in network; runs offline in seconds.',
  task: 'image-restoration',
  resolution: 32,
  kinds: ['image_to_image', 'samples'],
  condition: { kind: 'degradation', degradation: { kind: 'sr-block-average', factor: 4 }, sigma_y: 0.05 },
  targets: { type: 'synthetic-shapes', n: 64, seed: 5 },
  samples: 64,
  seed: 0,
  batch_size: 32,
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 32, normalization: 'minus-one-one' },
  lpips: { type: 'builtin-tiny-lpips', seed: 7 },
  metrics: ['psnr', 'ssim', 'fid', 'kid', 'lpips'],
  primary: 'psnr',
  drift_tolerance: 1e-6,
  time_limit_s: 300,
});
