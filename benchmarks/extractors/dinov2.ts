// FD-DINOv2's extractor (Stein et al., NeurIPS 2023, "Exposing flaws of generative model evaluation metrics";
// layer6ai-labs/dgm-eval): DINOv2 ViT-L/14, configured by path like the FID Inception. dgm-eval's transform
// (dgm_eval/models/dinov2.py, default clean_resize=False) resizes the PIL image to 224 × 224 with torchvision's
// Resize(BICUBIC) — Pillow's 8-bit bicubic, here `pil-bicubic-uint8` — then ToTensor (/255) and the ImageNet
// mean/std; the features are the model's output, the final-norm CLS token (the hub model's head is the
// identity), 1024 wide. The network is not shipped: an ONNX export of torch.hub's `dinov2_vitl14` with the
// resize and normalisation outside the graph goes in $GENBENCH_MODELS_DIR.
import { SHA256_NOT_PINNED } from '../../contracts/assets/asset-ref.js';
import type { FileExtractor } from '../../contracts/suites/suite.schemas.js';
import type { z } from 'zod';

/** No ONNX export of DINOv2 ViT-L/14 is published with a checksum: pinned once a maintainer checks one. */
export const DINOV2_VITL14_ONNX_SHA256 = SHA256_NOT_PINNED;

export const DINOV2_VITL14: z.input<typeof FileExtractor> = {
  type: 'onnx-file',
  id: 'dinov2-vitl14',
  file: 'dinov2_vitl14.onnx',
  sha256: DINOV2_VITL14_ONNX_SHA256,
  source:
    "an ONNX export of torch.hub.load('facebookresearch/dinov2', 'dinov2_vitl14') with output 'cls' (the normalised CLS token, [N, 1024]); input float32 NCHW [N, 3, 224, 224], resize and normalisation outside the graph",
  input_size: 224,
  preprocessing: 'pil-bicubic-uint8',
  normalization: 'imagenet',
  outputs: { pool: 'cls' },
};
