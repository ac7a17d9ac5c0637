import { z } from 'zod';

/**
 * Model-space float images → uint8 NHWC, the layout of an ADM sample batch (`arr_0` of the .npz that
 * guided-diffusion's evaluator reads).
 *
 * `[-1,1]`: guided-diffusion scripts/image_sample.py (openai/guided-diffusion@aca3097) does
 *   `((sample + 1) * 127.5).clamp(0, 255).to(th.uint8)`, then `.permute(0, 2, 3, 1)`:
 *   float32 arithmetic, clamp to [0, 255] first, then truncation toward zero (no rounding).
 * `[0,1]`: the same with `(x * 255)`.
 * Arithmetic is float32 like torch's (Math.fround after each operation), so the bytes match that script's.
 * NaN (undefined for torch's cast) becomes 0.
 */
export const PixelRange = z.enum(['[-1,1]', '[0,1]']);
export type PixelRange = z.infer<typeof PixelRange>;

export class QuantizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantizeError';
  }
}

/** One value, as the ADM script computes it. */
export function quantizeValue(x: number, range: PixelRange): number {
  const scaled = range === '[-1,1]' ? Math.fround(Math.fround(x + 1) * 127.5) : Math.fround(x * 255);
  if (Number.isNaN(scaled)) return 0;
  return Math.trunc(Math.min(255, Math.max(0, scaled)));
}

/**
 * `images` is [N, C, H, W] flat float (model space); returns [N, H, W, C] uint8.
 */
export function toUint8Nhwc(images: Float32Array, shape: readonly [number, number, number, number], range: PixelRange): Uint8Array {
  const [n, c, h, w] = shape;
  const plane = h * w;
  if (images.length !== n * c * plane) {
    throw new QuantizeError(`images has ${images.length} values, shape [${shape.join(', ')}] needs ${n * c * plane}`);
  }
  const out = new Uint8Array(images.length);
  for (let b = 0; b < n; b++) {
    const base = b * c * plane;
    for (let ch = 0; ch < c; ch++) {
      const src = base + ch * plane;
      for (let p = 0; p < plane; p++) out[base + p * c + ch] = quantizeValue(images[src + p]!, range);
    }
  }
  return out;
}
