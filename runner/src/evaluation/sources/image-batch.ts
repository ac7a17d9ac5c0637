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
}
