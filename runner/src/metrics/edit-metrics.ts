// Instruction-editing metrics as InstructPix2Pix's evaluation computes them (Brooks et al. 2023,
// `metrics/clip_similarity.py`, after Gal et al. 2022's directional CLIP loss), from CLIP embeddings:
// - CLIP-I: mean over edits of cos(E_img(output), E_img(input)), how much of the input image survives;
// - CLIP directional similarity: mean over edits of cos(E_img(output) − E_img(input), E_txt(output caption) −
//   E_txt(input caption)), whether the image changed the way the captions did.
// Protocol choices: embeddings L2-normalised before differencing (InstructPix2Pix's encode_image/encode_text
// divide by the norm), cosines in float64 as torch.nn.functional.cosine_similarity defines them,
// x·y / (max(‖x‖, ε) · max(‖y‖, ε)) with ε = 1e-8, so an unchanged image (a zero difference) scores 0.

import { checkUnitRows } from './clip-embeddings.js';
import { MetricInputError } from './metric-input-error.js';
import type { FeatureSet } from './precision-recall.js';

/** torch.nn.functional.cosine_similarity's eps. */
export const COSINE_EPS = 1e-8;

export interface EditSimilarityResult {
  /** Mean over edits. */
  value: number;
  /** Per edit, in input order. */
  perEdit: Float64Array;
}

function checkPaired(sets: Array<[string, FeatureSet]>): { rows: number; dim: number } {
  const [firstName, first] = sets[0]!;
  for (const [name, s] of sets.slice(1)) {
    if (s.dim !== first.dim)
      throw new MetricInputError(`${firstName} have ${first.dim} dimensions but ${name} ${s.dim}: all must come from one CLIP model`);
    if (s.rows !== first.rows)
      throw new MetricInputError(`${first.rows} ${firstName} but ${s.rows} ${name}: row i of each belongs to edit i`);
  }
  if (first.rows === 0) throw new MetricInputError('edit metrics need at least one edit');
  for (const [name, s] of sets) checkUnitRows(s, name);
  return { rows: first.rows, dim: first.dim };
}

function cosine(a: Float64Array, b: Float64Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let c = 0; c < a.length; c++) {
    dot += a[c]! * b[c]!;
    na += a[c]! * a[c]!;
    nb += b[c]! * b[c]!;
  }
  return dot / (Math.max(Math.sqrt(na), COSINE_EPS) * Math.max(Math.sqrt(nb), COSINE_EPS));
}

function row(s: FeatureSet, i: number): Float64Array {
  return Float64Array.from(s.data.subarray(i * s.dim, (i + 1) * s.dim));
}

/**
 * CLIP-I: mean cosine similarity of the CLIP image embeddings of each output and its input image. Both sets
 * L2-normalised [N, D], row i of each for edit i (MetricInputError otherwise).
 */
export function clipImageSimilarity(outputs: FeatureSet, inputs: FeatureSet): EditSimilarityResult {
  const { rows } = checkPaired([
    ['output image embeddings', outputs],
    ['input image embeddings', inputs],
  ]);
  const perEdit = new Float64Array(rows);
  for (let i = 0; i < rows; i++) perEdit[i] = cosine(row(outputs, i), row(inputs, i));
  return { value: perEdit.reduce((a, b) => a + b, 0) / rows, perEdit };
}

/**
 * CLIP directional similarity: mean over edits of cos(img_out − img_in, txt_out − txt_in), all four sets
 * L2-normalised CLIP embeddings [N, D] (image embeddings of output and input, text embeddings of the output
 * and input captions), row i of each for edit i.
 */
export function clipDirectionalSimilarity(
  outputImages: FeatureSet,
  inputImages: FeatureSet,
  outputCaptions: FeatureSet,
  inputCaptions: FeatureSet,
): EditSimilarityResult {
  const { rows, dim } = checkPaired([
    ['output image embeddings', outputImages],
    ['input image embeddings', inputImages],
    ['output caption embeddings', outputCaptions],
    ['input caption embeddings', inputCaptions],
  ]);
  const perEdit = new Float64Array(rows);
  const di = new Float64Array(dim);
  const dt = new Float64Array(dim);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < dim; c++) {
      const k = i * dim + c;
      di[c] = outputImages.data[k]! - inputImages.data[k]!;
      dt[c] = outputCaptions.data[k]! - inputCaptions.data[k]!;
    }
    perEdit[i] = cosine(di, dt);
  }
  return { value: perEdit.reduce((a, b) => a + b, 0) / rows, perEdit };
}
