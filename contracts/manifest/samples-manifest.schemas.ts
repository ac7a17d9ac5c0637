import { z } from 'zod';
import { ClassCount, Description, ModelName, Resolution } from './manifest-fields.js';

/**
 * `samples`: an uploaded ADM-style sample batch, an `.npz` holding `arr_0` (uint8 NHWC images
 * [N, resolution, resolution, 3]) and, for class-conditional batches, `arr_1` (int64 or int32 labels [N]).
 * Nothing is run: the suite scores its first `samples` images. With `frames`, a video batch: `arr_0` is
 * uint8 [N, frames, resolution, resolution, 3].
 */
export const SamplesManifest = z
  .strictObject({
    name: ModelName,
    kind: z.literal('samples'),
    description: Description.optional(),
    resolution: Resolution,
    /** 0 = unconditional; > 0: the batch must carry `arr_1` labels in [0, classes). */
    classes: ClassCount,
    /**
     * A text-to-image batch: the id of the suite whose published prompt list it answers (image i ↔ prompt i;
     * `GET /api/suites/:id/prompts`); the batch must hold exactly one image per prompt.
     */
    prompts: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/)
      .max(100)
      .optional(),
    /**
     * An image-conditioned batch (issue #17): the id of the suite whose published condition images it answers
     * (output i ↔ input i; `GET /api/suites/:id/inputs`); the batch must hold exactly one image per input.
     */
    conditions: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/)
      .max(100)
      .optional(),
    /** A video sample batch: `arr_0` is uint8 [N, frames, resolution, resolution, 3], scored by video suites. */
    frames: z.number().int().min(2).max(1024).optional(),
  })
  .refine((m) => m.prompts === undefined || m.classes === 0, {
    message: 'a batch that answers a prompt list has no class labels: declare classes: 0',
    path: ['classes'],
  })
  .refine((m) => m.conditions === undefined || (m.classes === 0 && m.prompts === undefined && m.frames === undefined), {
    message: 'a batch that answers condition images is neither labelled, prompted nor video: declare classes: 0 and no prompts or frames',
    path: ['conditions'],
  });
export type SamplesManifest = z.infer<typeof SamplesManifest>;
