import { defineSuite } from '../../contracts/suites/suite.schemas.js';

/**
 * Offline smoke suite for uploaded sample batches (ADM-style .npz, `arr_0` uint8 NHWC): the first 1,024
 * images against smoke-32's reference set, through the same tiny extractor. Nothing is run but the extractor.
 */
export default defineSuite({
  id: 'smoke-32-samples',
  version: 1,
  title: 'Smoke 32×32 sample batches (synthetic shapes)',
  description:
    'The first 1,024 images of an uploaded sample batch vs 1,024 synthetic shape images, tiny conv features; runs offline in seconds.',
  task: 'unconditional-generation',
  resolution: 32,
  kinds: ['samples'],
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
