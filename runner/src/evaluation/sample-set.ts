import sharp from 'sharp';
import type { SampleCondition } from '../../../contracts/jobs/runner-api.schemas.js';
import type { ImageBatch } from './sources/image-batch.js';

/** One kept sample: its index in the run, its file and the condition it answered. */
export interface KeptSample {
  index: number;
  /** A PNG, or for a video the whole video as a lossless animated WebP (issue #21.4). */
  image: Uint8Array;
  mediaType: 'image/png' | 'image/webp';
  condition: SampleCondition;
  /** PNGs of the images shown beside it, by role (ImageBatch.attached); uploaded and named in condition.images. */
  images?: Record<string, Uint8Array>;
}

type Attached = Record<string, { pixels: Uint8Array; side: number }>;
type Video = { frames: number; fps: number; pixels: Uint8Array };

async function png(pixels: Uint8Array, side: number): Promise<Uint8Array> {
  const buf = await sharp(pixels, { raw: { width: side, height: side, channels: 3 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return new Uint8Array(buf);
}

/**
 * A video uint8 [frames, side, side, 3] as a lossless animated WebP that loops, each frame shown 1000/fps ms
 * (rounded: WebP delays are whole milliseconds). Lossless, so frame k decodes to exactly the submitted pixels.
 */
export async function animatedWebp(video: Video, side: number): Promise<Uint8Array> {
  const frame = side * side * 3;
  const frames = await Promise.all(
    Array.from({ length: video.frames }, (_, f) =>
      sharp(video.pixels.subarray(f * frame, (f + 1) * frame), { raw: { width: side, height: side, channels: 3 } })
        .png()
        .toBuffer(),
    ),
  );
  const delay = Math.max(1, Math.round(1000 / video.fps));
  const buf = await sharp(frames, { join: { animated: true } })
    .webp({ lossless: true, delay: frames.map(() => delay), loop: 0 })
    .toBuffer();
  return new Uint8Array(buf);
}

/**
 * What sample `k` of `batch` answered: the family's own condition when the batch carries one (a prompt, input
 * images), else its class label, else nothing (unconditional generation).
 */
export function conditionOf(batch: ImageBatch, k: number): SampleCondition {
  const own = batch.conditions?.[k];
  if (own) return own;
  const label = batch.labels?.[k];
  return label === undefined ? {} : { class_label: label };
}

/**
 * Keeps the first `keep` samples of a run (the suite's preview_samples, issue #20.1) as they stream by, each
 * encoded as its own lossless PNG at the suite's resolution, with its condition. Pixels are copied while the
 * batch is alive and encoded once at the end, off the sampling loop.
 */
export class SampleSetCollector {
  private readonly kept = new Map<
    number,
    { pixels: Uint8Array; resolution: number; condition: SampleCondition; attached?: Attached; video?: Video }
  >();

  constructor(private readonly keep: number) {}

  add(batch: ImageBatch): void {
    const R = batch.resolution;
    const size = R * R * 3;
    for (let k = 0; k < batch.count && batch.start + k < this.keep; k++) {
      const index = batch.start + k;
      if (this.kept.has(index)) continue;
      const own = batch.attached?.[k];
      const attached = own
        ? Object.fromEntries(Object.entries(own).map(([role, a]) => [role, { pixels: a.pixels.slice(), side: a.side }]))
        : undefined;
      const v = batch.videos;
      const video = v
        ? { frames: v.frames, fps: v.fps, pixels: v.pixels.slice(k * v.frames * size, (k + 1) * v.frames * size) }
        : undefined;
      this.kept.set(index, {
        pixels: batch.images.slice(k * size, (k + 1) * size),
        resolution: R,
        condition: conditionOf(batch, k),
        ...(attached ? { attached } : {}),
        ...(video ? { video } : {}),
      });
    }
  }

  get count(): number {
    return this.kept.size;
  }

  /** The kept samples by index, each a PNG (a video: an animated WebP) that owns its buffer (a view would drag Node's pool through IPC). */
  async toSamples(): Promise<KeptSample[]> {
    const out: KeptSample[] = [];
    for (const [index, s] of [...this.kept].sort((a, b) => a[0] - b[0])) {
      const images = s.attached
        ? Object.fromEntries(
            await Promise.all(Object.entries(s.attached).map(async ([role, a]) => [role, await png(a.pixels, a.side)] as const)),
          )
        : undefined;
      const image = s.video ? await animatedWebp(s.video, s.resolution) : await png(s.pixels, s.resolution);
      out.push({
        index,
        image,
        mediaType: s.video ? 'image/webp' : 'image/png',
        condition: s.condition,
        ...(images ? { images } : {}),
      });
    }
    return out;
  }
}
