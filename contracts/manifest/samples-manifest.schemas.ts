import { z } from 'zod';
import { ClassCount, Description, ModelName, Resolution } from './manifest-fields.js';

/**
 * `samples`: an uploaded ADM-style sample batch, an `.npz` holding `arr_0` (uint8 NHWC images
 * [N, resolution, resolution, 3]) and, for class-conditional batches, `arr_1` (int64 or int32 labels [N]).
 * Nothing is run: the suite scores its first `samples` images.
 */
export const SamplesManifest = z.strictObject({
  name: ModelName,
  kind: z.literal('samples'),
  description: Description.optional(),
  resolution: Resolution,
  /** 0 = unconditional; > 0: the batch must carry `arr_1` labels in [0, classes). */
  classes: ClassCount,
});
export type SamplesManifest = z.infer<typeof SamplesManifest>;
