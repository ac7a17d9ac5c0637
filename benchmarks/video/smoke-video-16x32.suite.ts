import { defineSuite } from '../../contracts/suites/suite.schemas.js';

/**
 * Offline smoke suite for video generation: 64 sample videos of 16 frames at 32×32 against 128 seeded
 * moving-shapes videos (one square bouncing over a still background, runner/src/tasks/video/moving-shapes.ts).
 * FVD reads its 16-frame clips with the project's motion STAND-IN for I3D (a seeded 3-D convolution plus
 * frame-difference energies, runner/src/onnx/models/motion-standin-i3d.ts): not I3D, so its numbers compare
 * only on this board. FID of frames and temporal consistency use smoke-32's tiny conv extractor. A coherent
 * mover ranks above per-frame noise (every frame a new, individually plausible scene) on FVD and temporal
 * consistency, while FID of frames barely tells them apart.
 */
export default defineSuite({
  id: 'smoke-video-16x32',
  version: 1,
  title: 'Smoke video 16 frames 32×32 (moving shapes, stand-in I3D)',
  description:
    '64 videos of 16 frames at 32² vs 128 seeded moving-shapes videos; FVD with a motion stand-in for I3D (not I3D: compare within this board only), FID of frames and temporal consistency with tiny conv features; runs offline in seconds.',
  task: 'video-generation',
  resolution: 32,
  frames: 16,
  fps: 8,
  kinds: ['samples'],
  classes: 0,
  samples: 64,
  seed: 0,
  batch_size: 16,
  reference: { type: 'synthetic-moving-shapes', n: 128, seed: 1 },
  fvd: { clip_frames: 16, network: { type: 'builtin-motion-standin', seed: 21 } },
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 32, normalization: 'minus-one-one' },
  metrics: ['fvd', 'fid_frames', 'temporal_consistency'],
  primary: 'fvd',
  drift_tolerance: 1e-6,
  time_limit_s: 300,
});
