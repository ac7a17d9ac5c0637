import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { KMEANS, SEGMENTATION_METRICS, SMOKE_SEG_DATA } from './segmentation-common.js';

/**
 * Offline smoke suite for the STEGO / PiCIE protocol: 64 synthetic 64×64 images, one Hungarian matching of
 * clusters (or segment ids) to the 5 classes over the whole set. Runs in seconds; comparable only within itself.
 */
export default defineSuite({
  id: 'smoke-seg-dataset',
  version: 1,
  title: 'Smoke segmentation, dataset-hungarian (synthetic shapes)',
  description:
    '64 synthetic 64×64 images, 5 classes; k-means on features pooled over the set (extractors), one Hungarian matching over the set. Runs offline in seconds.',
  task: 'zero-shot-segmentation',
  resolution: 64,
  kinds: ['extractor', 'segmenter'],
  dataset: SMOKE_SEG_DATA,
  classes: 5,
  protocol: 'dataset-hungarian',
  seed: 0,
  clustering: KMEANS,
  batch_size: 16,
  metrics: SEGMENTATION_METRICS,
  primary: 'miou',
  drift_tolerance: 1e-6,
  time_limit_s: 300,
});
