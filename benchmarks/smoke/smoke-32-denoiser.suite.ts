import { defineSuite } from '../../contracts/suites/suite.schemas.js';

/**
 * Offline smoke suite for diffusion and flow denoisers: smoke-32's reference set and tiny extractor, with the
 * samples drawn by the harness's own sampler — Heun (Karras et al. 2022, Algorithm 1 without churn), 8 steps,
 * 15 network evaluations per sample. Runs in seconds for small networks; its FID compares models on this
 * suite only.
 */
export default defineSuite({
  id: 'smoke-32-denoiser',
  version: 1,
  title: 'Smoke 32×32 denoisers (synthetic shapes, Heun 8 steps)',
  description:
    '1,024 samples (Heun, 8 steps, 15 NFE, no guidance) vs 1,024 synthetic shape images, tiny conv features; runs offline in seconds.',
  task: 'unconditional-generation',
  resolution: 32,
  kinds: ['denoiser'],
  samples: 1024,
  seed: 0,
  batch_size: 64,
  reference: { type: 'synthetic-shapes', n: 1024, seed: 1 },
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 32, normalization: 'minus-one-one' },
  metrics: ['fid'],
  primary: 'fid',
  drift_tolerance: 1e-6,
  time_limit_s: 300,
  sampler: { solver: 'heun', steps: 8, guidance: 1, eta: 0 },
});
