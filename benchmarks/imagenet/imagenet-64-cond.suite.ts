import { admSuite } from './adm-suite.js';

/**
 * ImageNet 64×64, class-conditional, on the ADM protocol (adm-suite.ts), for images made without the
 * harness's sampler: one-step generators, and uploaded ADM-style sample batches (the .npz files ADM's
 * evaluator reads; the first 50,000 images are scored). v2 adds sample batches to v1's generators; the
 * scoring is unchanged.
 */
export default admSuite({
  id: 'imagenet-64-cond',
  version: 2,
  title: 'ImageNet 64×64, class-conditional',
  description:
    '50,000 class-conditional samples (labels drawn from the suite seed), from a one-step generator or an uploaded sample batch, against the ADM ImageNet 64×64 reference batch; FID, sFID, Inception Score, precision and recall as the ADM evaluator computes them.',
  resolution: 64,
  conditional: true,
  kinds: ['generator', 'samples'],
  time_limit_s: 6 * 3600,
});
