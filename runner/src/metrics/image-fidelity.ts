// Paired image-fidelity metrics for image-conditioned tasks (restoration, translation): each output image is
// compared with its own target, per image, then averaged over images.
//
// PSNR: 10·log10(255² / MSE) per image, MSE over every pixel and channel in float64, as scikit-image's
// `peak_signal_noise_ratio(target, pred, data_range=255)`. Protocol choice: an exact pair (MSE 0) is +∞ in
// scikit-image; here each image's PSNR is capped at PSNR_CAP_DB (100 dB), so an average stays finite and an
// exact copy never ranks below a near-exact one. Below 256² a uint8 pair differing at all scores under 100 dB
// (one value off by one: 10·log10(255²·3·H·W) dB), so there the cap only decides exact copies.
//
// SSIM: Wang et al. 2004, exactly as scikit-image 0.19 computes `structural_similarity(target, pred,
// gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255, channel_axis=-1)`: per channel,
// local means/variances/covariance with a Gaussian window (σ = 1.5, truncated at 3.5σ: radius 5, 11 taps,
// separable, normalised), population covariance, C1 = (0.01·255)², C2 = (0.03·255)², the SSIM map cropped by
// the window radius (so the filter's border mode never matters) and averaged; the channels' means averaged;
// then averaged over images. Images must be at least 11×11 (scikit-image refuses smaller ones).

import { MetricInputError } from './metric-input-error.js';

export const PSNR_DATA_RANGE = 255;
export const PSNR_CAP_DB = 100;
export const SSIM_SIGMA = 1.5;
export const SSIM_TRUNCATE = 3.5;
export const SSIM_RADIUS = Math.trunc(SSIM_TRUNCATE * SSIM_SIGMA + 0.5);
export const SSIM_WINDOW = 2 * SSIM_RADIUS + 1;

/** A batch of uint8 RGB images, NHWC as ADM sample batches store them. */
export interface RgbBatch {
  data: Uint8Array;
  count: number;
  height: number;
  width: number;
}

export interface ImageFidelityResult {
  psnr: number;
  ssim: number;
  psnrPerImage: Float64Array;
  ssimPerImage: Float64Array;
}

function checkPair(pred: RgbBatch, target: RgbBatch): void {
  for (const [name, b] of [
    ['prediction', pred],
    ['target', target],
  ] as const) {
    if (b.data.length !== b.count * b.height * b.width * 3)
      throw new MetricInputError(`${name} holds ${b.data.length} values, not ${b.count}×${b.height}×${b.width}×3`);
  }
  if (pred.height !== target.height || pred.width !== target.width)
    throw new MetricInputError(
      `the prediction's images are ${pred.height}×${pred.width} but the target's ${target.height}×${target.width}: outputs must have the target's size`,
    );
  if (pred.count !== target.count)
    throw new MetricInputError(
      `the prediction holds ${pred.count} images but the target ${target.count}: each output is compared with its own target`,
    );
  if (pred.count === 0) throw new MetricInputError('no images to compare');
}

/** PSNR of image `i` of two equal-shape batches (data range 255; capped at PSNR_CAP_DB for an exact pair). */
function psnrOf(a: Uint8Array, b: Uint8Array, offset: number, size: number): number {
  let sum = 0;
  for (let k = offset; k < offset + size; k++) {
    const d = a[k] - b[k];
    sum += d * d;
  }
  if (sum === 0) return PSNR_CAP_DB;
  return Math.min(PSNR_CAP_DB, 10 * Math.log10((PSNR_DATA_RANGE * PSNR_DATA_RANGE) / (sum / size)));
}

/** The normalised 1-D Gaussian taps of scipy.ndimage.gaussian_filter1d(σ = 1.5, truncate = 3.5). */
export function gaussianTaps(sigma = SSIM_SIGMA, radius = SSIM_RADIUS): Float64Array {
  const w = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let x = -radius; x <= radius; x++) {
    w[x + radius] = Math.exp((-0.5 * x * x) / (sigma * sigma));
    sum += w[x + radius];
  }
  for (let i = 0; i < w.length; i++) w[i] /= sum;
  return w;
}

const TAPS = gaussianTaps();

/**
 * Gaussian-filtered values of `src` (h×w, float64) at the pixels at least SSIM_RADIUS from every border, into
 * `out` ((h − 2r)×(w − 2r)); rows first (scipy's axis 0), then columns, as separable correlations.
 */
function filterInterior(src: Float64Array, h: number, w: number, tmp: Float64Array, out: Float64Array): void {
  const r = SSIM_RADIUS;
  // axis 0 (vertical) for the rows the crop keeps, every column
  for (let y = r; y < h - r; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += TAPS[k + r] * src[(y + k) * w + x];
      tmp[(y - r) * w + x] = s;
    }
  }
  const ow = w - 2 * r;
  for (let y = 0; y < h - 2 * r; y++) {
    for (let x = r; x < w - r; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += TAPS[k + r] * tmp[y * w + x + k];
      out[y * ow + (x - r)] = s;
    }
  }
}

/** Mean SSIM of one RGB image pair (the three channels' mean SSIM, averaged). */
function ssimOf(a: Uint8Array, b: Uint8Array, offset: number, h: number, w: number): number {
  const n = h * w;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  const tmp = new Float64Array((h - 2 * SSIM_RADIUS) * w);
  const m = (h - 2 * SSIM_RADIUS) * (w - 2 * SSIM_RADIUS);
  const [ux, uy, uxx, uyy, uxy] = Array.from({ length: 5 }, () => new Float64Array(m));
  const c1 = (0.01 * PSNR_DATA_RANGE) ** 2;
  const c2 = (0.03 * PSNR_DATA_RANGE) ** 2;
  let total = 0;
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < n; p++) {
      const u = a[offset + p * 3 + c];
      const v = b[offset + p * 3 + c];
      x[p] = u;
      y[p] = v;
      xx[p] = u * u;
      yy[p] = v * v;
      xy[p] = u * v;
    }
    filterInterior(x, h, w, tmp, ux);
    filterInterior(y, h, w, tmp, uy);
    filterInterior(xx, h, w, tmp, uxx);
    filterInterior(yy, h, w, tmp, uyy);
    filterInterior(xy, h, w, tmp, uxy);
    let sum = 0;
    for (let p = 0; p < m; p++) {
      const vx = uxx[p] - ux[p] * ux[p];
      const vy = uyy[p] - uy[p] * uy[p];
      const vxy = uxy[p] - ux[p] * uy[p];
      const a1 = 2 * ux[p] * uy[p] + c1;
      const a2 = 2 * vxy + c2;
      const b1 = ux[p] ** 2 + uy[p] ** 2 + c1;
      const b2 = vx + vy + c2;
      sum += (a1 * a2) / (b1 * b2);
    }
    total += sum / m;
  }
  return total / 3;
}

/**
 * PSNR and SSIM of each predicted image against its target, and their means over images. Both batches must
 * hold the same number of images of the same size, at least SSIM_WINDOW on each side (MetricInputError).
 */
export function imageFidelity(pred: RgbBatch, target: RgbBatch): ImageFidelityResult {
  checkPair(pred, target);
  if (pred.height < SSIM_WINDOW || pred.width < SSIM_WINDOW)
    throw new MetricInputError(
      `SSIM needs images of at least ${SSIM_WINDOW}×${SSIM_WINDOW} (its Gaussian window, σ = ${SSIM_SIGMA}); these are ${pred.height}×${pred.width}`,
    );
  const size = pred.height * pred.width * 3;
  const psnrPerImage = new Float64Array(pred.count);
  const ssimPerImage = new Float64Array(pred.count);
  for (let i = 0; i < pred.count; i++) {
    psnrPerImage[i] = psnrOf(pred.data, target.data, i * size, size);
    ssimPerImage[i] = ssimOf(target.data, pred.data, i * size, pred.height, pred.width);
  }
  const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;
  return { psnr: mean(psnrPerImage), ssim: mean(ssimPerImage), psnrPerImage, ssimPerImage };
}
