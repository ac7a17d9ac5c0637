// Edge F1 (control fidelity of Canny-conditioned generation, as ControlNet++ (Li et al. 2024) reports it): the
// Canny map re-extracted from each output (runner/src/conditions/canny.ts, the harness's own extraction) against
// the control map the model was given, pixel by pixel with no distance tolerance; per image
// F1 = 2·TP / (2·TP + FP + FN), which is 2PR/(P + R) and is defined as 1 when neither map has an edge (nothing to
// follow, nothing invented); averaged over images. Protocol choice: per-image averaging, not pooled counts, so
// every conditioning image weighs the same.

import { MetricInputError } from './metric-input-error.js';

export interface EdgeF1Result {
  edge_f1: number;
  perImage: Float64Array;
}

/** Mean per-image F1 of binary maps (`predicted`, `control`: 0/1, `count` images of `pixels` each). */
export function edgeF1(predicted: Uint8Array, control: Uint8Array, count: number, pixels: number): EdgeF1Result {
  if (predicted.length !== count * pixels || control.length !== count * pixels)
    throw new MetricInputError(
      `edge maps must hold ${count} images of ${pixels} pixels; got ${predicted.length} and ${control.length} values`,
    );
  if (count === 0) throw new MetricInputError('no edge maps to compare');
  const perImage = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let p = i * pixels; p < (i + 1) * pixels; p++) {
      const a = predicted[p] !== 0;
      const b = control[p] !== 0;
      if (a && b) tp++;
      else if (a) fp++;
      else if (b) fn++;
    }
    perImage[i] = tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn);
  }
  return { edge_f1: perImage.reduce((s, v) => s + v, 0) / count, perImage };
}
