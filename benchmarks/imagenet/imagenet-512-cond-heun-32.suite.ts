import { admSuite } from './adm-suite.js';

/**
 * Class-conditional denoisers sampled by the harness with Heun's second-order method on 32 Karras steps
 * (63 network evaluations), no guidance — the deterministic sampler and budget of EDM2 (Karras et al. 2024).
 */
export default admSuite({
  id: 'imagenet-512-cond-heun-32',
  version: 1,
  title: 'ImageNet 512×512, class-conditional denoisers, Heun 32 steps',
  description:
    "50,000 class-conditional samples drawn with Heun's method on 32 Karras steps (63 network evaluations per sample), no guidance, against the ADM ImageNet 512×512 reference batch; FID, sFID, Inception Score, precision and recall as the ADM evaluator computes them.",
  resolution: 512,
  conditional: true,
  kinds: ['denoiser'],
  sampler: { solver: 'heun', steps: 32, guidance: 1, eta: 0 },
  time_limit_s: 48 * 3600,
  // 63 network evaluations a sample at 512²: hours on one GPU, so a deployment with GENBENCH_SHARDS > 1 splits
  // it (782 batches of 64; at most 64 shards of about 12 batches each).
  sharding: { max_shards: 64 },
});
