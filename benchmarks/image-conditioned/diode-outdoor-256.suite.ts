// Paired translation surface normals → photos on DIODE outdoor at 256×256, the DDBM benchmark (Zhou et al. 2023,
// github.com/alexzhou907/DDBM): DDBM's datasets/preprocess_depth.py (SPLIT='val', img_size=256, the images listed
// in data_list/val_outdoor.csv) resizes each RGB image to 256×256 with PIL bicubic (the target) and each normal map
// (`*_normal.npy`) with OpenCV INTER_NEAREST, saved as an image by its plot_normal_map (the source, `*_normal.png`);
// its DIODE dataset class feeds the normal image as the condition and the photo as the image. DDBM samples with
// Heun, 40 steps, and scores FID and LPIPS (evaluations/evaluator.py). Nothing is downloaded: both batches are
// configured by path (README.md, "Suites"), their sha256 is not pinned until a maintainer prepares and checks them,
// and the suite is listed as unavailable until they are present. Scores are against the val targets themselves,
// not DDBM's published reference statistics (diode_ref_256_data.npz).
import { SHA256_NOT_PINNED } from '../../contracts/assets/asset-ref.js';
import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { FID_INCEPTION } from '../imagenet/adm-assets.js';

const SOURCE = 'https://diode-dataset.org/';

export default defineSuite({
  id: 'diode-outdoor-256',
  version: 1,
  title: 'DIODE outdoor 256×256 val (normals → image, DDBM)',
  description:
    "DIODE's outdoor val images at 256×256 with their surface-normal maps as sources, prepared as DDBM's preprocess_depth.py does; outputs scored against the photos by FID (Inception, ranks), KID, PSNR and SSIM.",
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
  // The size of DIODE's outdoor val split as recalled, not checked here: the harness refuses a batch holding fewer
  // images (suite-inputs.ts), so the maintainer preparing the batches confirms it.
  samples: 446,
  seed: 0,
  batch_size: 16,
  extractor: FID_INCEPTION,
  metrics: ['fid', 'kid', 'psnr', 'ssim'],
  primary: 'fid',
  drift_tolerance: 1e-6,
  time_limit_s: 7200,
});
