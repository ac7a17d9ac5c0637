import sharp from 'sharp';
import type { ImageBatch } from './sources/image-batch.js';

/** The grid is 8×8 tiles: the first 64 samples of a generation evaluation, row-major by sample index. */
export const GRID_SIDE = 8;
export const GRID_SAMPLES = GRID_SIDE * GRID_SIDE;
/** Grids wider than this are downscaled (Lanczos), so a 512² suite's grid stays a few megabytes. */
export const MAX_GRID_PIXELS = 2048;

/**
 * Collects the first 64 samples of a run as they stream by (uint8 NHWC batches) and encodes them as one
 * PNG: an 8×8 grid, sample i at row ⌊i/8⌋, column i mod 8. Runs with fewer samples leave tiles black.
 */
export class SampleGridCollector {
  private pixels?: Uint8Array;
  private resolution = 0;
  private filled = 0;

  add(batch: ImageBatch): void {
    if (batch.start >= GRID_SAMPLES) return;
    const R = batch.resolution;
    if (!this.pixels) {
      this.resolution = R;
      this.pixels = new Uint8Array(GRID_SIDE * R * GRID_SIDE * R * 3);
    }
    const rowBytes = GRID_SIDE * R * 3;
    const tileRow = R * 3;
    for (let k = 0; k < batch.count && batch.start + k < GRID_SAMPLES; k++) {
      const i = batch.start + k;
      const gy = Math.floor(i / GRID_SIDE);
      const gx = i % GRID_SIDE;
      const src = k * R * R * 3;
      for (let y = 0; y < R; y++) {
        const dst = (gy * R + y) * rowBytes + gx * tileRow;
        this.pixels.set(batch.images.subarray(src + y * tileRow, src + (y + 1) * tileRow), dst);
      }
      this.filled = Math.max(this.filled, i + 1);
    }
  }

  get count(): number {
    return this.filled;
  }

  /** The PNG, or undefined when no sample was seen. */
  async toPng(): Promise<Uint8Array | undefined> {
    if (!this.pixels) return undefined;
    const side = GRID_SIDE * this.resolution;
    let img = sharp(this.pixels, { raw: { width: side, height: side, channels: 3 } });
    if (side > MAX_GRID_PIXELS) img = img.resize(MAX_GRID_PIXELS, MAX_GRID_PIXELS, { kernel: 'lanczos3' });
    const png = await img.png({ compressionLevel: 9 }).toBuffer();
    // A copy that owns its buffer: a view would drag Node's whole buffer pool through IPC.
    return new Uint8Array(png);
  }
}
