import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { CITYSCAPES27_VAL, KMEANS, SEGMENTATION_METRICS } from './segmentation-common.js';

/**
 * Cityscapes-27, dataset-hungarian: the 500 Cityscapes val images, label ids 7–33 as 27 classes, shorter side
 * resized to 512 by nearest neighbour then centre-cropped to 512×512 (STEGO's evaluation transform, for images
 * and labels). Needs the dataset under GENBENCH_DATASETS_DIR.
 */
export default defineSuite({
  id: 'cityscapes27-dataset',
  version: 1,
  title: 'Cityscapes-27, dataset-hungarian',
  description:
    'The 500 Cityscapes val images, label ids 7–33 as 27 classes; 512×512 centre crops; k-means on features pooled over the set (extractors) and one Hungarian matching over the set, as STEGO scores its clusters.',
  task: 'zero-shot-segmentation',
  resolution: 512,
  kinds: ['extractor', 'segmenter'],
  dataset: CITYSCAPES27_VAL,
  classes: 27,
  protocol: 'dataset-hungarian',
  seed: 0,
  clustering: KMEANS,
  batch_size: 8,
  metrics: SEGMENTATION_METRICS,
  primary: 'miou',
  // Features of large networks agree to about 1e-5 relative across execution providers.
  drift_tolerance: 1e-4,
  time_limit_s: 6 * 3600,
});
