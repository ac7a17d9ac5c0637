import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNpz, type NdArray } from '../io/npz.js';
import { resizeTf1Bilinear } from './tf1-bilinear.js';

const FIXTURE = join(import.meta.dirname, 'fixtures/resize-references.npz');
const TOLERANCE = 1e-4;

let ref: Record<string, NdArray>;
beforeAll(async () => {
  ref = await readNpz(FIXTURE);
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function resizeCase(i: number, halfPixelCenters = false): { got: Float32Array; size: number } {
  const input = ref[`case${i}_input`]!;
  const size = ref[`case${i}_tf1_bilinear`]!.shape[0]!;
  const [h, w] = input.shape as [number, number, number];
  const got = resizeTf1Bilinear(input.data as Uint8Array, { count: 1, height: h, width: w, channels: 3 }, size, size, { halfPixelCenters });
  return { got, size };
}

describe('resizeTf1Bilinear (TF1 resize_bilinear, align_corners=False, no half-pixel centers)', () => {
  it("reproduces TF's own image_ops_test case (3×2 → 6×4) exactly", () => {
    const img = Float32Array.from([64, 32, 32, 64, 50, 100]);
    const got = resizeTf1Bilinear(img, { count: 1, height: 3, width: 2, channels: 1 }, 6, 4);
    expect(Array.from(got)).toEqual([64, 48, 32, 32, 48, 48, 48, 48, 32, 48, 64, 64, 41, 61.5, 82, 82, 50, 75, 100, 100, 50, 75, 100, 100]);
  });

  it.each([0, 1, 2])(`matches the numpy reference within ${TOLERANCE} absolute (case %i)`, (i) => {
    const { got } = resizeCase(i);
    expect(maxAbsDiff(got, ref[`case${i}_tf1_bilinear`]!.data as Float32Array)).toBeLessThanOrEqual(TOLERANCE);
  });

  it.each([0, 2])('differs from the half-pixel-centers convention, and the fixture tells them apart (case %i)', (i) => {
    const legacy = ref[`case${i}_tf1_bilinear`]!.data as Float32Array;
    const halfPixel = ref[`case${i}_half_pixel_bilinear`]!.data as Float32Array;
    // A half-pixel implementation would fail the reference test above by far more than its tolerance.
    expect(maxAbsDiff(legacy, halfPixel)).toBeGreaterThan(1);
    const { got } = resizeCase(i, true);
    expect(maxAbsDiff(got, halfPixel)).toBeLessThanOrEqual(TOLERANCE);
    expect(maxAbsDiff(got, legacy)).toBeGreaterThan(1);
  });

  it('is a cast to float when the size does not change', () => {
    const input = ref.case1_input!;
    const got = resizeTf1Bilinear(input.data as Uint8Array, { count: 1, height: 64, width: 64, channels: 3 }, 64, 64);
    expect(Array.from(got)).toEqual(Array.from(input.data as Uint8Array));
  });

  it('resizes every image of a batch on its own', () => {
    const a = ref.case0_input!.data as Uint8Array;
    const b = Uint8Array.from(a, (x) => 255 - x);
    const batch = new Uint8Array(a.length * 2);
    batch.set(a);
    batch.set(b, a.length);
    const shape = { count: 1, height: 32, width: 32, channels: 3 };
    const both = resizeTf1Bilinear(batch, { ...shape, count: 2 }, 29, 29);
    const one = resizeTf1Bilinear(a, shape, 29, 29);
    const two = resizeTf1Bilinear(b, shape, 29, 29);
    expect(both.subarray(0, one.length)).toEqual(one);
    expect(both.subarray(one.length)).toEqual(two);
  });

  it('rejects a buffer too small for the declared shape', () => {
    expect(() => resizeTf1Bilinear(new Uint8Array(10), { count: 1, height: 4, width: 4, channels: 3 }, 8, 8)).toThrow(
      /need 48 values, got 10/,
    );
  });
});
