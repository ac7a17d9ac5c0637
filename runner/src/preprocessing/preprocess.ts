// Resize (by a named protocol) then normalize: what stands between a batch of uint8 images and a feature
// extractor's input tensor.

import { normalizeNhwc, type Normalization } from './normalization.js';
import { resizePilBicubic } from './pil-bicubic.js';
import { resizeTf1Bilinear } from './tf1-bilinear.js';

/**
 * `tf1-bilinear`: TF1 resize_bilinear, align_corners=False, no half-pixel centers (ADM/TTUR Inception).
 * `pil-bicubic`: clean-fid's Pillow float-mode bicubic with antialiasing, clipped to [0, 255].
 */
export const RESIZE_PROTOCOLS = ['tf1-bilinear', 'pil-bicubic'] as const;
export type ResizeProtocol = (typeof RESIZE_PROTOCOLS)[number];

export function isResizeProtocol(x: unknown): x is ResizeProtocol {
  return typeof x === 'string' && (RESIZE_PROTOCOLS as readonly string[]).includes(x);
}

/** Square RGB NHWC images `srcSize` → `targetSize` by `protocol`, as float32 NHWC in [0, 255]. */
export function resizeNhwc(
  images: Uint8Array | Float32Array,
  count: number,
  srcSize: number,
  protocol: ResizeProtocol,
  targetSize: number,
): Float32Array {
  const shape = { count, height: srcSize, width: srcSize, channels: 3 };
  switch (protocol) {
    case 'tf1-bilinear':
      return resizeTf1Bilinear(images, shape, targetSize, targetSize);
    case 'pil-bicubic':
      return resizePilBicubic(images, shape, targetSize, targetSize);
    default:
      throw new RangeError(`unknown resize protocol ${String(protocol)} (known: ${RESIZE_PROTOCOLS.join(', ')})`);
  }
}

/**
 * uint8 NHWC images of `srcSize × srcSize × 3` → float32 NCHW `[count, 3, targetSize, targetSize]`:
 * resized by `protocol` when the sizes differ (never when they are equal: both protocols are the
 * identity then), then normalized.
 */
export function preprocess(
  images: Uint8Array,
  count: number,
  srcSize: number,
  protocol: ResizeProtocol,
  targetSize: number,
  normalization: Normalization,
): Float32Array {
  const pixels = srcSize === targetSize ? images : resizeNhwc(images, count, srcSize, protocol, targetSize);
  return normalizeNhwc(pixels, count, targetSize, normalization);
}
