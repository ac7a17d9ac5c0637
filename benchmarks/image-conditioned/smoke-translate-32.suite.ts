import { defineSuite } from '../../contracts/suites/suite.schemas.js';

/**
 * Offline smoke suite for paired translation (DDBM-style): each of 64 synthetic 32×32 targets paired with a source
 * the harness derives from it by a fixed colour remap (`channel-rotate`: source (G, B, R) of target (R, G, B);
 * runner/src/conditions/paired-sources.ts). Outputs scored against the targets by PSNR (ranks), SSIM and tiny-conv
 * FID/KID. Example translators (benchmarks/image-conditioned/example-models.ts): one inverting the remap, and the
 * identity, which answers the source itself.
 */
export default defineSuite({
  id: 'smoke-translate-32',
  version: 1,
  title: 'Smoke paired translation 32×32 (channel-rotated sources)',
  description:
    '64 synthetic 32×32 targets, each paired with its channel-rotated source (G, B, R) computed by the harness (GET /api/suites/smoke-translate-32/inputs); outputs scored against the targets by PSNR (ranks), SSIM and tiny-conv FID/KID; runs offline in seconds.',
  task: 'image-translation',
  resolution: 32,
  kinds: ['image_to_image', 'samples'],
  condition: { kind: 'paired-source', sources: { type: 'synthetic-remap', remap: 'channel-rotate' } },
  targets: { type: 'synthetic-shapes', n: 64, seed: 5 },
  samples: 64,
  seed: 0,
  batch_size: 32,
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 32, normalization: 'minus-one-one' },
  metrics: ['psnr', 'ssim', 'fid', 'kid'],
  primary: 'psnr',
  drift_tolerance: 1e-6,
  time_limit_s: 300,
});
