// How resized pixel values in [0, 255] become the extractor's input range.
// - adm: (x − 128) / 128, the Sub/Mul the ADM/TTUR Inception graph (classify_image_graph_def.pb) applies
//   after its ResizeBilinear.
// - minus-one-one: x / 127.5 − 1.
// - imagenet: ((x / 255) − mean) / std with torchvision's ImageNet mean and std.
import type { Normalization } from '../../../contracts/enums.js';

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/**
 * NHWC pixels in [0, 255] (uint8, or float32 from a resize) → float32 NCHW with the protocol's
 * normalization: `adm` (x − 128)/128 as the ADM/TTUR Inception graph does internally, `minus-one-one`
 * x/127.5 − 1, `imagenet` ((x/255) − mean)/std. Images have 3 channels.
 */
export function normalizeNhwc(images: Uint8Array | Float32Array, count: number, size: number, how: Normalization): Float32Array {
  const plane = size * size;
  if (images.length < count * plane * 3) {
    throw new RangeError(`normalizeNhwc: ${count} images of ${size}×${size}×3 need ${count * plane * 3} values, got ${images.length}`);
  }
  const out = new Float32Array(count * 3 * plane);
  for (let n = 0; n < count; n++) {
    const base = n * plane * 3;
    for (let c = 0; c < 3; c++) {
      const dst = base + c * plane;
      if (how === 'adm') {
        for (let p = 0; p < plane; p++) out[dst + p] = (images[base + p * 3 + c]! - 128) / 128;
      } else if (how === 'minus-one-one') {
        for (let p = 0; p < plane; p++) out[dst + p] = images[base + p * 3 + c]! / 127.5 - 1;
      } else {
        const mean = IMAGENET_MEAN[c]!;
        const std = IMAGENET_STD[c]!;
        for (let p = 0; p < plane; p++) out[dst + p] = (images[base + p * 3 + c]! / 255 - mean) / std;
      }
    }
  }
  return out;
}

/**
 * One NHWC row of `width` pixels (3 channels, values in [0, 255]) → its place in a float32 NCHW batch:
 * out[offset + c·plane + x], where `offset` is the index of (n, 0, y, 0). The same arithmetic as
 * normalizeNhwc, value for value.
 */
export function normalizeRowIntoNchw(
  row: Float32Array,
  width: number,
  how: Normalization,
  out: Float32Array,
  offset: number,
  plane: number,
): void {
  for (let c = 0; c < 3; c++) {
    const dst = offset + c * plane;
    if (how === 'adm') {
      for (let x = 0, p = c; x < width; x++, p += 3) out[dst + x] = (row[p]! - 128) / 128;
    } else if (how === 'minus-one-one') {
      for (let x = 0, p = c; x < width; x++, p += 3) out[dst + x] = row[p]! / 127.5 - 1;
    } else {
      const mean = IMAGENET_MEAN[c]!;
      const std = IMAGENET_STD[c]!;
      for (let x = 0, p = c; x < width; x++, p += 3) out[dst + x] = (row[p]! / 255 - mean) / std;
    }
  }
}
