// Temporal consistency as VBench's subject-consistency dimension defines it (Huang et al. 2024, "VBench",
// vbench/subject_consistency.py): each frame's features are L2-normalised; every frame i ≥ 1 of a video
// scores (max(0, cos(fᵢ, fᵢ₋₁)) + max(0, cos(fᵢ, f₀))) / 2 — its similarity to the previous frame and to
// the first, each clamped at 0 —, and the score is the mean of these over all frames i ≥ 1 of all videos
// (VBench's sim / cnt; with equal frame counts, the mean of the per-video means). VBench reads DINO ViT-B/16
// features; the suite names the frame network. Cosines in float64 from float32 features.

import { MetricInputError } from './metric-input-error.js';

export interface TemporalConsistencyResult {
  temporal_consistency: number;
  /** Per video: the mean over its frames i ≥ 1 (VBench's video_results). */
  perVideo: Float64Array;
}

function cosine(a: Float32Array, i: number, j: number, d: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let c = 0; c < d; c++) {
    const x = a[i * d + c];
    const y = a[j * d + c];
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

/**
 * Temporal consistency of `videos` videos of `frames` frames each, from their frame features: row-major
 * [videos, frames, dim] float32 (frame f of video v at row v·frames + f).
 */
export function temporalConsistency(features: Float32Array, videos: number, frames: number, dim: number): TemporalConsistencyResult {
  if (videos < 1) throw new MetricInputError('temporal consistency needs at least one video');
  if (frames < 2) throw new MetricInputError(`temporal consistency compares consecutive frames: videos of ${frames} frame(s) have none`);
  if (features.length !== videos * frames * dim)
    throw new MetricInputError(`${features.length} feature values are not ${videos} videos × ${frames} frames × ${dim} features`);
  const perVideo = new Float64Array(videos);
  let sum = 0;
  for (let v = 0; v < videos; v++) {
    const first = v * frames;
    let videoSum = 0;
    for (let f = 1; f < frames; f++) {
      const i = first + f;
      const pre = cosine(features, i - 1, i, dim);
      const fir = cosine(features, first, i, dim);
      if (!Number.isFinite(pre) || !Number.isFinite(fir))
        throw new MetricInputError(`frame ${f} of video ${v} (or its first frame) has zero or non-finite features`);
      videoSum += (Math.max(0, pre) + Math.max(0, fir)) / 2;
    }
    perVideo[v] = videoSum / (frames - 1);
    sum += videoSum;
  }
  return { temporal_consistency: sum / (videos * (frames - 1)), perVideo };
}
