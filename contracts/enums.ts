// Named protocol choices that suites, manifests and the API's filters refer to. Their implementations live
// in the runner (runner/src/preprocessing/, runner/src/segmentation/protocols.ts) and import these names.

/**
 * `tf1-bilinear`: TF1 resize_bilinear, align_corners=False, no half-pixel centers (ADM/TTUR Inception).
 * `pil-bicubic`: clean-fid's Pillow float-mode bicubic with antialiasing, clipped to [0, 255].
 * `pil-bicubic-uint8`: Pillow's 8-bit bicubic on the uint8 image (torchvision `Resize(BICUBIC)` on a PIL
 * image, as dgm-eval's DINOv2 transform does), rounded to uint8.
 */
export const RESIZE_PROTOCOLS = ['tf1-bilinear', 'pil-bicubic', 'pil-bicubic-uint8'] as const;
export type ResizeProtocol = (typeof RESIZE_PROTOCOLS)[number];

export function isResizeProtocol(x: unknown): x is ResizeProtocol {
  return typeof x === 'string' && (RESIZE_PROTOCOLS as readonly string[]).includes(x);
}

/**
 * How resized pixel values in [0, 255] become an extractor's input range (runner/src/preprocessing/normalization.ts):
 * `adm` (x − 128) / 128, `minus-one-one` x / 127.5 − 1, `imagenet` torchvision's ImageNet mean and std.
 */
export const NORMALIZATIONS = ['adm', 'minus-one-one', 'imagenet'] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

/** How predicted segments are matched to classes (runner/src/segmentation/protocols.ts). */
export const SEGMENTATION_PROTOCOLS = ['dataset-hungarian', 'per-image-hungarian'] as const;
export type SegmentationProtocol = (typeof SEGMENTATION_PROTOCOLS)[number];

export function isSegmentationProtocol(value: string): value is SegmentationProtocol {
  return (SEGMENTATION_PROTOCOLS as readonly string[]).includes(value);
}
