// clean-fid's resize (cleanfid/resize.py, make_resizer("PIL", quantize_after=False, "bicubic", size)): each
// channel becomes a float32 Pillow image (mode "F") resized with Image.BICUBIC, then clipped to [0, 255].
// Pillow's resampling (src/libImaging/Resample.c): a separable convolution, horizontal pass first, with
// the bicubic kernel of a = −0.5 and support 2 scaled by the downscale factor (antialiasing): for output
// index i, scale = in/out, filterscale = max(scale, 1), center = (i + 0.5)·scale, taps
// x ∈ [trunc(center − support + 0.5), trunc(center + support + 0.5)) clipped to the image, weights
// k((x − center + 0.5)/filterscale) normalized to sum 1, all in double. Float images accumulate in double
// and store float32 after each pass. Equal sizes are a copy (Image.resize returns a copy).
// The uint8 variant is Pillow's 8-bit path (what torchvision's Resize(BICUBIC) does to a PIL image, as
// dgm-eval's DINOv2 transform calls it): the same normalized weights as fixed-point integers
// round-half-away(w · 2²²) (PRECISION_BITS = 32 − 8 − 2), each sum started at 2²¹ (rounding), shifted right
// by 22 and clipped to [0, 255], stored as uint8 after each pass.
// resizePilUint8 is that 8-bit path with Pillow's other filters (Image.BILINEAR: support 1, the triangle;
// Image.LANCZOS: support 3, sinc(x)·sinc(x/3); Image.BOX: support 1/2), for preparing reference batches as scripts that call
// Image.resize do (genbench prepare-batch).

import { checkImageBuffer, checkOutputSize, type ImageShape } from './image-shape.js';

function bicubic(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

function bilinear(x: number): number {
  if (x < 0) x = -x;
  return x < 1 ? 1 - x : 0;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  x *= Math.PI;
  return Math.sin(x) / x;
}

// Pillow's lanczos_filter: sinc(x)·sinc(x/3) on [−3, 3).
function lanczos(x: number): number {
  return x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
}

// Pillow's box_filter: 1 on (−0.5, 0.5].
function box(x: number): number {
  return x > -0.5 && x <= 0.5 ? 1 : 0;
}

/** Pillow's resampling filters (Resample.c: the kernel and its support), as Image.BICUBIC, BILINEAR, LANCZOS, BOX. */
export const PIL_FILTERS = {
  bicubic: { support: 2, kernel: bicubic },
  box: { support: 0.5, kernel: box },
  bilinear: { support: 1, kernel: bilinear },
  lanczos: { support: 3, kernel: lanczos },
} as const;
export type PilFilter = keyof typeof PIL_FILTERS;

interface Coefficients {
  /** Taps per output index (the stride of `weights`). */
  ksize: number;
  /** First source index and number of taps, per output index. */
  start: Int32Array;
  taps: Int32Array;
  weights: Float64Array;
  /** The same windows widened to 5 taps each (fiveTaps), or null where they cannot be; computed on first use. */
  five?: { start: Int32Array; weights: Float64Array } | null;
}

function coefficients(inSize: number, outSize: number, filter: PilFilter): Coefficients {
  const { support: filterSupport, kernel } = PIL_FILTERS[filter];
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = filterSupport * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const taps = new Int32Array(outSize);
  const weights = new Float64Array(outSize * ksize);
  const ss = 1 / filterscale;
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    // C's (int) truncates toward zero; both ends are then clipped to the image.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = kernel((x + xmin - center + 0.5) * ss);
      weights[i * ksize + x] = w;
      total += w;
    }
    if (total !== 0) for (let x = 0; x < xmax; x++) weights[i * ksize + x]! /= total;
    start[i] = xmin;
    taps[i] = xmax;
  }
  return { ksize, start, taps, weights };
}

// The weights depend only on the two sizes; a benchmark or an evaluation resizes every batch between the
// same sizes, so they are computed once per (in, out) pair.
const cached = new Map<string, Coefficients>();
function cachedCoefficients(inSize: number, outSize: number, filter: PilFilter = 'bicubic'): Coefficients {
  const key = `${filter}:${inSize}:${outSize}`;
  let c = cached.get(key);
  if (!c) {
    if (cached.size >= 64) cached.clear();
    c = coefficients(inSize, outSize, filter);
    cached.set(key, c);
  }
  return c;
}

/**
 * Resizes NHWC images (uint8 or float values) to `outHeight × outWidth` as clean-fid's PIL float-mode
 * bicubic resizer does (Pillow's antialiased bicubic, a = −0.5, per channel, clipped to [0, 255]);
 * returns float32 NHWC.
 */
export function resizePilBicubic(images: Uint8Array | Float32Array, shape: ImageShape, outHeight: number, outWidth: number): Float32Array {
  const { count, channels } = shape;
  const out = new Float32Array(count * outHeight * outWidth * channels);
  const rowLen = outWidth * channels;
  resizePilBicubicRows(images, shape, outHeight, outWidth, (n, y, row) => out.set(row, (n * outHeight + y) * rowLen));
  return out;
}

/**
 * The same resize, handed out one output row at a time: `emit(n, y, row)` receives row `y` of image `n`,
 * `outWidth × channels` float32 values already clipped to [0, 255] (NHWC order), in a buffer that is
 * reused for the next row. Lets a caller put the values where it needs them (normalized, NCHW) without
 * an intermediate image.
 */
export function resizePilBicubicRows(
  images: Uint8Array | Float32Array,
  shape: ImageShape,
  outHeight: number,
  outWidth: number,
  emit: (n: number, y: number, row: Float32Array) => void,
): void {
  checkImageBuffer('resizePilBicubic', images, shape);
  checkOutputSize('resizePilBicubic', outHeight, outWidth);
  const { count, height, width, channels } = shape;
  const needHorizontal = width !== outWidth;
  const needVertical = height !== outHeight;
  const vert = cachedCoefficients(height, outHeight);
  // Like Pillow, the horizontal pass only covers the source rows the vertical pass reads.
  const firstRow = needVertical ? vert.start[0]! : 0;
  const lastRow = needVertical ? vert.start[outHeight - 1]! + vert.taps[outHeight - 1]! : height;
  const rows = lastRow - firstRow;
  const horiz = needHorizontal ? cachedCoefficients(width, outWidth) : undefined;
  const tmpWidth = needHorizontal ? outWidth : width;
  const tmp = new Float32Array(rows * tmpWidth * channels);
  const inImage = height * width * channels;
  const rowLen = outWidth * channels;
  const row = new Float32Array(rowLen);
  const acc = new Float64Array(rowLen);

  for (let n = 0; n < count; n++) {
    const src = n * inImage + firstRow * width * channels;
    // Horizontal pass (or a float32 copy of the rows when only the height changes). Separate loops for
    // uint8 and float32 sources keep each one's element reads monomorphic.
    if (horiz) {
      if (images instanceof Uint8Array) horizontalU8(images, src, rows, width, channels, outWidth, horiz, tmp);
      else horizontalF32(images, src, rows, width, channels, outWidth, horiz, tmp);
    } else {
      tmp.set(images.subarray(src, src + rows * width * channels));
    }
    // Vertical pass (or the horizontal result as it is when only the width changes). Each output value is
    // the double sum over taps in order t = 0, 1, …, rounded to float32, then clipped, as before; the sum
    // is accumulated a whole row at a time.
    for (let y = 0; y < outHeight; y++) {
      if (!needVertical) {
        const base = y * rowLen;
        for (let i = 0; i < rowLen; i++) row[i] = clip(tmp[base + i]!);
      } else {
        verticalRow(tmp, (vert.start[y]! - firstRow) * rowLen, vert.taps[y]!, vert.weights, y * vert.ksize, rowLen, acc, row);
      }
      emit(n, y, row);
    }
  }
}

// One output row: row[i] = clip(float32(Σ_t tmp[first + t·rowLen + i] · w_t)), the sum in double in tap order.
function verticalRow(
  tmp: Float32Array,
  first: number,
  nt: number,
  weights: Float64Array,
  k: number,
  rowLen: number,
  acc: Float64Array,
  row: Float32Array,
): void {
  // The usual tap counts written out (0 + a·w0 + b·w1 + … adds left to right, as the loop does).
  if (nt === 4 || nt === 5) {
    const w0 = weights[k]!;
    const w1 = weights[k + 1]!;
    const w2 = weights[k + 2]!;
    const w3 = weights[k + 3]!;
    const a = first;
    const b = a + rowLen;
    const c = b + rowLen;
    const d = c + rowLen;
    if (nt === 4) {
      for (let i = 0; i < rowLen; i++) {
        row[i] = clip(Math.fround(0 + tmp[a + i]! * w0 + tmp[b + i]! * w1 + tmp[c + i]! * w2 + tmp[d + i]! * w3));
      }
    } else {
      const w4 = weights[k + 4]!;
      const e = d + rowLen;
      for (let i = 0; i < rowLen; i++) {
        row[i] = clip(Math.fround(0 + tmp[a + i]! * w0 + tmp[b + i]! * w1 + tmp[c + i]! * w2 + tmp[d + i]! * w3 + tmp[e + i]! * w4));
      }
    }
    return;
  }
  acc.fill(0);
  for (let t = 0; t < nt; t++) {
    const w = weights[k + t]!;
    const base = first + t * rowLen;
    for (let i = 0; i < rowLen; i++) acc[i] += tmp[base + i]! * w;
  }
  for (let i = 0; i < rowLen; i++) row[i] = clip(Math.fround(acc[i]!));
}

// The common case of a 3-channel uint8 source whose windows have at most 5 taps (downscales by up to
// 5/4, upscales of any factor), with every window widened to exactly 5 taps by zero weights on either
// side, inside the row, so the loop has no branch per pixel. Exact: a uint8 pixel times +0 is +0, and the
// running sum, which starts at +0 and stays +0 or nonzero, is unchanged by adding +0.
function fiveTaps(c: Coefficients, inSize: number): { start: Int32Array; weights: Float64Array } | undefined {
  if (c.five !== undefined) return c.five ?? undefined;
  let most = 0;
  for (const nt of c.taps) most = Math.max(most, nt);
  c.five = null;
  if (most > 5 || inSize < 5) return undefined;
  const n = c.start.length;
  const start = new Int32Array(n);
  const weights = new Float64Array(n * 5);
  for (let i = 0; i < n; i++) {
    const s = Math.min(c.start[i]!, inSize - 5);
    start[i] = s;
    const lead = c.start[i]! - s;
    for (let t = 0; t < c.taps[i]!; t++) weights[i * 5 + lead + t] = c.weights[i * c.ksize + t]!;
  }
  c.five = { start, weights };
  return c.five;
}

// For each kept source row, out[x, c] = Σ_t in[x0 + t, c] · w_t summed in double in tap order, stored float32.
function horizontalU8(
  images: Uint8Array,
  src: number,
  rows: number,
  width: number,
  channels: number,
  outWidth: number,
  horiz: Coefficients,
  tmp: Float32Array,
): void {
  const five = channels === 3 ? fiveTaps(horiz, width) : undefined;
  if (five) {
    const { start, weights } = five;
    for (let y = 0; y < rows; y++) {
      const rowIn = src + y * width * 3;
      let o = y * outWidth * 3;
      for (let x = 0; x < outWidth; x++) {
        const k = x * 5;
        const w0 = weights[k]!;
        const w1 = weights[k + 1]!;
        const w2 = weights[k + 2]!;
        const w3 = weights[k + 3]!;
        const w4 = weights[k + 4]!;
        const p = rowIn + start[x]! * 3;
        tmp[o] = 0 + images[p]! * w0 + images[p + 3]! * w1 + images[p + 6]! * w2 + images[p + 9]! * w3 + images[p + 12]! * w4;
        tmp[o + 1] = 0 + images[p + 1]! * w0 + images[p + 4]! * w1 + images[p + 7]! * w2 + images[p + 10]! * w3 + images[p + 13]! * w4;
        tmp[o + 2] = 0 + images[p + 2]! * w0 + images[p + 5]! * w1 + images[p + 8]! * w2 + images[p + 11]! * w3 + images[p + 14]! * w4;
        o += 3;
      }
    }
    return;
  }
  const { start, taps, weights, ksize } = horiz;
  for (let y = 0; y < rows; y++) {
    const rowIn = src + y * width * channels;
    let o = y * outWidth * channels;
    for (let x = 0; x < outWidth; x++) {
      const nt = taps[x]!;
      const k = x * ksize;
      const p0 = rowIn + start[x]! * channels;
      if (channels === 3) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        for (let t = 0, p = p0; t < nt; t++, p += 3) {
          const w = weights[k + t]!;
          s0 += images[p]! * w;
          s1 += images[p + 1]! * w;
          s2 += images[p + 2]! * w;
        }
        tmp[o++] = s0;
        tmp[o++] = s1;
        tmp[o++] = s2;
      } else {
        for (let c = 0; c < channels; c++) {
          let ss = 0;
          for (let t = 0; t < nt; t++) ss += images[p0 + t * channels + c]! * weights[k + t]!;
          tmp[o++] = ss;
        }
      }
    }
  }
}

// horizontalU8 for float32 sources, written out twice on purpose: one loop over `Uint8Array | Float32Array` is
// polymorphic to V8, and splitting it was part of 1c60ce3's measured gain (4.4 → 3.1 ms of CPU per 256→224 image).
function horizontalF32(
  images: Float32Array,
  src: number,
  rows: number,
  width: number,
  channels: number,
  outWidth: number,
  horiz: Coefficients,
  tmp: Float32Array,
): void {
  const five = channels === 3 ? fiveTaps(horiz, width) : undefined;
  if (five) {
    const { start, weights } = five;
    for (let y = 0; y < rows; y++) {
      const rowIn = src + y * width * 3;
      let o = y * outWidth * 3;
      for (let x = 0; x < outWidth; x++) {
        const k = x * 5;
        const w0 = weights[k]!;
        const w1 = weights[k + 1]!;
        const w2 = weights[k + 2]!;
        const w3 = weights[k + 3]!;
        const w4 = weights[k + 4]!;
        const p = rowIn + start[x]! * 3;
        tmp[o] = 0 + images[p]! * w0 + images[p + 3]! * w1 + images[p + 6]! * w2 + images[p + 9]! * w3 + images[p + 12]! * w4;
        tmp[o + 1] = 0 + images[p + 1]! * w0 + images[p + 4]! * w1 + images[p + 7]! * w2 + images[p + 10]! * w3 + images[p + 13]! * w4;
        tmp[o + 2] = 0 + images[p + 2]! * w0 + images[p + 5]! * w1 + images[p + 8]! * w2 + images[p + 11]! * w3 + images[p + 14]! * w4;
        o += 3;
      }
    }
    return;
  }
  const { start, taps, weights, ksize } = horiz;
  for (let y = 0; y < rows; y++) {
    const rowIn = src + y * width * channels;
    let o = y * outWidth * channels;
    for (let x = 0; x < outWidth; x++) {
      const nt = taps[x]!;
      const k = x * ksize;
      const p0 = rowIn + start[x]! * channels;
      for (let c = 0; c < channels; c++) {
        let ss = 0;
        for (let t = 0; t < nt; t++) ss += images[p0 + t * channels + c]! * weights[k + t]!;
        tmp[o++] = ss;
      }
    }
  }
}

const PRECISION_BITS = 22;
const FIXED_ONE = 2 ** PRECISION_BITS;

/** Pillow's normalize_coeffs_8bpc: C's (int) truncation of w·2²² ± 0.5, i.e. rounding half away from 0. */
function fixedPoint(c: Coefficients): Int32Array {
  return Int32Array.from(c.weights, (w) => (w < 0 ? Math.trunc(-0.5 + w * FIXED_ONE) : Math.trunc(0.5 + w * FIXED_ONE)));
}

/** Pillow's clip8: the accumulated fixed-point sum → uint8 (arithmetic shift, so negatives floor to < 0 → 0). */
function clip8(ss: number): number {
  const v = Math.floor(ss / FIXED_ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * Resizes uint8 NHWC images to `outHeight × outWidth` as Pillow resizes an 8-bit RGB image with
 * Image.BICUBIC (antialiased, a = −0.5, fixed-point, uint8 between and after the passes); returns uint8 NHWC.
 */
export function resizePilBicubicUint8(images: Uint8Array, shape: ImageShape, outHeight: number, outWidth: number): Uint8Array {
  return resizePilUint8(images, shape, outHeight, outWidth, 'bicubic');
}

/**
 * Resizes uint8 NHWC images to `outHeight × outWidth` as Pillow resizes an 8-bit RGB image with `filter`
 * (Image.BICUBIC, BILINEAR, LANCZOS or BOX: antialiased, fixed-point, uint8 between and after the passes); returns
 * uint8 NHWC.
 */
export function resizePilUint8(images: Uint8Array, shape: ImageShape, outHeight: number, outWidth: number, filter: PilFilter): Uint8Array {
  checkImageBuffer('resizePilUint8', images, shape);
  checkOutputSize('resizePilUint8', outHeight, outWidth);
  const { count, height, width, channels } = shape;
  const out = new Uint8Array(count * outHeight * outWidth * channels);
  const needHorizontal = width !== outWidth;
  const needVertical = height !== outHeight;
  const vert = cachedCoefficients(height, outHeight, filter);
  const vk = fixedPoint(vert);
  const firstRow = needVertical ? vert.start[0]! : 0;
  const lastRow = needVertical ? vert.start[outHeight - 1]! + vert.taps[outHeight - 1]! : height;
  const rows = lastRow - firstRow;
  const horiz = needHorizontal ? cachedCoefficients(width, outWidth, filter) : undefined;
  const hk = horiz ? fixedPoint(horiz) : undefined;
  const tmpWidth = needHorizontal ? outWidth : width;
  const tmp = new Uint8Array(rows * tmpWidth * channels);
  const inImage = height * width * channels;
  const outImage = outHeight * outWidth * channels;
  const half = FIXED_ONE / 2;

  for (let n = 0; n < count; n++) {
    const src = n * inImage;
    if (horiz && hk) {
      for (let y = 0; y < rows; y++) {
        const rowIn = src + (y + firstRow) * width * channels;
        const rowOut = y * outWidth * channels;
        for (let x = 0; x < outWidth; x++) {
          const x0 = horiz.start[x]!;
          const nt = horiz.taps[x]!;
          const k = x * horiz.ksize;
          for (let c = 0; c < channels; c++) {
            let ss = half;
            for (let t = 0; t < nt; t++) ss += images[rowIn + (x0 + t) * channels + c]! * hk[k + t]!;
            tmp[rowOut + x * channels + c] = clip8(ss);
          }
        }
      }
    } else {
      tmp.set(images.subarray(src + firstRow * width * channels, src + lastRow * width * channels));
    }
    const dst = n * outImage;
    const rowLen = outWidth * channels;
    for (let y = 0; y < outHeight; y++) {
      const rowOut = dst + y * rowLen;
      if (!needVertical) {
        out.set(tmp.subarray(y * rowLen, (y + 1) * rowLen), rowOut);
        continue;
      }
      const y0 = vert.start[y]! - firstRow;
      const nt = vert.taps[y]!;
      const k = y * vert.ksize;
      for (let i = 0; i < rowLen; i++) {
        let ss = half;
        for (let t = 0; t < nt; t++) ss += tmp[(y0 + t) * rowLen + i]! * vk[k + t]!;
        out[rowOut + i] = clip8(ss);
      }
    }
  }
  return out;
}

// clean-fid clips the float result (bicubic overshoots near edges).
function clip(x: number): number {
  return x < 0 ? 0 : x > 255 ? 255 : x;
}
