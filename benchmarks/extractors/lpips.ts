// LPIPS's networks for the real suites (Zhang et al. 2018, the `lpips` pip package v0.1), by path under
// $GENBENCH_MODELS_DIR as LPIPS manifests (contracts/manifest/lpips-manifest.schemas.ts). Not shipped and not
// downloadable as ONNX: `python scripts/export_lpips.py --net alex|vgg --out-dir $GENBENCH_MODELS_DIR/lpips` writes
// each manifest with its network and lin weights; until they are there the suites naming them are listed as
// unavailable with that command (runner/src/suites/availability.ts).
import type { LpipsNetworkRef } from '../../contracts/suites/image-conditioned-suite.schemas.js';

/** AlexNet LPIPS, the lpips package's default network (`lpips.LPIPS(net='alex')`). */
export const LPIPS_ALEX: LpipsNetworkRef = { type: 'manifest', file: 'lpips/lpips_alex.json' };

/** VGG16 LPIPS (`lpips.LPIPS(net='vgg')`), the network torchmetrics' LearnedPerceptualImagePatchSimilarity(net_type='vgg') wraps. */
export const LPIPS_VGG: LpipsNetworkRef = { type: 'manifest', file: 'lpips/lpips_vgg.json' };
