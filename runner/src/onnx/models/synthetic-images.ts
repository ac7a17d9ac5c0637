import type { Uniform } from '../../random/prng.js';
import { syntheticImageStream } from '../../random/protocol-streams.js';

export interface SyntheticImagesOptions {
  readonly n: number;
  readonly resolution: number;
  readonly seed: number;
}

/**
 * The smoke suite's stand-in for real data: `n` NHWC uint8 images [n, resolution, resolution, 3] of smooth
 * coloured discs and rectangles on a two-colour gradient. Image i depends only on (seed, i, resolution), so a
 * larger `n` extends the set without changing its first images.
 */
export function makeSyntheticImages(options: SyntheticImagesOptions): Uint8Array {
  const { n, resolution, seed } = options;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be an integer ≥ 0, got ${n}`);
  if (!Number.isInteger(resolution) || resolution < 1) {
    throw new RangeError(`resolution must be a positive integer, got ${resolution}`);
  }
  const imageBytes = resolution * resolution * 3;
  const out = new Uint8Array(n * imageBytes);
  for (let i = 0; i < n; i++) out.set(makeSyntheticImage(i, resolution, seed), i * imageBytes);
  return out;
}

/** Image `index` of the set: HWC uint8 [resolution, resolution, 3]. */
export function makeSyntheticImage(index: number, resolution: number, seed: number): Uint8Array {
  const rng = syntheticImageStream(seed, index);
  const rgb = new Float32Array(resolution * resolution * 3);

  const from = randomColour(rng);
  const to = randomColour(rng);
  const angle = rng() * 2 * Math.PI;
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  for (let y = 0; y < resolution; y++) {
    for (let x = 0; x < resolution; x++) {
      // Position along the gradient direction, in [0, 1] over the image's inscribed circle.
      const u = (x + 0.5) / resolution - 0.5;
      const v = (y + 0.5) / resolution - 0.5;
      const t = Math.min(1, Math.max(0, 0.5 + (u * dx + v * dy) / Math.SQRT2));
      for (let c = 0; c < 3; c++) rgb[(y * resolution + x) * 3 + c] = from[c] + (to[c] - from[c]) * t;
    }
  }

  const shapes = 1 + Math.floor(rng() * 3);
  for (let s = 0; s < shapes; s++) {
    const colour = randomColour(rng);
    const isDisc = rng() < 0.5;
    const cx = rng() * resolution;
    const cy = rng() * resolution;
    const sizeA = (0.1 + 0.25 * rng()) * resolution;
    const sizeB = (0.1 + 0.25 * rng()) * resolution;
    for (let y = 0; y < resolution; y++) {
      for (let x = 0; x < resolution; x++) {
        const px = x + 0.5 - cx;
        const py = y + 0.5 - cy;
        // Signed distance to the shape's edge in pixels (negative inside), then a one-pixel soft edge.
        const distance = isDisc ? Math.hypot(px, py) - sizeA : Math.max(Math.abs(px) - sizeA, Math.abs(py) - sizeB);
        const coverage = Math.min(1, Math.max(0, 0.5 - distance));
        if (coverage === 0) continue;
        const o = (y * resolution + x) * 3;
        for (let c = 0; c < 3; c++) rgb[o + c] += (colour[c] - rgb[o + c]) * coverage;
      }
    }
  }

  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) out[i] = Math.round(Math.min(255, Math.max(0, rgb[i])));
  return out;
}

function randomColour(rng: Uniform): [number, number, number] {
  return [rng() * 255, rng() * 255, rng() * 255];
}
