// CLIP embedding sets as the text-to-image metrics read them: float32 [N, D] rows that are L2-normalised
// (the features writer normalises each row in float64 before storing float32). The check allows the
// rounding of a float16 model's own normalisation, not an unnormalised embedding.

import { MetricInputError } from './metric-input-error.js';
import type { FeatureSet } from './precision-recall.js';

/** |‖x‖ − 1| allowed per row: float16 rounding of a normalised row is ≲ 1e-3; an unnormalised one is far off. */
export const UNIT_NORM_TOLERANCE = 2e-3;

/** Throws MetricInputError naming the first row whose Euclidean norm is not 1 within UNIT_NORM_TOLERANCE. */
export function checkUnitRows(set: FeatureSet, key: string, file?: string): void {
  const { data, rows, dim } = set;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += data[i * dim + c] * data[i * dim + c];
    const norm = Math.sqrt(s);
    if (!(Math.abs(norm - 1) <= UNIT_NORM_TOLERANCE)) {
      throw new MetricInputError(
        `'${key}' must hold L2-normalised embeddings, but row ${i} has norm ${norm.toPrecision(6)} ` +
          `(allowed: 1 ± ${UNIT_NORM_TOLERANCE}); divide each row by its norm before saving`,
        file,
      );
    }
  }
}
