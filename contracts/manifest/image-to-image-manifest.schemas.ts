import { z } from 'zod';
import { IMAGE_CONDITIONED_TASKS } from '../enums.js';
import { Description, ModelName, OutputRange, Resolution, TensorName } from './manifest-fields.js';
import { TextEncoderSpec, textConditioningIssues } from './text-conditioning.schemas.js';

/**
 * `image_to_image` (issue #17): a one-step image-conditioned generator run by the harness. It takes the suite's
 * condition images — float32 NCHW [N, 3, condition_resolution, condition_resolution] in [−1, 1], exactly as
 * `GET /api/suites/:id/inputs` publishes them (x/127.5 − 1 of the uint8 batch, before quantisation for
 * degradations with noise) — and, where it declares `inputs.noise`, seeded noise [N, noise_dim] drawn from the
 * suite's seed; it returns float32 NCHW [N, 3, resolution, resolution] images in `output_range`. It competes in
 * one image-conditioned `task` and is matched to that task's suites by resolution and condition_resolution.
 *
 * A text-and-image model (an instruction editor, a text-guided control model) also declares `inputs.context`
 * and a `text_encoder` with its tokenizer (text-conditioning.schemas.ts, the text-to-image handling): the
 * harness encodes the suite's text for input i — edit instruction i, or caption i of a captioned control suite —
 * and feeds the encoding at `inputs.context` beside condition i.
 */
export const ImageToImageManifest = z
  .strictObject({
    name: ModelName,
    kind: z.literal('image_to_image'),
    description: Description.optional(),
    task: z.enum(IMAGE_CONDITIONED_TASKS),
    /** Side of the output images (the suite's targets). */
    resolution: Resolution,
    /** Side of the condition images (×4 super-resolution at 32: 8). */
    condition_resolution: z.number().int().min(1).max(1024),
    inputs: z.strictObject({ condition: TensorName, noise: TensorName.optional(), context: TensorName.optional() }),
    outputs: z.strictObject({ images: TensorName }),
    noise_dim: z.number().int().min(1).max(1_000_000).optional(),
    output_range: OutputRange,
    text_encoder: TextEncoderSpec.optional(),
  })
  .superRefine((m, ctx) => {
    if (m.inputs.noise !== undefined && m.noise_dim === undefined)
      ctx.addIssue({ code: 'custom', path: ['noise_dim'], message: 'a model with inputs.noise must declare noise_dim' });
    if (m.inputs.noise === undefined && m.noise_dim !== undefined)
      ctx.addIssue({ code: 'custom', path: ['inputs', 'noise'], message: 'noise_dim is declared but inputs.noise is not' });
    for (const issue of textConditioningIssues({ classes: 0, inputs: m.inputs, text_encoder: m.text_encoder }))
      ctx.addIssue({ code: 'custom', ...issue });
  });
export type ImageToImageManifest = z.infer<typeof ImageToImageManifest>;
