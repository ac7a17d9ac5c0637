/** A batch of samples as an ADM sample batch holds them: uint8 NHWC, optional class labels. */
export interface ImageBatch {
  /** Index of the first sample of the batch in the whole run. */
  start: number;
  count: number;
  resolution: number;
  images: Uint8Array;
  labels?: Int32Array;
}
