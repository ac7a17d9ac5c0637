import { z } from 'zod';
import { NORMALIZATIONS } from '../enums.js';
import { RESIZE_PROTOCOLS } from '../enums.js';
import { Description, ModelName, TensorName } from './manifest-fields.js';

/**
 * The zero-shot segmentation kinds (README.md, "The manifest"): `extractor` (images → a feature map the
 * harness clusters with k-means) and `segmenter` (images → segment ids, or per-segment scores whose argmax
 * is taken). Both take float32 NCHW `[N, 3, input_size, input_size]` normalized as `normalization` says; a
 * suite's images are brought to `input_size` by `preprocessing` when their size differs.
 */

/** Height and width of the square images the graph takes. */
const InputSize = z.number().int().min(8).max(4096);

const ImageInput = {
  description: Description.optional(),
  input_size: InputSize,
  normalization: z.enum(NORMALIZATIONS),
  /** How a suite's images are resized to `input_size` when their size differs. Default `pil-bicubic`. */
  preprocessing: z.enum(RESIZE_PROTOCOLS).default('pil-bicubic'),
  inputs: z.strictObject({ images: TensorName }),
};

/** `extractor`: features float32 `[N, C, h, w]`; the harness clusters them into the suite's K clusters. */
export const SegmentationExtractorManifest = z.strictObject({
  name: ModelName,
  kind: z.literal('extractor'),
  ...ImageInput,
  outputs: z.strictObject({ features: TensorName }),
});
export type SegmentationExtractorManifest = z.infer<typeof SegmentationExtractorManifest>;

/**
 * `segmenter`: exactly one of `segments` (integer ids `[N, h, w]`, upsampled to the label size by nearest
 * neighbour) or `scores` (float32 `[N, S, h, w]`, upsampled bilinearly, then the argmax over S is the id).
 */
export const SegmenterManifest = z
  .strictObject({
    name: ModelName,
    kind: z.literal('segmenter'),
    ...ImageInput,
    outputs: z.strictObject({ segments: TensorName.optional(), scores: TensorName.optional() }),
  })
  .superRefine((m, ctx) => {
    const declared = [m.outputs.segments, m.outputs.scores].filter((x) => x !== undefined).length;
    if (declared !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['outputs'],
        message: 'a segmenter declares exactly one of outputs.segments (integer ids [N, h, w]) and outputs.scores (float32 [N, S, h, w])',
      });
    }
  });
export type SegmenterManifest = z.infer<typeof SegmenterManifest>;

export type SegmentationManifest = SegmentationExtractorManifest | SegmenterManifest;
export const SEGMENTATION_KINDS = ['extractor', 'segmenter'] as const;

export function isSegmentationManifest(m: { kind: string }): m is SegmentationManifest {
  return (SEGMENTATION_KINDS as readonly string[]).includes(m.kind);
}
