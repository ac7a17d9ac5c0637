import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SampleGridCollector } from './sample-grid.js';

describe('sample grid', () => {
  it('tiles the first 64 samples 8×8, row-major by sample index, whatever the batches', async () => {
    const R = 4;
    const per = R * R * 3;
    // Sample i is a flat colour (i, 255 − i, i mod 7).
    const sample = (i: number) => Uint8Array.from({ length: per }, (_, k) => [i, 255 - i, i % 7][k % 3]!);
    const grid = new SampleGridCollector();
    for (let start = 0; start < 70; start += 9) {
      const count = Math.min(9, 70 - start);
      const images = new Uint8Array(count * per);
      for (let k = 0; k < count; k++) images.set(sample(start + k), k * per);
      grid.add({ start, count, resolution: R, images });
    }
    expect(grid.count).toBe(64);
    const png = await grid.toPng();
    const { data, info } = await sharp(png!).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([32, 32, 3]);
    for (const i of [0, 7, 8, 37, 63]) {
      const y = Math.floor(i / 8) * R + 2;
      const x = (i % 8) * R + 1;
      const o = (y * 32 + x) * 3;
      expect([...data.subarray(o, o + 3)]).toEqual([i, 255 - i, i % 7]);
    }
  });

  it('draws nothing when no sample was seen', async () => {
    expect(await new SampleGridCollector().toPng()).toBeUndefined();
  });
});
