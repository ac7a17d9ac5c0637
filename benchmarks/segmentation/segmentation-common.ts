// What the zero-shot segmentation suites share. K-means: k-means++ seeding and Lloyd iterations as
// scikit-learn's defaults (300 iterations); at most 100,000 pooled feature vectors for dataset-hungarian.
import type { SegmentationSuiteInput } from '../../contracts/suites/segmentation-suite.schemas.js';

export const KMEANS: SegmentationSuiteInput['clustering'] = { algorithm: 'kmeans++-lloyd', max_iterations: 300, max_points: 100_000 };

export const SEGMENTATION_METRICS: SegmentationSuiteInput['metrics'] = ['miou', 'pixel_accuracy'];

/** STEGO's curated COCO-Stuff validation list (src/data.py, `Coco`, subset 7): 2,175 image ids. */
export const COCOSTUFF27_VAL: SegmentationSuiteInput['dataset'] = {
  type: 'cocostuff27',
  split: 'val2017',
  list: 'Coco164kFull_Stuff_Coarse_7.txt',
  images: 2175,
};

/** The 500 images of Cityscapes' fine validation split. */
export const CITYSCAPES27_VAL: SegmentationSuiteInput['dataset'] = { type: 'cityscapes27', split: 'val', images: 500 };

/** The project's synthetic shapes: 5 classes, exact masks, an ignored 2-pixel frame. */
export const SMOKE_SEG_DATA: SegmentationSuiteInput['dataset'] = { type: 'synthetic-shapes', images: 64, seed: 1 };
