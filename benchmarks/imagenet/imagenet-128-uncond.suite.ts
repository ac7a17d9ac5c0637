import { defineSuite } from '../../runner/src/suites/suite.schemas.js';
import { ADM_METRICS, FID_INCEPTION, admReference } from './adm-assets.js';

/**
 * ADM protocol (Dhariwal & Nichol 2021, guided-diffusion evaluations/): 50,000 samples, the FID Inception
 * fed through TF1's legacy bilinear resize to 299 with (x − 128)/128, statistics against ADM's reference batch.
 */
export default defineSuite({
  id: 'imagenet-128-uncond',
  version: 1,
  title: 'ImageNet 128×128, unconditional',
  description:
    '50,000 unconditional samples against the ADM ImageNet 128×128 reference batch; FID, sFID, Inception Score, precision and recall as the ADM evaluator computes them.',
  task: 'unconditional-generation',
  resolution: 128,
  kinds: ['generator'],
  samples: 50_000,
  seed: 0,
  batch_size: 64,
  reference: admReference(128),
  extractor: FID_INCEPTION,
  metrics: ADM_METRICS,
  primary: 'fid',
  // Inception features agree to about 1e-5 relative across execution providers.
  drift_tolerance: 1e-4,
  time_limit_s: 6 * 3600,
});
