import { defineSuite } from '../../contracts/suites/suite.schemas.js';

/**
 * Offline smoke suite for text-guided Canny control (ControlNet's setting: a control map and a caption): 64
 * images drawn from the smoke text-to-image grammar ("a {f} {shape} on a {b} background", prompts shuffled by
 * seed 0, drawn with seed 5), each published as its Canny map (OpenCV Canny(gray, 100, 200)) with its prompt as
 * the caption. Text-and-image models (manifest inputs.context + text_encoder) get caption i with map i; models
 * without text are scored on the same board from the map alone. Outputs are scored by edge F1 against the
 * control (ranks), PSNR against the drawn image (which only the caption's colours can reach), tiny-conv FID/KID
 * and stand-in LPIPS. Examples: benchmarks/image-conditioned/example-text-models.ts.
 */
export default defineSuite({
  id: 'smoke-canny-text-32',
  version: 1,
  title: 'Smoke text-guided Canny control 32×32',
  description:
    '64 Canny maps (OpenCV Canny(gray, 100, 200)) of synthetic 32×32 drawings with their captions "a {colour} {shape} on a {colour} background" (GET /api/suites/smoke-canny-text-32/inputs: arr_0 maps, captions one a line); outputs scored by edge F1 against the control map (ranks), PSNR, tiny-conv FID/KID and stand-in LPIPS against the drawings; runs offline in seconds.',
  task: 'controllable-generation',
  resolution: 32,
  kinds: ['image_to_image', 'samples'],
  condition: { kind: 'canny', low: 100, high: 200, captions: { type: 'synthetic-prompts', seed: 0 } },
  targets: { type: 'synthetic-shapes', n: 64, seed: 5 },
  samples: 64,
  seed: 0,
  batch_size: 32,
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 32, normalization: 'minus-one-one' },
  lpips: { type: 'builtin-tiny-lpips', seed: 7 },
  metrics: ['edge_f1', 'psnr', 'fid', 'kid', 'lpips'],
  primary: 'edge_f1',
  drift_tolerance: 1e-6,
  time_limit_s: 300,
});
