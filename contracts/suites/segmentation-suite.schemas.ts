import { z } from 'zod';
import { SEGMENTATION_KINDS } from '../manifest/segmentation-manifest.schemas.js';
import { SEGMENTATION_PROTOCOLS } from '../enums.js';

/**
 * A zero-shot segmentation suite (task `zero-shot-segmentation`): which labelled images, how many classes K,
 * which matching protocol (runner/src/segmentation/protocols.ts) and how an extractor's features are
 * clustered. Scored by runner/src/tasks/segmentation/segmentation.task.ts. A change that can alter scores
 * bumps `version`, as for every suite.
 */

/**
 * The project's synthetic shapes (runner/src/segmentation/synthetic-dataset.ts) at `resolution`: five classes
 * with exact masks and an ignored frame; image i depends only on (seed, i). Needs no files.
 */
export const SyntheticSegmentationData = z.strictObject({
  type: z.literal('synthetic-shapes'),
  images: z.number().int().min(1),
  seed: z.number().int().min(0),
});

/**
 * COCO-Stuff as STEGO evaluates "cocostuff27" (STEGO src/data.py `Coco`, `subset=7` for val): the images
 * listed in `cocostuff/curated/<split>/<list>` under the datasets directory, their stuffthingmaps label PNG
 * (ids 0–181, 255 unlabelled) mapped to the 27 coarse classes by STEGO's `fine_to_coarse`.
 */
export const CocoStuff27Data = z.strictObject({
  type: z.literal('cocostuff27'),
  split: z.literal('val2017'),
  list: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  /** How many ids the list holds; a list of another length is refused. */
  images: z.number().int().min(1),
});

/**
 * Cityscapes as STEGO evaluates it (STEGO src/data.py `CityscapesSeg`): every `leftImg8bit/<split>` image with
 * its `gtFine_labelIds` PNG; label ids 7–33 become classes 0–26, every other id is ignored.
 */
export const Cityscapes27Data = z.strictObject({
  type: z.literal('cityscapes27'),
  split: z.literal('val'),
  images: z.number().int().min(1),
});

export type SyntheticSegmentationData = z.infer<typeof SyntheticSegmentationData>;
export type CocoStuff27Data = z.infer<typeof CocoStuff27Data>;
export type Cityscapes27Data = z.infer<typeof Cityscapes27Data>;

export const SegmentationData = z.discriminatedUnion('type', [SyntheticSegmentationData, CocoStuff27Data, Cityscapes27Data]);
export type SegmentationData = z.infer<typeof SegmentationData>;

export const SEGMENTATION_METRICS = ['miou', 'pixel_accuracy'] as const;

export const SegmentationSuiteDefinition = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.number().int().min(1),
    title: z.string(),
    description: z.string().default(''),
    task: z.literal('zero-shot-segmentation'),
    /**
     * Images and labels are `resolution × resolution` after the dataset's resize and centre crop; predictions
     * are brought to this size before scoring. Models of any `input_size` are scored: images are resized to it.
     */
    resolution: z.number().int().min(8),
    kinds: z.array(z.enum(SEGMENTATION_KINDS)).min(1),
    dataset: SegmentationData,
    /** K: labels 0..K-1 are classes (anything else is ignored), and an extractor's features make K clusters. */
    classes: z.number().int().min(1),
    protocol: z.enum(SEGMENTATION_PROTOCOLS),
    /** Seed of k-means++ (the same for every image and for the pooled fit); recorded with the scores. */
    seed: z.number().int().min(0),
    clustering: z.strictObject({
      algorithm: z.literal('kmeans++-lloyd'),
      max_iterations: z.number().int().min(1),
      /**
       * dataset-hungarian: at most this many feature vectors are pooled to fit the centroids, an equal share
       * drawn from each image (runner/src/tasks/segmentation/segmentation.task.ts); every pixel is then assigned.
       */
      max_points: z.number().int().min(1),
    }),
    batch_size: z.number().int().min(1).default(16),
    metrics: z.array(z.enum(SEGMENTATION_METRICS)).min(1),
    primary: z.enum(SEGMENTATION_METRICS),
    /** Relative change of the primary metric above which a re-evaluation is flagged as drift. */
    drift_tolerance: z.number().min(0).default(1e-6),
    time_limit_s: z.number().positive().default(3600),
  })
  .refine((s) => s.metrics.includes(s.primary), { message: 'primary must be one of metrics', path: ['primary'] });
export type SegmentationSuiteDefinition = z.infer<typeof SegmentationSuiteDefinition>;
export type SegmentationSuiteInput = z.input<typeof SegmentationSuiteDefinition>;

export function isSegmentationSuite(s: { task: string }): s is SegmentationSuiteDefinition {
  return s.task === 'zero-shot-segmentation';
}
