import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { KMEANS, SEGMENTATION_METRICS, SMOKE_SEG_DATA } from './segmentation-common.js';

/**
 * Offline smoke suite for the DiffSeg-style protocol: the images of smoke-seg-dataset, each image's segments
 * (or its own k-means clusters, for extractors) matched to the classes present in it.
 */
export default defineSuite({
  id: 'smoke-seg-per-image',
  version: 1,
  title: 'Smoke segmentation, per-image-hungarian (synthetic shapes)',
  description:
    '64 synthetic 64×64 images, 5 classes; k-means per image (extractors), Hungarian matching per image. Runs offline in seconds.',
  task: 'zero-shot-segmentation',
  resolution: 64,
  kinds: ['extractor', 'segmenter'],
  dataset: SMOKE_SEG_DATA,
  classes: 5,
  protocol: 'per-image-hungarian',
  seed: 0,
  clustering: KMEANS,
  batch_size: 16,
  metrics: SEGMENTATION_METRICS,
  primary: 'miou',
  drift_tolerance: 1e-6,
  time_limit_s: 300,
});
