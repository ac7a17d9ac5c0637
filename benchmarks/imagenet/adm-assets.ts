// The files the ImageNet suites need and do not ship: ADM's reference batches (guided-diffusion,
// evaluations/README.md, "Download batches") and the FID Inception as ONNX.
import { SHA256_NOT_PINNED } from '../../contracts/assets/asset-ref.js';
import type { GenerationSuiteInput } from '../../contracts/suites/suite.schemas.js';

const ADM_REF_BATCHES = 'https://openaipublic.blob.core.windows.net/diffusion/jul-2021/ref_batches/imagenet';

/**
 * OpenAI publishes no checksums for the reference batches, and none could be found elsewhere: each stays
 * SHA256_NOT_PINNED until someone downloads the file, checks it (e.g. that ADM's evaluator reproduces the
 * paper's numbers with it) and pins `sha256sum` here. Until then verification refuses the file and prints
 * its hash. Pinning a value does not change scores, so it needs no version bump.
 */
export const ADM_REFERENCE_SHA256: Record<AdmResolution, string> = {
  64: SHA256_NOT_PINNED,
  128: SHA256_NOT_PINNED,
  256: SHA256_NOT_PINNED,
  512: SHA256_NOT_PINNED,
};

/**
 * The FID Inception (TF's inception-2015-12-05 `classify_image_graph_def.pb`, the graph ADM's evaluator
 * downloads) exported to ONNX with the resize and normalization taken out of the graph: it takes float32
 * NCHW [N, 3, 299, 299] already resized by tf1-bilinear and normalized by (x − 128)/128. No such export is
 * published, so its checksum is not pinned yet.
 */
export const FID_INCEPTION_ONNX_SHA256 = SHA256_NOT_PINNED;

export type AdmResolution = 64 | 128 | 256 | 512;

/** ADM's reference batch for ImageNet at `resolution` (10,000 images plus statistics of the whole train set). */
export function admReference(resolution: AdmResolution): GenerationSuiteInput['reference'] {
  // The 512 batch carries no `_labeled` suffix in ADM's list.
  const file = resolution === 512 ? 'VIRTUAL_imagenet512.npz' : `VIRTUAL_imagenet${resolution}_labeled.npz`;
  return {
    type: 'adm-reference-batch',
    file,
    sha256: ADM_REFERENCE_SHA256[resolution],
    source: `${ADM_REF_BATCHES}/${resolution}/${file}`,
  };
}

export const FID_INCEPTION: GenerationSuiteInput['extractor'] = {
  type: 'onnx-file',
  id: 'inception-2015-12-05',
  file: 'inception-2015-12-05.onnx',
  sha256: FID_INCEPTION_ONNX_SHA256,
  source:
    'an ONNX export of https://openaipublic.blob.core.windows.net/diffusion/jul-2021/ref_batches/classify_image_graph_def.pb (pool_3, mixed_6/conv, softmax logits; resize and normalization outside the graph)',
  input_size: 299,
  preprocessing: 'tf1-bilinear',
  normalization: 'adm',
  outputs: { pool: 'pool_3', spatial: 'mixed_6_conv', logits: 'logits' },
};

export const ADM_METRICS = ['fid', 'sfid', 'inception_score', 'precision', 'recall'];
