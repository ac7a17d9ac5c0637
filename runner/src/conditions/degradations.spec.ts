import { describe, expect, it } from 'vitest';
import { createRandom } from '../random/prng.js';
import { boxMask, degrade, DegradationError, gaussianBlurTaps, measurementSize, parseDegradation } from './degradations.js';

function randomImages(count: number, size: number, seed = 1): Float32Array {
  const r = createRandom(seed);
  return Float32Array.from({ length: count * 3 * size * size }, () => r.next() * 2 - 1);
}

describe('degradations (DDRM measurements)', () => {
  it('×4 super-resolution averages each 4×4 block (closed form, 1e-6)', () => {
    const spec = parseDegradation({ degradation: { kind: 'sr-block-average', factor: 4 } });
    const x = randomImages(2, 8);
    const y = degrade(spec, x, 2, 8, 0);
    expect(y.length).toBe(2 * 3 * 2 * 2);
    // image 1, channel 2, block (1, 0): rows 4..7, columns 0..3
    let s = 0;
    for (let a = 4; a < 8; a++) for (let b = 0; b < 4; b++) s += x[1 * 192 + 2 * 64 + a * 8 + b];
    expect(Math.abs(y[1 * 12 + 2 * 4 + 1 * 2 + 0] - s / 16)).toBeLessThan(1e-6);
    expect(measurementSize(spec.degradation, 32)).toBe(8);
    expect(() => measurementSize(spec.degradation, 30)).toThrow(/divisible by 4, not 30/);
  });

  it("Gaussian deblurring equals DDRM's matrix form H·X·Hᵀ with H[i][j] = k[j − i + 2] (1e-6), σ 10 taps normalised", () => {
    const k = gaussianBlurTaps(10);
    expect(Math.abs(k.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-15);
    expect(Math.abs(k[0] / k[2] - Math.exp(-0.5 * (2 / 10) ** 2))).toBeLessThan(1e-15);
    const size = 7;
    const spec = parseDegradation({ degradation: { kind: 'deblur-gaussian' } });
    const x = randomImages(1, size, 3);
    const y = degrade(spec, x, 1, size, 0);
    const H = Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => (Math.abs(j - i) <= 2 ? k[j - i + 2] : 0)));
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < size; i++)
        for (let j = 0; j < size; j++) {
          let want = 0;
          for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) want += H[i][a] * x[c * 49 + a * size + b] * H[j][b];
          expect(Math.abs(y[c * 49 + i * size + j] - want)).toBeLessThan(1e-6);
        }
  });

  it('box inpainting zeroes a centred square of side ⌊fraction·H⌋ and keeps the rest (exact)', () => {
    const m = boxMask(0.5, 8);
    expect(m.reduce((a, b) => a + b, 0)).toBe(16);
    expect(m[2 * 8 + 2]).toBe(1);
    expect(m[5 * 8 + 5]).toBe(1);
    expect(m[1 * 8 + 2]).toBe(0);
    const x = randomImages(1, 8);
    const y = degrade(parseDegradation({ degradation: { kind: 'inpaint-box', fraction: 0.5 }, sigma_y: 0.05 }), x, 1, 8, 0);
    for (let c = 0; c < 3; c++) {
      expect(y[c * 64 + 3 * 8 + 4]).toBe(0);
      expect(y[c * 64]).not.toBe(x[c * 64]);
      expect(Math.abs(y[c * 64] - x[c * 64])).toBeLessThan(0.05 * 6);
    }
  });

  it('noise σ_y is seeded per image index: batches and offsets give the same measurements; σ_y scales it', () => {
    const spec = parseDegradation({ degradation: { kind: 'sr-block-average', factor: 2 }, sigma_y: 0.05 });
    const x = randomImages(3, 4);
    const all = degrade(spec, x, 3, 4, 7);
    const third = degrade(spec, x.subarray(2 * 48), 1, 4, 7, 2);
    expect(Array.from(third)).toEqual(Array.from(all.subarray(2 * 12)));
    const clean = degrade({ ...spec, sigma_y: 0 }, x, 3, 4, 7);
    const noise = all.map((v, i) => v - clean[i]);
    const std = Math.sqrt(noise.reduce((s, v) => s + v * v, 0) / noise.length);
    expect(std).toBeGreaterThan(0.02);
    expect(std).toBeLessThan(0.09);
    expect(degrade(spec, x, 3, 4, 8)).not.toEqual(all);
  });

  it('an unknown degradation or a bad parameter is a clear error naming the known kinds', () => {
    expect(() => parseDegradation({ degradation: { kind: 'jpeg', quality: 10 } })).toThrow(DegradationError);
    expect(() => parseDegradation({ degradation: { kind: 'jpeg', quality: 10 } })).toThrow(
      /unknown degradation "jpeg" \(known: sr-block-average, deblur-gaussian, inpaint-box\)/,
    );
    expect(() => parseDegradation({ degradation: { kind: 'sr-block-average', factor: 1 } })).toThrow(
      /degradation sr-block-average: degradation.factor/,
    );
    expect(() => parseDegradation({ degradation: { kind: 'inpaint-box', fraction: 0.5 }, sigma_y: -1 })).toThrow(/sigma_y/);
  });
});
