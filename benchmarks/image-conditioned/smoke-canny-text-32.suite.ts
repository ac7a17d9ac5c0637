import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import smokeCanny from './smoke-canny-32.suite.js';

/**
 * Offline smoke suite for text-guided Canny control (ControlNet's setting: a control map and a caption): 64
 * images drawn from the smoke text-to-image grammar ("a {f} {shape} on a {b} background", prompts shuffled by
 * seed 0, drawn with seed 5), each published as its Canny map (OpenCV Canny(gray, 100, 200)) with its prompt as
 * the caption. Text-and-image models (manifest inputs.context + text_encoder) get caption i with map i; models
 * without text are scored on the same board from the map alone. Outputs are scored by edge F1 against the
 * control (ranks), CLIP score against the caption (the text fidelity ControlNet-style evaluations report), PSNR
 * against the drawn image (which only the caption's colours can reach), tiny-conv FID/KID and stand-in LPIPS. Examples: benchmarks/image-conditioned/example-text-models.ts.
 */
export default defineSuite({
  ...smokeCanny,
  id: 'smoke-canny-text-32',
  version: 1,
  title: 'Smoke text-guided Canny control 32×32',
  description:
    '64 Canny maps (OpenCV Canny(gray, 100, 200)) of synthetic 32×32 drawings with their captions "a {colour} {shape} on a {colour} background" (GET /api/suites/smoke-canny-text-32/inputs: arr_0 maps, captions one a line); outputs scored by edge F1 against the control map (ranks), CLIP score against the captions (tiny CLIP-like encoders), PSNR, tiny-conv FID/KID and stand-in LPIPS against the drawings; runs offline in seconds.',
  // smoke-canny-32's targets seed (here the drawings' seed), extractor and LPIPS stand-in.
  condition: { kind: 'canny', low: 100, high: 200, captions: { type: 'synthetic-prompts', seed: 0 } },
  // CLIP score against the captions with smoke-t2i-32's tiny CLIP-like encoders (they embed the two colours).
  clip: { type: 'builtin-clip-like', context_length: 16 },
  metrics: ['edge_f1', 'clip_score', 'psnr', 'fid', 'kid', 'lpips'],
});
