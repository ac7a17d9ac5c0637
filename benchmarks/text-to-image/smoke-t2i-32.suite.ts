import { defineSuite } from '../../contracts/suites/suite.schemas.js';

/**
 * Offline smoke suite for text-to-image: the 224 synthetic prompts "a {colour} {shape} on a {colour}
 * background" (runner/src/text/synthetic-prompts.ts, order seeded by 0), reference images drawn from the same
 * prompts with another seed, the tiny CLIP-like encoder pair (judging colours) for CLIP score and CMMD, and
 * smoke-32's tiny conv extractor for FID. Denoisers: DDIM, 10 steps, guidance 1.5 against the empty prompt.
 */
export default defineSuite({
  id: 'smoke-t2i-32',
  version: 1,
  title: 'Smoke text-to-image 32×32 (synthetic prompts, DDIM 10 steps, guidance 1.5)',
  description:
    '224 synthetic colour/shape prompts, one sample each, vs the same prompts drawn by the project; tiny CLIP-like encoders for CLIP score and CMMD, tiny conv features for FID; runs offline in seconds.',
  task: 'text-to-image',
  resolution: 32,
  kinds: ['samples', 'denoiser', 'generator'],
  prompts: { type: 'synthetic-colour-shapes', seed: 0 },
  samples: 224,
  seed: 0,
  batch_size: 32,
  reference: { type: 'synthetic-prompt-images', seed: 1 },
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 32, normalization: 'minus-one-one' },
  clip: { type: 'builtin-clip-like', context_length: 16 },
  metrics: ['clip_score', 'cmmd', 'fid'],
  primary: 'clip_score',
  drift_tolerance: 1e-6,
  time_limit_s: 300,
  sampler: { solver: 'ddim', steps: 10, guidance: 1.5, eta: 0 },
});
