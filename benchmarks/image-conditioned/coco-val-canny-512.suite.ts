// Canny-controlled generation on MS-COCO: the 5,000 images of COCO 2017 val, centre-cropped and resized to
// 512×512 (ControlNet's resolution), their control maps computed by the harness with OpenCV's Canny(gray, 100, 200)
// as ControlNet's annotator does. Outputs are scored by edge F1 of their re-extracted Canny map against the control
// map (control fidelity, ranks) and by FID/KID (the FID Inception) against the source images. v2 adds each
// image's caption, as ControlNet-style evaluations feed it with the map: text-and-image models (manifest
// inputs.context + text_encoder) get caption i with map i, and models without text are scored on the same board
// from the map alone (v1 published no captions), and outputs are also scored by CLIP score (ViT-L/14, as the
// coco-30k text-to-image suites) against their captions. The caption is one of COCO's five per image, fixed so every
// model reads the same: the annotation with the lowest id in captions_val2017.json. Nothing is downloaded: the
// image batch and the captions are configured by path (README.md, "Suites"), their sha256 is not pinned until a
// maintainer prepares and checks them, and the suite is listed as unavailable until they are present.
import { SHA256_NOT_PINNED } from '../../contracts/assets/asset-ref.js';
import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { FID_INCEPTION } from '../imagenet/adm-assets.js';
import { CLIP_VIT_L14 } from '../text-to-image/coco-30k.js';

export default defineSuite({
  id: 'coco-val-canny-512',
  version: 2,
  title: 'COCO 2017 val Canny control 512×512 (with captions)',
  description:
    "The 5,000 COCO 2017 val images at 512×512 with the harness's Canny maps (OpenCV Canny(gray, 100, 200)) as controls and one COCO caption each for text-guided models; edge F1 against the control (ranks), CLIP score (ViT-L/14) against the captions, FID and KID (Inception) against the source images.",
  task: 'controllable-generation',
  resolution: 512,
  kinds: ['image_to_image', 'samples'],
  condition: {
    kind: 'canny',
    low: 100,
    high: 200,
    captions: {
      type: 'text-file',
      file: 'coco2017-val-5k-captions.txt',
      sha256: SHA256_NOT_PINNED,
      // annotations_trainval2017.zip's captions_val2017.json: for each image of the batch, in the batch's order,
      // the caption of its lowest-id annotation, trimmed, whitespace runs collapsed to one space, one a line (UTF-8).
      source: 'http://images.cocodataset.org/annotations/annotations_trainval2017.zip',
    },
  },
  targets: {
    type: 'adm-reference-batch',
    file: 'coco2017-val-5k-512.npz',
    sha256: SHA256_NOT_PINNED,
    // val2017.zip (5,000 images) from cocodataset.org, each centre-cropped to a square and resized to 512×512 with
    // PIL bicubic, in the order of instances_val2017.json's images list, as an ADM batch (arr_0 uint8 [5000, 512, 512, 3]).
    source: 'http://images.cocodataset.org/zips/val2017.zip',
  },
  samples: 5000,
  seed: 0,
  batch_size: 8,
  extractor: FID_INCEPTION,
  // CLIP score of each output against its caption (text fidelity), with text-to-image's COCO CLIP.
  clip: CLIP_VIT_L14,
  metrics: ['edge_f1', 'clip_score', 'fid', 'kid'],
  primary: 'edge_f1',
  drift_tolerance: 1e-6,
  time_limit_s: 14400,
});
