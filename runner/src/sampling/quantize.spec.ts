import { describe, expect, it } from 'vitest';
import { QuantizeError, quantizeValue, toUint8Nhwc } from './quantize.js';

describe('quantize', () => {
  // Expected bytes from numpy float32: ((x + 1) * 127.5).clip(0, 255).astype(np.uint8), the order of
  // guided-diffusion's image_sample.py; 0.9372548460960388 is a value where float64 arithmetic would give 246.
  it.each([
    [-1, 0],
    [1, 255],
    [0, 127],
    [-1.5, 0],
    [1.5, 255],
    [0.9990000128746033, 254],
    [-0.9999999403953552, 0],
    [0.003921568393707275, 127],
    [0.9372548460960388, 247],
    [NaN, 0],
  ])('[-1,1]: %f → %i', (x, expected) => {
    expect(quantizeValue(Math.fround(x), '[-1,1]')).toBe(expected);
  });

  it.each([
    [0, 0],
    [1, 255],
    [0.5, 127],
    [0.9999999403953552, 254],
    [-0.10000000149011612, 0],
    [1.2000000476837158, 255],
    [0.003921568859368563, 1],
  ])('[0,1]: %f → %i', (x, expected) => {
    expect(quantizeValue(Math.fround(x), '[0,1]')).toBe(expected);
  });

  it('truncates rather than rounds', () => {
    expect(quantizeValue(Math.fround(2 * (200.9 / 255) - 1), '[-1,1]')).toBe(200);
  });

  it('lays NCHW out as NHWC', () => {
    // N = 2, C = 3, H = 1, W = 2; channel c of pixel p of image n holds (10n + 3p + c)/255
    const n = 2;
    const c = 3;
    const w = 2;
    const src = new Float32Array(n * c * w);
    for (let b = 0; b < n; b++)
      for (let ch = 0; ch < c; ch++) for (let p = 0; p < w; p++) src[b * c * w + ch * w + p] = (10 * b + 3 * p + ch + 0.5) / 255;
    const out = toUint8Nhwc(src, [n, c, 1, w], '[0,1]');
    expect(Array.from(out)).toEqual([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
  });

  it('checks the shape', () => {
    expect(() => toUint8Nhwc(new Float32Array(5), [1, 3, 1, 2], '[0,1]')).toThrow(QuantizeError);
  });
});
