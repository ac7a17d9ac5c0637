import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpz } from '../io/npz.js';
import { canny, rgbToGray } from './canny.js';

const arrays = await readNpz(join(import.meta.dirname, '../metrics/fixtures/image-references.npz'));
const CASES = ['canny0', 'canny1', 'canny2'];

function images(c: string) {
  const rgb = arrays[`${c}_rgb`];
  const [n, h, w] = rgb.shape as [number, number, number];
  return {
    rgb: rgb.data as Uint8Array,
    gray: arrays[`${c}_gray`].data as Uint8Array,
    edges: arrays[`${c}_edges`].data as Uint8Array,
    n,
    h,
    w,
  };
}

describe('Canny edges (OpenCV 4.6 references)', () => {
  it.each(CASES)('%s: grayscale equals cv2.cvtColor(RGB2GRAY) exactly (tolerance 0)', (c) => {
    const { rgb, gray, n, h, w } = images(c);
    for (let i = 0; i < n; i++) expect(rgbToGray(rgb, h, w, i * h * w * 3)).toEqual(gray.subarray(i * h * w, (i + 1) * h * w));
  });

  it.each(CASES)('%s: edges agree with cv2.Canny(gray, 100, 200) on ≥ 99.5% of pixels (measured: every pixel)', (c) => {
    const { gray, edges, n, h, w } = images(c);
    let agree = 0;
    let edgePixels = 0;
    for (let i = 0; i < n; i++) {
      const got = canny(gray.subarray(i * h * w, (i + 1) * h * w), h, w);
      const want = edges.subarray(i * h * w, (i + 1) * h * w);
      for (let p = 0; p < got.length; p++) {
        if (got[p] === want[p]) agree++;
        edgePixels += want[p];
      }
    }
    expect(edgePixels).toBeGreaterThan(100);
    expect(agree / (n * h * w)).toBeGreaterThanOrEqual(0.995);
    expect(agree).toBe(n * h * w);
  });

  it('finds no edge in a flat image and both sides of a strong vertical step only where NMS keeps the maximum', () => {
    expect(canny(new Uint8Array(16 * 16).fill(77), 16, 16).every((v) => v === 0)).toBe(true);
    const step = new Uint8Array(16 * 16).map((_, p) => (p % 16 < 8 ? 0 : 200));
    const e = canny(step, 16, 16);
    for (let y = 0; y < 16; y++) expect(Array.from(e.subarray(y * 16, y * 16 + 16)).join('')).toBe('0000000100000000');
  });

  it('a weak edge survives only when connected to a strong one (hysteresis)', () => {
    // left half: a step of 30 (L1 magnitude 4·30 = 120, between 100 and 200); right half: a step of 60 (240)
    const w = 16;
    const img = new Uint8Array(16 * w).map((_, p) => {
      const y = Math.floor(p / w);
      return y < 8 ? 0 : p % w < 8 ? 30 : 60;
    });
    const e = canny(img, 16, w);
    expect(e.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
    const weakOnly = new Uint8Array(16 * w).map((_, p) => (Math.floor(p / w) < 8 ? 0 : 30));
    expect(canny(weakOnly, 16, w).every((v) => v === 0)).toBe(true);
  });
});
