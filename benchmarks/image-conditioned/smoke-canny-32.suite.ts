import { defineSuite } from '../../contracts/suites/suite.schemas.js';

/**
 * Offline smoke suite for Canny-controlled generation: the control map of each of 64 synthetic 32×32 images
 * (OpenCV Canny(gray, 100, 200) as ControlNet's annotator, edges 1 on −1 in 3 channels); outputs scored by edge F1
 * of their re-extracted Canny map against the control (ranks), by FID/KID against the images the maps came from, and by LPIPS (random-weight stand-in network) against them.
 */
export default defineSuite({
  id: 'smoke-canny-32',
  version: 2,
  title: 'Smoke Canny control 32×32',
  description:
    '64 Canny maps (OpenCV Canny(gray, 100, 200)) of synthetic 32×32 images (GET /api/suites/smoke-canny-32/inputs); outputs scored by edge F1 against the control map (ranks), tiny-conv FID/KID and stand-in LPIPS against the source images; runs offline in seconds.',
  task: 'controllable-generation',
  resolution: 32,
  kinds: ['image_to_image', 'samples'],
  condition: { kind: 'canny', low: 100, high: 200 },
  targets: { type: 'synthetic-shapes', n: 64, seed: 5 },
  samples: 64,
  seed: 0,
  batch_size: 32,
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 32, normalization: 'minus-one-one' },
  lpips: { type: 'builtin-tiny-lpips', seed: 7 },
  metrics: ['edge_f1', 'fid', 'kid', 'lpips'],
  primary: 'edge_f1',
  drift_tolerance: 1e-6,
  time_limit_s: 300,
});
