// CLIP score (Hessel et al. 2021, "CLIPScore: A Reference-free Evaluation Metric for Image Captioning", with
// the weight 100 that torchmetrics' clip_score uses instead of the paper's 2.5): the mean over samples of
// 100 · max(cos(image embedding_i, embedding of prompt_i), 0). Protocol choices: cosines in float64 from
// float32 embeddings, each row divided by its own norm (as torchmetrics does); the clamp at 0 is per
// sample, as the paper defines it. torchmetrics instead clamps the mean (max(mean(100·cos), 0)); the two
// agree whenever no cosine is negative, which the report counts (`negativeCosines`).

import { checkUnitRows } from './clip-embeddings.js';
import { MetricInputError } from './metric-input-error.js';
import type { FeatureSet } from './precision-recall.js';

export const CLIP_SCORE_WEIGHT = 100;

export interface ClipScoreResult {
  clip_score: number;
  samples: number;
  /** Samples whose cosine was negative and clamped to 0. */
  negativeCosines: number;
}

/**
 * CLIP score of paired rows: `images` row i is the image embedding of sample i, `texts` row i the embedding
 * of its prompt. Both must be L2-normalised [N, D] with the same N and D (MetricInputError otherwise).
 */
export function clipScore(images: FeatureSet, texts: FeatureSet, files: { images?: string; texts?: string } = {}): ClipScoreResult {
  if (images.dim !== texts.dim)
    throw new MetricInputError(
      `CLIP image embeddings have ${images.dim} dimensions but prompt embeddings ${texts.dim}: they must come from one CLIP model`,
    );
  if (images.rows !== texts.rows)
    throw new MetricInputError(
      `${images.rows} image embeddings but ${texts.rows} prompt embeddings: CLIP score pairs image i with the embedding of its prompt i`,
    );
  if (images.rows === 0) throw new MetricInputError('CLIP score needs at least one sample');
  checkUnitRows(images, 'clip', files.images);
  checkUnitRows(texts, 'clip_text', files.texts);
  const d = images.dim;
  let sum = 0;
  let negative = 0;
  for (let i = 0; i < images.rows; i++) {
    let dot = 0;
    let nx = 0;
    let ny = 0;
    for (let c = 0; c < d; c++) {
      const x = images.data[i * d + c];
      const y = texts.data[i * d + c];
      dot += x * y;
      nx += x * x;
      ny += y * y;
    }
    const cos = dot / Math.sqrt(nx * ny);
    if (cos < 0) negative++;
    else sum += CLIP_SCORE_WEIGHT * cos;
  }
  return { clip_score: sum / images.rows, samples: images.rows, negativeCosines: negative };
}
