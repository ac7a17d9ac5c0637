// Paired translation edges → handbag photos at 64×64, the DDBM benchmark (Zhou et al. 2023, github.com/alexzhou907/
// DDBM): DDBM's EdgesDataset (datasets/aligned_dataset.py) splits each pix2pix AB image into A (left half: the
// edge map, the source) and B (right half: the photo, the target) and, for evaluation (crop and flip off), resizes
// both to 64×64 with PIL bicubic. DDBM samples with Heun, 40 steps (sample_ddbm.sh). Nothing is downloaded: both
// batches are configured by path (README.md, "Suites"), their sha256 is not pinned until a maintainer prepares and
// checks them, and the suite is listed as unavailable until they are present. Scores here are against the val
// targets themselves, not DDBM's published reference statistics (edges2handbags_ref_64_data.npz), so they compare
// within this board.
//
// Split. DDBM's paper (arXiv:2309.16948, "Experiments") evaluates FID and IS "on all training samples"; its sampling script's
// `--split test` reads the `val` directory instead (EdgesDataset(train=False), every image of val/ as
// datasets/image_folder.py's make_dataset lists it, scripts/image_sample.py: num_samples = len(dataset), in os.walk
// order, unsorted), which this suite scores, in sorted filename order.
//
// Sample count (checked 2026-12-04): 200 is the number of images in edges2handbags.tar.gz's val/, as far as could
// be checked without the tarball: DDBM's code takes whatever val/ holds and states no count; pix2pix's
// docs/datasets.md (junyanz/pytorch-CycleGAN-and-pix2pix) gives none for val; a BicycleGAN re-implementation's
// README (github.com/hee9joon/Image-to-Image-Translation, "4. BicycleGAN") lists the extracted folders as
// 1_AB.jpg … 138567_AB.jpg and 1_AB.jpg … 200_AB.jpg (its train/test labels swapped), and MindSpore's pix2pix
// README gives the train split as 138,567 (dataset_size). Not verified against the tarball: the harness refuses a
// batch holding fewer images (suite-inputs.ts), so the maintainer preparing the batches confirms it.
//
// v2 adds LPIPS, which DDBM reports with FID, IS and MSE. DDBM's evaluator (evaluations/evaluator.py,
// get_ssim_lpips) uses torchmetrics' LearnedPerceptualImagePatchSimilarity(net_type='vgg') on images in [−1, 1],
// so the suite names the VGG network (benchmarks/extractors/lpips.ts). Unlike that evaluator, which first resizes
// images smaller than 256 to 224 (bilinear) and averages per-batch means over batches of 128, the suite scores
// LPIPS at 64×64 per image and averages over images: its LPIPS is not DDBM's number.
import { SHA256_NOT_PINNED } from '../../contracts/assets/asset-ref.js';
import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { FID_INCEPTION } from '../imagenet/adm-assets.js';
import { LPIPS_VGG } from '../extractors/lpips.js';

const SOURCE = 'https://efrosgans.eecs.berkeley.edu/pix2pix/datasets/edges2handbags.tar.gz';

export default defineSuite({
  id: 'edges2handbags-64',
  version: 2,
  title: 'Edges2Handbags 64×64 val (paired translation, DDBM)',
  description:
    "pix2pix's edges2handbags val pairs at 64×64 (edges → photo, resized as DDBM does); outputs scored against the photos by FID (Inception, ranks), KID, PSNR, SSIM and LPIPS (VGG).",
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
  // The size of pix2pix's edges2handbags val split: see "Sample count" above.
  samples: 200,
  seed: 0,
  batch_size: 50,
  extractor: FID_INCEPTION,
  lpips: LPIPS_VGG,
  metrics: ['fid', 'kid', 'psnr', 'ssim', 'lpips'],
  primary: 'fid',
  drift_tolerance: 1e-6,
  time_limit_s: 3600,
});
