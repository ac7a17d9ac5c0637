// Paired translation edges → handbag photos at 64×64, the DDBM benchmark (Zhou et al. 2023, github.com/alexzhou907/
// DDBM): DDBM's EdgesDataset (datasets/aligned_dataset.py) splits each pix2pix AB image into A (left half: the
// edge map, the source) and B (right half: the photo, the target) and, for evaluation (crop and flip off), resizes
// both to 64×64 with PIL bicubic. DDBM samples with Heun, 40 steps (sample_ddbm.sh) and scores FID (the ADM
// evaluator's Inception) and LPIPS (torchmetrics, VGG) (evaluations/evaluator.py). Its sampling script's default
// split is `train` (the train directory without augmentation); `--split test` reads the `val` directory, which this
// suite scores. Nothing is downloaded: both batches are configured by path (README.md, "Suites"), their sha256 is
// not pinned until a maintainer prepares and checks them, and the suite is listed as unavailable until they are
// present. Scores here are against the val targets themselves, not DDBM's published reference statistics
// (edges2handbags_ref_64_data.npz), so they compare within this board.
import { SHA256_NOT_PINNED } from '../../contracts/assets/asset-ref.js';
import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { FID_INCEPTION } from '../imagenet/adm-assets.js';

const SOURCE = 'https://efrosgans.eecs.berkeley.edu/pix2pix/datasets/edges2handbags.tar.gz';

export default defineSuite({
  id: 'edges2handbags-64',
  version: 1,
  title: 'Edges2Handbags 64×64 val (paired translation, DDBM)',
  description:
    "pix2pix's edges2handbags val pairs at 64×64 (edges → photo, resized as DDBM does); outputs scored against the photos by FID (Inception, ranks), KID, PSNR and SSIM.",
  task: 'image-translation',
  resolution: 64,
  kinds: ['image_to_image', 'samples'],
  condition: {
    kind: 'paired-source',
    sources: {
      type: 'adm-reference-batch',
      file: 'edges2handbags-val-64-edges.npz',
      sha256: SHA256_NOT_PINNED,
      // edges2handbags.tar.gz's val/*.jpg in sorted filename order, the left half of each resized to 64×64 with PIL
      // bicubic, as an ADM batch (arr_0 uint8 [N, 64, 64, 3]); image i pairs with target i.
      source: SOURCE,
    },
  },
  targets: {
    type: 'adm-reference-batch',
    file: 'edges2handbags-val-64-photos.npz',
    sha256: SHA256_NOT_PINNED,
    // The right halves of the same files, in the same order, resized the same way.
    source: SOURCE,
  },
  // The size of pix2pix's edges2handbags val split as recalled, not checked here: the harness refuses a batch
  // holding fewer images (suite-inputs.ts), so the maintainer preparing the batches confirms it.
  samples: 200,
  seed: 0,
  batch_size: 50,
  extractor: FID_INCEPTION,
  metrics: ['fid', 'kid', 'psnr', 'ssim'],
  primary: 'fid',
  drift_tolerance: 1e-6,
  time_limit_s: 3600,
});
