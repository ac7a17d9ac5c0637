// Paired translation surface normals → photos on DIODE outdoor at 256×256, the DDBM benchmark (Zhou et al. 2023,
// github.com/alexzhou907/DDBM): DDBM's datasets/preprocess_depth.py (SPLIT='val', img_size=256, the images listed
// in data_list/val_outdoor.csv) resizes each RGB image to 256×256 with PIL bicubic (the target) and each normal map
// (`*_normal.npy`) with OpenCV INTER_NEAREST, saved as an image by its plot_normal_map (the source, `*_normal.png`);
// its DIODE dataset class feeds the normal image as the condition and the photo as the image. DDBM samples with
// Heun, 40 steps. Nothing is downloaded: both batches are configured by path (README.md, "Suites"), their sha256 is
// not pinned until a maintainer prepares and checks them, and the suite is listed as unavailable until they are
// present. Scores are against the val targets themselves, not DDBM's published reference statistics
// (diode_ref_256_data.npz). DDBM's paper (arXiv:2309.16948, "Experiments") evaluates FID and IS "on all training
// samples"; this suite scores the val split, in sorted filename order (DDBM's DIODE(train=False) reads val/ in
// os.listdir order).
//
// Sample count (checked 2026-12-04): 446 is the number of outdoor views in DIODE's val split. Marigold's DIODE
// split list data_split/diode/diode_val_outdoor_filename_list.txt (as copied in github.com/astra-vision/StableMTL)
// holds 446 lines (91,875 characters of fixed-width 206-character lines), and a DIODE ingest script found by code
// search (repository not identified) states "325 + 446 = 771" val views from diode-dataset.org's partitioning table
// and data_list.zip's val_indoors.csv / val_outdoor.csv. diode-devkit's diode_meta.json
// (github.com/diode-dataset/diode-devkit, only commit 21b7761, 2019) enumerates 392 val outdoor views instead — an
// enumeration older than the released val set (its train counts, 16,884 outdoor and 8,574 indoor, do match).
// Not verified: DDBM's preprocess_depth.py skips rows of val_outdoor.csv whose last field is 'Unavailable', and
// data_list.zip could not be read here, so DDBM's val set may hold fewer than 446 pairs. The harness refuses a
// batch holding fewer images (suite-inputs.ts): the maintainer preparing the batches confirms the count.
//
// v2 adds LPIPS, which DDBM reports with FID, IS and MSE: its evaluator (evaluations/evaluator.py, get_ssim_lpips)
// uses torchmetrics' LearnedPerceptualImagePatchSimilarity(net_type='vgg') on images in [−1, 1] (no resize at 256),
// so the suite names the VGG network (benchmarks/extractors/lpips.ts), per image, averaged over images (DDBM
// averages per-batch means over batches of 128).
import { SHA256_NOT_PINNED } from '../../contracts/assets/asset-ref.js';
import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { FID_INCEPTION } from '../imagenet/adm-assets.js';
import { LPIPS_VGG } from '../extractors/lpips.js';

const SOURCE = 'https://diode-dataset.org/';

export default defineSuite({
  id: 'diode-outdoor-256',
  version: 2,
  title: 'DIODE outdoor 256×256 val (normals → image, DDBM)',
  description:
    "DIODE's outdoor val images at 256×256 with their surface-normal maps as sources, prepared as DDBM's preprocess_depth.py does; outputs scored against the photos by FID (Inception, ranks), KID, PSNR, SSIM and LPIPS (VGG).",
  task: 'image-translation',
  resolution: 256,
  kinds: ['image_to_image', 'samples'],
  condition: {
    kind: 'paired-source',
    sources: {
      type: 'adm-reference-batch',
      file: 'diode-outdoor-val-256-normals.npz',
      sha256: SHA256_NOT_PINNED,
      // val.tar.gz's outdoor scenes in sorted filename order, each `*_normal.npy` made a 256×256 `*_normal.png` by
      // DDBM's preprocess_depth.py, as an ADM batch (arr_0 uint8 [N, 256, 256, 3]); image i pairs with target i.
      source: SOURCE,
    },
  },
  targets: {
    type: 'adm-reference-batch',
    file: 'diode-outdoor-val-256-images.npz',
    sha256: SHA256_NOT_PINNED,
    // The RGB images of the same scenes, in the same order, resized to 256×256 with PIL bicubic by the same script.
    source: SOURCE,
  },
  // DIODE's outdoor val views: see "Sample count" above.
  samples: 446,
  seed: 0,
  batch_size: 16,
  extractor: FID_INCEPTION,
  lpips: LPIPS_VGG,
  metrics: ['fid', 'kid', 'psnr', 'ssim', 'lpips'],
  primary: 'fid',
  drift_tolerance: 1e-6,
  time_limit_s: 7200,
});
