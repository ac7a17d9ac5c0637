import type { SampleCondition } from '../../../../contracts/jobs/runner-api.schemas.js';

/** A batch of samples as an ADM sample batch holds them: uint8 NHWC, optional class labels. */
export interface ImageBatch {
  /** Index of the first sample of the batch in the whole run. */
  start: number;
  count: number;
  resolution: number;
  images: Uint8Array;
  labels?: Int32Array;
  /**
   * What each sample answered, when the family knows more than a class label (text-to-image: `{prompt}`;
   * image-conditioned families: `{images: {input: sha256}}`): kept with the sample (sample-set.ts).
   */
  conditions?: SampleCondition[];
  /**
   * Images shown beside sample k, by role (image-conditioned families: `input`, the condition it was given, and
   * `target`): uint8 NHWC squares of side `side`. Kept samples upload them as PNGs and name them in
   * `condition.images` (sample-set.ts, worker/evaluate.processor.ts).
   */
  attached?: Array<Record<string, { pixels: Uint8Array; side: number }>>;
  /**
   * The whole videos of a video family's batch (`images` holds their first frames): uint8 [count, frames, R, R, 3]
   * meant at `fps`. Kept samples encode them as animated WebPs (sample-set.ts, issue #21.4).
   */
  videos?: { frames: number; fps: number; pixels: Uint8Array };
}
