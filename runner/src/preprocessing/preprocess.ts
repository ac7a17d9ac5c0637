// Resize (by a named protocol) then normalize: what stands between a batch of uint8 images and a feature
// extractor's input tensor.

import { normalizeNhwc, normalizeRowIntoNchw } from './normalization.js';
import { type Normalization } from '../../../contracts/enums.js';
import { resizePilBicubic, resizePilBicubicRows, resizePilBicubicUint8 } from './pil-bicubic.js';
import { resizeTf1Bilinear } from './tf1-bilinear.js';
import { RESIZE_PROTOCOLS, type ResizeProtocol } from '../../../contracts/enums.js';

/**
 * Square RGB NHWC images `srcSize` → `targetSize` by `protocol`, as NHWC values in [0, 255]: float32, or
 * uint8 for `pil-bicubic-uint8` (which takes uint8 images only).
 */
export function resizeNhwc(
  images: Uint8Array | Float32Array,
  count: number,
  srcSize: number,
  protocol: ResizeProtocol,
  targetSize: number,
): Float32Array | Uint8Array {
  const shape = { count, height: srcSize, width: srcSize, channels: 3 };
  switch (protocol) {
    case 'tf1-bilinear':
      return resizeTf1Bilinear(images, shape, targetSize, targetSize);
    case 'pil-bicubic':
      return resizePilBicubic(images, shape, targetSize, targetSize);
    case 'pil-bicubic-uint8':
      if (!(images instanceof Uint8Array)) throw new RangeError('pil-bicubic-uint8 resizes uint8 images only');
      return resizePilBicubicUint8(images, shape, targetSize, targetSize);
    default:
      throw new RangeError(`unknown resize protocol ${String(protocol)} (known: ${RESIZE_PROTOCOLS.join(', ')})`);
  }
}

/**
 * uint8 NHWC images of `srcSize × srcSize × 3` → float32 NCHW `[count, 3, targetSize, targetSize]`:
 * resized by `protocol` when the sizes differ (never when they are equal: both protocols are the
 * identity then), then normalized. `pil-bicubic` normalizes each resized row straight into the NCHW
 * tensor (the same values as resizing the whole batch, then normalizing it).
 */
export function preprocess(
  images: Uint8Array,
  count: number,
  srcSize: number,
  protocol: ResizeProtocol,
  targetSize: number,
  normalization: Normalization,
): Float32Array {
  if (srcSize !== targetSize && protocol === 'pil-bicubic') {
    const out = new Float32Array(count * 3 * targetSize * targetSize);
    const plane = targetSize * targetSize;
    const shape = { count, height: srcSize, width: srcSize, channels: 3 };
    resizePilBicubicRows(images, shape, targetSize, targetSize, (n, y, row) =>
      normalizeRowIntoNchw(row, targetSize, normalization, out, n * 3 * plane + y * targetSize, plane),
    );
    return out;
  }
  const pixels = srcSize === targetSize ? images : resizeNhwc(images, count, srcSize, protocol, targetSize);
  return normalizeNhwc(pixels, count, targetSize, normalization);
}
