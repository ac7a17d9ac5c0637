import { admSuite } from './adm-suite.js';

/**
 * ImageNet 256×256, unconditional, on the ADM protocol (adm-suite.ts), for images made without the
 * harness's sampler: one-step generators, and uploaded ADM-style sample batches (the .npz files ADM's
 * evaluator reads; the first 50,000 images are scored). v2 adds sample batches to v1's generators; the
 * scoring is unchanged.
 */
export default admSuite({
  id: 'imagenet-256-uncond',
  version: 2,
  title: 'ImageNet 256×256, unconditional',
  description:
    '50,000 unconditional samples, from a one-step generator or an uploaded sample batch, against the ADM ImageNet 256×256 reference batch; FID, sFID, Inception Score, precision and recall as the ADM evaluator computes them.',
  resolution: 256,
  conditional: false,
  kinds: ['generator', 'samples'],
  time_limit_s: 6 * 3600,
});
