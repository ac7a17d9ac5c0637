// Named choices that suites, manifests, the API, the database and the dashboard refer to: one list each,
// imported by all of them (the dashboard too, so this file imports nothing). The protocols' implementations
// live in the runner (runner/src/preprocessing/, runner/src/segmentation/protocols.ts) and import these names.
// The Prisma enums mirror the database's; contracts/enums.spec.ts checks they agree with these lists.

/** The tasks suites score and models compete in; a new task family adds its task here. */
export const TASKS = [
  'unconditional-generation',
  'class-conditional-generation',
  'zero-shot-segmentation',
  'text-to-image',
  'video-generation',
  'image-restoration',
  'image-translation',
  'controllable-generation',
  'image-editing',
] as const;

/** The tasks whose models take an image (issue #17): suites in contracts/suites/image-conditioned-suite.schemas.ts. */
export const IMAGE_CONDITIONED_TASKS = ['image-restoration', 'image-translation', 'controllable-generation', 'image-editing'] as const;
export type ImageConditionedTask = (typeof IMAGE_CONDITIONED_TASKS)[number];

/** What a submission is (its manifest's `kind`). */
/** `image_to_image`: a one-step image-conditioned generator (condition image [+ noise] → image; issue #17). */
export const MODEL_KINDS = ['generator', 'denoiser', 'samples', 'extractor', 'segmenter', 'image_to_image'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const EVALUATION_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

/** Why an evaluation was queued. */
export const EVALUATION_TRIGGERS = ['submit', 'nightly', 'manual'] as const;
export type EvaluationTrigger = (typeof EVALUATION_TRIGGERS)[number];

/** Who must act on a failed evaluation: the model's author, an admin (`suite`), or nobody (`infrastructure`, retried). */
export const FAILURE_KINDS = ['model', 'suite', 'infrastructure'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** A model version's visibility: private ones are seen by their owner and admins only. */
export const VISIBILITIES = ['public', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const TOKEN_ROLES = ['submitter', 'admin', 'runner'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** What a nightly schedule re-evaluates. */
export const SCHEDULE_SCOPES = ['all', 'suite', 'model'] as const;
export type ScheduleScope = (typeof SCHEDULE_SCOPES)[number];

/**
 * `tf1-bilinear`: TF1 resize_bilinear, align_corners=False, no half-pixel centers (ADM/TTUR Inception).
 * `pil-bicubic`: clean-fid's Pillow float-mode bicubic with antialiasing, clipped to [0, 255].
 * `pil-bicubic-uint8`: Pillow's 8-bit bicubic on the uint8 image (torchvision `Resize(BICUBIC)` on a PIL
 * image, as dgm-eval's DINOv2 transform does), rounded to uint8.
 */
export const RESIZE_PROTOCOLS = ['tf1-bilinear', 'pil-bicubic', 'pil-bicubic-uint8'] as const;
export type ResizeProtocol = (typeof RESIZE_PROTOCOLS)[number];

/**
 * How resized pixel values in [0, 255] become an extractor's input range (runner/src/preprocessing/normalization.ts):
 * `adm` (x − 128) / 128, `minus-one-one` x / 127.5 − 1, `imagenet` torchvision's ImageNet mean and std.
 */
export const NORMALIZATIONS = ['adm', 'minus-one-one', 'imagenet'] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

/** How predicted segments are matched to classes (runner/src/segmentation/protocols.ts). */
export const SEGMENTATION_PROTOCOLS = ['dataset-hungarian', 'per-image-hungarian'] as const;
export type SegmentationProtocol = (typeof SEGMENTATION_PROTOCOLS)[number];

export function isSegmentationProtocol(value: string): value is SegmentationProtocol {
  return (SEGMENTATION_PROTOCOLS as readonly string[]).includes(value);
}
