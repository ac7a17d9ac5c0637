// A seeded synthetic segmentation set for smoke tests and demos of the zero-shot segmentation protocols: flat
// shapes on a noisy background, each class with its own colour (one with a checker texture), exact integer
// masks, and an ignored frame like the 255 "void" labels of VOC / COCO-Stuff. Sample i depends only on
// (seed, i), so any subset can be regenerated without the rest.
import type { SeededRandom } from '../random/prng.js';
import { syntheticSegmentationStream } from '../random/protocol-streams.js';

export const SYNTHETIC_IGNORE_LABEL = 255;

/** Class ids: 0 background, then one per shape. */
export const SYNTHETIC_CLASSES = ['background', 'disk', 'square', 'triangle', 'checker-rectangle'] as const;
export const SYNTHETIC_NUM_CLASSES = SYNTHETIC_CLASSES.length;

/**
 * Base colour per class; pixels get ±NOISE per channel. The checker class alternates between its two colours
 * in 2-pixel cells. Colours are ≥ 80 apart per class pair, far beyond the noise, so per-pixel RGB separates the
 * classes and local averages do too.
 */
const CLASS_COLOURS: ReadonlyArray<readonly [number, number, number]> = [
  [110, 110, 110],
  [210, 40, 40],
  [40, 190, 60],
  [40, 60, 210],
  [235, 215, 40],
];
const CHECKER_ALT: readonly [number, number, number] = [205, 185, 30];
const NOISE = 8;

export interface SyntheticOptions {
  seed: number;
  /** Default 64. */
  height?: number;
  /** Default 64. */
  width?: number;
  /** Width of the frame labelled 255 (ignored). Default 2. */
  ignoreBorder?: number;
}

export interface SyntheticSample {
  /** RGB, row-major `height × width × 3`. */
  image: Uint8Array;
  /** Class ids 0..4, 255 on the ignored frame; row-major `height × width`. */
  label: Uint8Array;
  height: number;
  width: number;
}

export interface SyntheticDataset {
  /** NHWC uint8, `[count, height, width, 3]`. */
  images: Uint8Array;
  /** `[count, height, width]`. */
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  numClasses: number;
  ignoreLabel: number;
}

type Shape = (y: number, x: number) => boolean;

function randomShape(cls: number, random: SeededRandom, height: number, width: number): Shape {
  const size = random.int(Math.max(4, Math.floor(Math.min(height, width) / 6)), Math.floor(Math.min(height, width) / 3));
  const cy = random.int(size, height - 1 - size);
  const cx = random.int(size, width - 1 - size);
  switch (cls) {
    case 1:
      return (y, x) => (y - cy) ** 2 + (x - cx) ** 2 <= size * size;
    case 2:
      return (y, x) => Math.abs(y - cy) <= size && Math.abs(x - cx) <= size;
    case 3:
      // Apex up, base at cy + size: the half-width grows linearly from the apex.
      return (y, x) => y >= cy - size && y <= cy + size && Math.abs(x - cx) <= (y - (cy - size)) / 2;
    default: {
      const halfH = Math.max(2, Math.floor(size * 0.6));
      return (y, x) => Math.abs(y - cy) <= halfH && Math.abs(x - cx) <= size;
    }
  }
}

/** Sample `index` of the synthetic set with `options.seed`; identical on every call. */
export function syntheticSegmentationSample(options: SyntheticOptions, index: number): SyntheticSample {
  const height = options.height ?? 64;
  const width = options.width ?? 64;
  const border = options.ignoreBorder ?? 2;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 24 || width < 24) {
    throw new RangeError(`synthetic images need height and width ≥ 24, got ${height}×${width}`);
  }
  if (!Number.isInteger(border) || border < 0 || 2 * border >= Math.min(height, width)) {
    throw new RangeError(`ignoreBorder must leave labelled pixels, got ${border}`);
  }
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`index must be a non-negative integer, got ${index}`);
  const random = syntheticSegmentationStream(options.seed, index);

  const label = new Uint8Array(height * width);
  // Two to four distinct shape classes, painted in random order so later ones occlude earlier ones.
  const order = [1, 2, 3, 4];
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const chosen = order.slice(0, random.int(2, 4));
  for (const cls of chosen) {
    const inside = randomShape(cls, random, height, width);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) if (inside(y, x)) label[y * width + x] = cls;
    }
  }

  const image = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const cls = label[p];
      const colour = cls === 4 && ((y >> 1) + (x >> 1)) % 2 === 1 ? CHECKER_ALT : CLASS_COLOURS[cls];
      for (let ch = 0; ch < 3; ch++) {
        image[p * 3 + ch] = Math.min(255, Math.max(0, colour[ch] + random.int(-NOISE, NOISE)));
      }
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y < border || x < border || y >= height - border || x >= width - border) {
        label[y * width + x] = SYNTHETIC_IGNORE_LABEL;
      }
    }
  }
  return { image, label, height, width };
}

/** `count` samples (indices 0..count-1) stacked as NHWC images and `[N, H, W]` labels. */
export function syntheticSegmentationDataset(options: SyntheticOptions & { count: number }): SyntheticDataset {
  const { count } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const height = options.height ?? 64;
  const width = options.width ?? 64;
  const images = new Uint8Array(count * height * width * 3);
  const labels = new Uint8Array(count * height * width);
  for (let i = 0; i < count; i++) {
    const sample = syntheticSegmentationSample(options, i);
    images.set(sample.image, i * height * width * 3);
    labels.set(sample.label, i * height * width);
  }
  return {
    images,
    labels,
    count,
    height,
    width,
    numClasses: SYNTHETIC_NUM_CLASSES,
    ignoreLabel: SYNTHETIC_IGNORE_LABEL,
  };
}
