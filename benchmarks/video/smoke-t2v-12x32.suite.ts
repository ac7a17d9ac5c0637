import { defineSuite } from '../../contracts/suites/suite.schemas.js';

/**
 * Offline smoke suite for text-to-video: video i of 12 frames at 32² answers prompt i of the 224 synthetic
 * prompts "a {colour} {shape} on a {colour} background" (the text-to-image smoke list, order seeded by 0,
 * published at GET /api/suites/smoke-t2v-12x32/prompts). The reference videos draw the same prompts with
 * another seed, each shape sliding sideways and back (runner/src/tasks/video/prompt-videos.ts). CLIP score per
 * frame uses the tiny CLIP-like encoder pair (it judges the two colours), FVD the motion stand-in for I3D (not
 * I3D: compare within this board only), FID of frames and temporal consistency smoke-32's tiny conv features.
 * Video denoisers (x_t [N, C, 12, h, w], text-conditioned): DDIM, 10 steps, guidance 1.5 against the empty prompt.
 */
export default defineSuite({
  id: 'smoke-t2v-12x32',
  version: 1,
  title: 'Smoke text-to-video 12 frames 32×32 (synthetic prompts, stand-in I3D)',
  description:
    '224 synthetic colour/shape prompts, one 12-frame 32² video each, vs the same prompts drawn as sliding shapes by the project; per-frame CLIP score with tiny CLIP-like encoders, FVD with a motion stand-in for I3D (compare within this board only), FID of frames and temporal consistency with tiny conv features; runs offline in seconds.',
  task: 'video-generation',
  resolution: 32,
  frames: 12,
  fps: 8,
  kinds: ['samples', 'denoiser'],
  prompts: { type: 'synthetic-colour-shapes', seed: 0 },
  samples: 224,
  seed: 0,
  batch_size: 16,
  reference: { type: 'synthetic-prompt-videos', seed: 1 },
  fvd: { clip_frames: 12, network: { type: 'builtin-motion-standin', seed: 21 } },
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 32, normalization: 'minus-one-one' },
  clip: { type: 'builtin-clip-like', context_length: 16 },
  metrics: ['clip_score_frames', 'fvd', 'fid_frames', 'temporal_consistency'],
  primary: 'clip_score_frames',
  drift_tolerance: 1e-6,
  time_limit_s: 300,
  sampler: { solver: 'ddim', steps: 10, guidance: 1.5, eta: 0 },
});
