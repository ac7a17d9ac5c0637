// Which frames and clips of a video the video metrics read, stated once so every suite uses the same protocol.
// FVD follows StyleGAN-V (Skorokhodov et al. 2022, src/metrics/frechet_video_distance.py): clips of 16
// consecutive frames; a generated video is read from its first frame, a real video from a start drawn
// uniformly among the clip starts it allows (StyleGAN-V's random clip sampling of the dataset). FID of frames
// reads k frames per video, evenly spaced: indices ⌊i·T/k⌋ for i = 0 … k−1 (all frames when k = T).

import type { Rng } from '../random/prng.js';
import { MetricInputError } from './metric-input-error.js';

/** StyleGAN-V's FVD clip length (its fvd2048_16f). */
export const FVD_CLIP_FRAMES = 16;

/** How a clip's first frame is chosen: `first` (generated videos) or `random` (real videos, one draw each). */
export type ClipStart = 'first' | 'random';

/** The first frame of a `clipFrames` clip in a `frames`-frame video. */
export function clipStart(frames: number, clipFrames: number, mode: ClipStart, rng?: Rng): number {
  if (!Number.isInteger(clipFrames) || clipFrames < 1)
    throw new MetricInputError(`a clip needs a positive whole number of frames, got ${clipFrames}`);
  if (frames < clipFrames)
    throw new MetricInputError(`videos of ${frames} frames are shorter than the ${clipFrames}-frame clips FVD reads`);
  if (mode === 'first') return 0;
  if (!rng) throw new MetricInputError('random clip starts need a seeded generator');
  return rng.nextInt(frames - clipFrames + 1);
}

/** Frame indices ⌊i·T/k⌋, i = 0 … k−1: k frames evenly spaced over a T-frame video, the first always included. */
export function frameIndices(frames: number, k: number): number[] {
  if (!Number.isInteger(k) || k < 1 || k > frames)
    throw new MetricInputError(`cannot read ${k} frames from videos of ${frames} frames (1 … ${frames})`);
  return Array.from({ length: k }, (_, i) => Math.floor((i * frames) / k));
}

/**
 * One clip of an uint8 video [T, H, W, 3] as the I3D input StyleGAN-V feeds: float32 [3, clipFrames, H, W]
 * (channels, then time), values x/127.5 − 1 in [−1, 1]. Resizing to the network's 224² is the extractor's
 * preprocessing, not this function's.
 */
export function i3dClip(
  video: Uint8Array,
  height: number,
  width: number,
  start: number,
  clipFrames: number,
  out?: Float32Array,
): Float32Array {
  const plane = height * width;
  const t = video.length / (plane * 3);
  if (!Number.isInteger(t) || start < 0 || start + clipFrames > t)
    throw new MetricInputError(`frames ${start} … ${start + clipFrames - 1} are not in a video of ${t} frames of ${height}×${width}`);
  const x = out ?? new Float32Array(3 * clipFrames * plane);
  for (let f = 0; f < clipFrames; f++) {
    const src = (start + f) * plane * 3;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) x[(c * clipFrames + f) * plane + p] = video[src + p * 3 + c] / 127.5 - 1;
    }
  }
  return x;
}
