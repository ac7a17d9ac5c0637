import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { COCOSTUFF27_VAL, KMEANS, SEGMENTATION_METRICS } from './segmentation-common.js';

/**
 * COCO-Stuff-27, per-image-hungarian: 2,175 curated COCO-Stuff val2017 images (STEGO list
 * Coco164kFull_Stuff_Coarse_7.txt), 171 classes merged into 27, shorter side resized to 512 by nearest
 * neighbour then centre-cropped to 512×512 (STEGO's evaluation transform, for images and labels). Needs the
 * dataset under GENBENCH_DATASETS_DIR.
 */
export default defineSuite({
  id: 'cocostuff27-per-image',
  version: 1,
  title: 'COCO-Stuff-27, per-image-hungarian',
  description:
    '2,175 curated COCO-Stuff val2017 images (STEGO list Coco164kFull_Stuff_Coarse_7.txt), 171 classes merged into 27; 512×512 centre crops; k-means per image (extractors) and a Hungarian matching per image among the classes present, as DiffSeg scores its segments.',
  task: 'zero-shot-segmentation',
  resolution: 512,
  kinds: ['extractor', 'segmenter'],
  dataset: COCOSTUFF27_VAL,
  classes: 27,
  protocol: 'per-image-hungarian',
  seed: 0,
  clustering: KMEANS,
  batch_size: 8,
  metrics: SEGMENTATION_METRICS,
  primary: 'miou',
  // Features of large networks agree to about 1e-5 relative across execution providers.
  drift_tolerance: 1e-4,
  time_limit_s: 6 * 3600,
});
