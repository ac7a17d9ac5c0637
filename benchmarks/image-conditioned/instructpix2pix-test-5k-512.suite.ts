// Instruction editing on InstructPix2Pix's own evaluation set (Brooks et al. 2023, github.com/timothybrooks/
// instruct-pix2pix): metrics/compute_metrics.py draws 5,000 examples of the `test` split of EditDatasetEval over the
// clip-filtered-dataset (the last 5% of seeds.json: indices floor(0.95·n) to n), in the order of torch.randperm under
// torch.manual_seed(0), each example's image `{seed}_0.jpg` (seed drawn by torch.randint) resized to 512×512 with
// PIL LANCZOS, and scores each edit with metrics/clip_similarity.py (CLIP ViT-L/14): CLIP directional similarity
// against the prompt.json's input → output captions, and CLIP-I against the input image. Its sampler: Euler
// ancestral, 50 steps in compute_metrics' signature (100 as its command line's default). Nothing is downloaded:
// the batches and text files are configured by path (README.md, "Suites"), their sha256 is not pinned until a
// maintainer prepares and checks them, and the suite is listed as unavailable until they are present. The
// harness reads them as a file-based edit set (runner/src/conditions/suite-inputs.ts, fileEdits), and its
// CLIP preprocessing is PIL bicubic to 224 where clip_similarity.py uses torch's bicubic interpolate: numbers
// compare within this board.
import { SHA256_NOT_PINNED } from '../../contracts/assets/asset-ref.js';
import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { FID_INCEPTION } from '../imagenet/adm-assets.js';
import { CLIP_VIT_L14 } from '../text-to-image/coco-30k.js';

/** `bash scripts/download_data.sh clip-filtered-dataset` fetches this directory (zips and seeds.json). */
const SOURCE = 'http://instruct-pix2pix.eecs.berkeley.edu/clip-filtered-dataset/';

export default defineSuite({
  id: 'instructpix2pix-test-5k-512',
  version: 1,
  title: 'InstructPix2Pix test 5k 512×512 (instruction editing)',
  description:
    "InstructPix2Pix's evaluation edits: 5,000 images of its clip-filtered test split at 512×512 with their instructions; outputs scored by CLIP directional similarity (ViT-L/14, ranks) and CLIP-I against the input, and PSNR/SSIM against the dataset's edited image.",
  task: 'image-editing',
  resolution: 512,
  // One-step editors fed each source with its instruction's encoding (manifest inputs.context + text_encoder), and
  // sample batches. Denoisers are not offered: InstructPix2Pix samples with separate text and image guidance
  // scales, which the harness's sampler does not have.
  kinds: ['image_to_image', 'samples'],
  condition: {
    kind: 'edit-instruction',
    sources: {
      type: 'adm-reference-batch',
      file: 'ip2p-test-5k-512-inputs.npz',
      sha256: SHA256_NOT_PINNED,
      // The 5,000 `{seed}_0.jpg` in compute_metrics.py's order and seeds, resized as EditDatasetEval does, as an ADM
      // batch (arr_0 uint8 [5000, 512, 512, 3]).
      source: SOURCE,
    },
    // prompt.json's `edit` of each, one a line.
    instructions: { file: 'ip2p-test-5k-instructions.txt', sha256: SHA256_NOT_PINNED, source: SOURCE },
    // prompt.json's `input`, a tab, and `output` of each, one a line.
    captions: { file: 'ip2p-test-5k-captions.tsv', sha256: SHA256_NOT_PINNED, source: SOURCE },
  },
  targets: {
    type: 'adm-reference-batch',
    file: 'ip2p-test-5k-512-edited.npz',
    sha256: SHA256_NOT_PINNED,
    // The matching `{seed}_1.jpg` (the dataset's edited image; compute_metrics.py does not read it), resized the same way.
    source: SOURCE,
  },
  samples: 5000,
  seed: 0,
  batch_size: 16,
  extractor: FID_INCEPTION,
  clip: CLIP_VIT_L14,
  metrics: ['clip_directional', 'clip_i', 'psnr', 'ssim'],
  primary: 'clip_directional',
  drift_tolerance: 1e-6,
  time_limit_s: 14400,
});
