// COCO-30k, the text-to-image protocol of the LDM, Imagen and Stable Diffusion papers ("FID-30k"): 30,000
// captions of MS-COCO 2014 val, one sample per caption, against the 30,000 val images those captions describe,
// centre-cropped to a square and resized to the suite's resolution. Nothing is downloaded: the files are
// configured by path (README.md, "Text-to-image"), their sha256s are not pinned until a maintainer prepares
// and checks them, and the suites are listed as unavailable until they are present.
import { SHA256_NOT_PINNED } from '../../contracts/assets/asset-ref.js';
import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { DINOV2_VITL14 } from '../extractors/dinov2.js';
import { FID_INCEPTION } from '../imagenet/adm-assets.js';

const COCO = 'https://cocodataset.org/#download (2014 Val images and 2014 Train/Val annotations)';

/** CLIP ViT-L/14 (openai/clip-vit-large-patch14, torchmetrics' default for CLIP score) as ONNX. */
export const CLIP_VIT_L14 = {
  type: 'onnx-files' as const,
  id: 'openai-clip-vit-large-patch14',
  source:
    "ONNX exports of openai/clip-vit-large-patch14 (Hugging Face): the vision tower + visual_projection with CLIP's mean/std normalisation in the graph, taking (x + 1)/2 from input 'pixel_values' float32 [N, 3, 224, 224] in [−1, 1] (output 'image_embeds' [N, 768]) and the text tower + text_projection (inputs 'input_ids' int64 [N, 77], 'attention_mask'; output 'text_embeds' [N, 768]), and the model's tokenizer.json",
  image: {
    file: 'clip-vit-large-patch14-vision.onnx',
    sha256: SHA256_NOT_PINNED,
    input_size: 224,
    preprocessing: 'pil-bicubic-uint8' as const,
    // CLIP's own mean/std is not one of the harness's normalizations: the export applies it inside the graph.
    normalization: 'minus-one-one' as const,
    input: 'pixel_values',
    output: 'image_embeds',
  },
  text: {
    file: 'clip-vit-large-patch14-text.onnx',
    sha256: SHA256_NOT_PINNED,
    context_length: 77,
    inputs: { ids: 'input_ids', attention_mask: 'attention_mask' },
    output: 'text_embeds',
  },
  tokenizer: { file: 'clip-vit-large-patch14-tokenizer.json', sha256: SHA256_NOT_PINNED, pad_token: '<|endoftext|>' },
};

export function coco30kSuite(resolution: 256 | 512) {
  return defineSuite({
    id: `coco-30k-${resolution}`,
    version: 1,
    title: `COCO-30k ${resolution}×${resolution} (FID-30k, guidance 7.5)`,
    description: `30,000 MS-COCO 2014 val captions, one sample each, against the images they describe centre-cropped and resized to ${resolution}; FID (Inception, ADM's preprocessing), CLIP score and CMMD (CLIP ViT-L/14), FD-DINOv2. Denoisers: DDIM, 50 steps, classifier-free guidance 7.5 against the empty prompt. Numbers compare within this board.`,
    task: 'text-to-image',
    resolution,
    kinds: ['samples', 'denoiser', 'generator'],
    prompts: {
      type: 'prompt-file',
      file: 'coco2014-val-30k-captions.txt',
      sha256: SHA256_NOT_PINNED,
      source: `${COCO}: one caption per line, the first caption (annotation order) of 30,000 val2014 images taken in ascending image id order after a seeded shuffle (README.md, "Text-to-image")`,
    },
    samples: 30_000,
    seed: 0,
    batch_size: 32,
    reference: {
      type: 'adm-reference-batch',
      file: `coco2014-val-30k-${resolution}.npz`,
      sha256: SHA256_NOT_PINNED,
      source: 'https://cocodataset.org/#download',
    },
    extractor: FID_INCEPTION,
    dinov2: DINOV2_VITL14,
    clip: CLIP_VIT_L14,
    metrics: ['fid', 'clip_score', 'cmmd', 'fd_dinov2'],
    primary: 'fid',
    drift_tolerance: 1e-6,
    time_limit_s: 86_400,
    sampler: { solver: 'ddim', steps: 50, guidance: 7.5, eta: 0 },
  });
}
