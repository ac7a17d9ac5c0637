// DDRM's ImageNet protocol (Kawar et al. 2022): 1,000 ImageNet-1k validation images (DDRM's `imagenet_val_1k.txt`
// list), centre-cropped and resized to 256×256, restored from ×4 block-average super-resolution, Gaussian
// deblurring (σ = 10, 5 taps) and box inpainting, each with measurement noise σ_y = 0.05. Nothing is downloaded:
// the target batch is configured by path (README.md, "Suites"), its sha256 is not pinned until a maintainer
// prepares and checks it, and the suites are listed as unavailable until it is present.
//
// v2 adds LPIPS, which DDRM's paper reports beside PSNR for these tasks. DDRM's code computes PSNR only
// (github.com/bahjat-kawar/ddrm, runners/diffusion.py) and names no LPIPS network, so the suites use AlexNet, the
// lpips package's default, by path (benchmarks/extractors/lpips.ts); they are unavailable until it is exported.
import { SHA256_NOT_PINNED } from '../../contracts/assets/asset-ref.js';
import type { Degradation } from '../../contracts/conditions/degradation.schemas.js';
import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { FID_INCEPTION } from '../imagenet/adm-assets.js';
import { LPIPS_ALEX } from '../extractors/lpips.js';

const TARGETS = {
  type: 'adm-reference-batch' as const,
  file: 'imagenet1k-val-ddrm-1k-256.npz',
  sha256: SHA256_NOT_PINNED,
  // ILSVRC2012 validation images: the 1,000 of DDRM's imagenet_val_1k.txt (github.com/bahjat-kawar/ddrm) in its
  // order, prepared as DDRM reads that list (`subset_1k: True`, datasets/imagenet_subset.py): torchvision's
  // center_crop to the shorter side, then Resize(256), Pillow bilinear — not guided-diffusion's center_crop_arr,
  // which DDRM uses only for images outside the list — as an ADM batch (arr_0 uint8 [1000, 256, 256, 3]);
  // `genbench prepare-batch --crop center --resample bilinear --size 256` writes it.
  // (v2 states this; v1 said "as guided-diffusion does", which is not DDRM's path for the 1k list.)
  source: 'https://image-net.org/download',
};

export function ddrmSuite(id: string, title: string, degradation: Degradation) {
  return defineSuite({
    id,
    version: 2,
    title,
    description: `DDRM's 1k ImageNet val subset at 256×256, ${title}, σ_y = 0.05; PSNR (ranks), SSIM, FID, KID (Inception) and LPIPS (AlexNet) of the outputs against the originals.`,
    task: 'image-restoration',
    resolution: 256,
    kinds: ['image_to_image', 'samples'],
    condition: { kind: 'degradation', degradation, sigma_y: 0.05 },
    targets: TARGETS,
    samples: 1000,
    seed: 0,
    batch_size: 16,
    extractor: FID_INCEPTION,
    lpips: LPIPS_ALEX,
    metrics: ['psnr', 'ssim', 'fid', 'kid', 'lpips'],
    primary: 'psnr',
    drift_tolerance: 1e-6,
    time_limit_s: 7200,
  });
}
