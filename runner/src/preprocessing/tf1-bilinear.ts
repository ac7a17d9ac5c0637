// TF1's tf.image.resize_bilinear(images, size, align_corners=False) without half-pixel centers: the resize
// inside the Inception graph (classify_image_graph_def.pb) that the ADM and TTUR FID evaluators feed with
// images at their native size. Definition (tensorflow/core/util/image_resizer_state.h and
// tensorflow/core/kernels/image/resize_bilinear_op.cc): scale = in / out computed in float32; the
// "LegacyScaler" maps output index i to source coordinate s = i · scale (float32, no +0.5 offsets);
// lower = max(floor(s), 0), upper = min(ceil(s), in − 1), lerp = s − floor(s); each output is
// top = tl + (tr − tl)·xlerp, bottom = bl + (br − bl)·xlerp, top + (bottom − top)·ylerp, all in float32.
// Equal sizes are a plain cast to float, as in TF's no-op path. Every step below rounds to float32
// (Math.fround) exactly where TF's float arithmetic does, so the output matches TF bit for bit.

import { checkImageBuffer, checkOutputSize, type ImageShape } from './image-shape.js';

const f32 = Math.fround;

export interface AxisWeights {
  lower: Int32Array;
  upper: Int32Array;
  lerp: Float32Array;
}

export function axisWeights(inSize: number, outSize: number, halfPixelCenters: boolean): AxisWeights {
  const scale = f32(inSize / outSize);
  const lower = new Int32Array(outSize);
  const upper = new Int32Array(outSize);
  const lerp = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    // HalfPixelScaler: (i + 0.5) · scale − 0.5; only used to show what the legacy protocol is not.
    const s = halfPixelCenters ? f32(f32(f32(i + 0.5) * scale) - 0.5) : f32(i * scale);
    const floor = Math.floor(s);
    lower[i] = Math.max(floor, 0);
    upper[i] = Math.min(Math.ceil(s), inSize - 1);
    lerp[i] = f32(s - floor);
  }
  return { lower, upper, lerp };
}

/**
 * Resizes NHWC images (uint8 or float values) to `outHeight × outWidth` exactly as TF1's
 * `resize_bilinear` with align_corners=False and no half-pixel centers; returns float32 NHWC.
 * `halfPixelCenters: true` gives TF2's / PyTorch's convention instead (for comparisons only).
 */
export function resizeTf1Bilinear(
  images: Uint8Array | Float32Array,
  shape: ImageShape,
  outHeight: number,
  outWidth: number,
  options: { halfPixelCenters?: boolean } = {},
): Float32Array {
  checkImageBuffer('resizeTf1Bilinear', images, shape);
  checkOutputSize('resizeTf1Bilinear', outHeight, outWidth);
  const { count, height, width, channels } = shape;
  const out = new Float32Array(count * outHeight * outWidth * channels);
  if (height === outHeight && width === outWidth) {
    out.set(images.subarray(0, out.length));
    return out;
  }
  const ys = axisWeights(height, outHeight, options.halfPixelCenters ?? false);
  const xs = axisWeights(width, outWidth, options.halfPixelCenters ?? false);
  // The horizontal lerp of a source row is the same for every output row that reads it: compute it once
  // per source row (the same float32 operations, so the same values), then lerp vertically.
  const rowLen = outWidth * channels;
  const left = new Int32Array(rowLen);
  const right = new Int32Array(rowLen);
  const xlerp = new Float32Array(rowLen);
  for (let x = 0; x < outWidth; x++) {
    for (let c = 0; c < channels; c++) {
      left[x * channels + c] = xs.lower[x]! * channels + c;
      right[x * channels + c] = xs.upper[x]! * channels + c;
      xlerp[x * channels + c] = xs.lerp[x]!;
    }
  }
  const rows = new Float32Array(height * rowLen);
  const inRow = width * channels;
  for (let n = 0; n < count; n++) {
    const img = n * height * inRow;
    for (let y = 0; y < height; y++) {
      const src = img + y * inRow;
      const dst = y * rowLen;
      for (let i = 0; i < rowLen; i++) {
        const l = images[src + left[i]!]!;
        rows[dst + i] = l + f32(f32(images[src + right[i]!]! - l) * xlerp[i]!);
      }
    }
    const outImg = n * outHeight * rowLen;
    for (let y = 0; y < outHeight; y++) {
      const top = ys.lower[y]! * rowLen;
      const bottom = ys.upper[y]! * rowLen;
      const yl = ys.lerp[y]!;
      const dst = outImg + y * rowLen;
      for (let i = 0; i < rowLen; i++) {
        const t = rows[top + i]!;
        out[dst + i] = t + f32(f32(rows[bottom + i]! - t) * yl);
      }
    }
  }
  return out;
}
