// CLIP score of videos per frame (as text-to-video papers report it, e.g. Wu et al.'s CLIPSIM): every frame
// is scored against its video's prompt with clip-score.ts (Hessel et al. 2021, weight 100, clamp at 0 per
// frame) and the score is the mean over all frames of all videos.

import { clipScore, type ClipScoreResult } from './clip-score.js';
import { MetricInputError } from './metric-input-error.js';
import type { FeatureSet } from './precision-recall.js';

/**
 * `frameEmbeddings` are [videos·frames, D] (frame f of video v at row v·frames + f), `promptEmbeddings`
 * [videos, D], both L2-normalised; `samples` in the result counts frames.
 */
export function frameClipScore(frameEmbeddings: FeatureSet, promptEmbeddings: FeatureSet, frames: number): ClipScoreResult {
  if (!Number.isInteger(frames) || frames < 1) throw new MetricInputError(`frames per video must be a positive integer, got ${frames}`);
  if (frameEmbeddings.rows !== promptEmbeddings.rows * frames)
    throw new MetricInputError(
      `${frameEmbeddings.rows} frame embeddings are not ${promptEmbeddings.rows} videos × ${frames} frames: each video needs its prompt`,
    );
  const d = promptEmbeddings.dim;
  const repeated = new Float32Array(frameEmbeddings.rows * d);
  for (let v = 0; v < promptEmbeddings.rows; v++) {
    const row = promptEmbeddings.data.subarray(v * d, (v + 1) * d);
    for (let f = 0; f < frames; f++) repeated.set(row, (v * frames + f) * d);
  }
  return clipScore(frameEmbeddings, { data: repeated, rows: frameEmbeddings.rows, dim: d });
}
