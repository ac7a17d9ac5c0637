import { defineSuite } from '../../contracts/suites/suite.schemas.js';

/**
 * Offline smoke suite: scores a 32×32 unconditional generator in seconds, on project-generated data.
 * Its FID is a real Fréchet distance (float64 statistics) on a tiny conv net's features — meaningful for
 * comparing models on this suite only, never comparable with ImageNet FID.
 */
export default defineSuite({
  id: 'smoke-32',
  version: 1,
  title: 'Smoke 32×32 (synthetic shapes)',
  description: '1,024 samples vs 1,024 synthetic shape images, tiny conv features; runs offline in seconds.',
  task: 'unconditional-generation',
  resolution: 32,
  kinds: ['generator'],
  samples: 1024,
  seed: 0,
  batch_size: 64,
  reference: { type: 'synthetic-shapes', n: 1024, seed: 1 },
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 32, normalization: 'minus-one-one' },
  metrics: ['fid'],
  primary: 'fid',
  drift_tolerance: 1e-6,
  time_limit_s: 300,
});
