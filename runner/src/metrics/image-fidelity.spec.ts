import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpz } from '../io/npz.js';
import { gaussianTaps, imageFidelity, PSNR_CAP_DB, type RgbBatch } from './image-fidelity.js';
import { MetricInputError } from './metric-input-error.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
interface Case {
  psnr: number;
  ssim: number;
  psnr_per_image: number[];
  ssim_per_image: number[];
}
const REF = JSON.parse(readFileSync(join(FIXTURES, 'image-references.json'), 'utf8')) as { cases: Record<string, Case> };
const arrays = await readNpz(join(FIXTURES, 'image-references.npz'));

function batch(name: string): RgbBatch {
  const a = arrays[name];
  const [count, height, width] = a.shape as [number, number, number];
  return { data: a.data as Uint8Array, count, height, width };
}

describe('PSNR and SSIM (scikit-image 0.19 references)', () => {
  it.each(Object.keys(REF.cases))('%s: PSNR within 1e-10 dB and SSIM within 1e-10 of scikit-image, per image and averaged', (c) => {
    const got = imageFidelity(batch(`${c}_pred`), batch(`${c}_target`));
    const want = REF.cases[c];
    expect(got.psnrPerImage.length).toBe(want.psnr_per_image.length);
    want.psnr_per_image.forEach((v, i) => expect(Math.abs(got.psnrPerImage[i] - v)).toBeLessThan(1e-10));
    want.ssim_per_image.forEach((v, i) => expect(Math.abs(got.ssimPerImage[i] - v)).toBeLessThan(1e-10));
    expect(Math.abs(got.psnr - want.psnr)).toBeLessThan(1e-10);
    expect(Math.abs(got.ssim - want.ssim)).toBeLessThan(1e-10);
  });

  it('the references span good, poor and unrelated pairs (the fixtures can tell a wrong window or constant apart)', () => {
    const ssims = Object.values(REF.cases).map((c) => c.ssim);
    expect(Math.max(...ssims)).toBeGreaterThan(0.8);
    expect(Math.min(...ssims)).toBeLessThan(0.05);
  });

  it('an exact copy scores SSIM 1 and the PSNR cap (closed form, 1e-12)', () => {
    const t = batch('case0_target');
    const got = imageFidelity(t, t);
    expect(Math.abs(got.ssim - 1)).toBeLessThan(1e-12);
    expect(got.psnr).toBe(PSNR_CAP_DB);
  });

  it('PSNR of a uniform offset of 5 is 10·log10(255²/25) (closed form, 1e-12 dB)', () => {
    const t = batch('case3_target');
    const p = { ...t, data: t.data.map((v) => (v < 128 ? v + 5 : v - 5)) };
    expect(Math.abs(imageFidelity(p, t).psnr - 10 * Math.log10(255 ** 2 / 25))).toBeLessThan(1e-12);
  });

  it("uses scipy's Gaussian taps: σ 1.5, radius 5, normalised (1e-15)", () => {
    const w = gaussianTaps();
    expect(w.length).toBe(11);
    expect(Math.abs(w.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(1e-15);
    expect(Math.abs(w[5] / w[6] - Math.exp(0.5 / 2.25))).toBeLessThan(1e-12);
  });

  it('refuses mismatched counts, sizes and images smaller than the window, saying what to fix', () => {
    const t = batch('case0_target');
    const small = batch('case1_target');
    expect(() => imageFidelity({ ...t, count: 5, data: t.data.subarray(0, 5 * 32 * 32 * 3) }, t)).toThrow(
      /prediction holds 5 images but the target 6/,
    );
    expect(() => imageFidelity(small, { ...t, count: 4, data: t.data.subarray(0, 4 * 32 * 32 * 3) })).toThrow(
      /16×16 but the target's 32×32: outputs must have the target's size/,
    );
    const tiny: RgbBatch = { data: new Uint8Array(10 * 10 * 3), count: 1, height: 10, width: 10 };
    expect(() => imageFidelity(tiny, tiny)).toThrow(MetricInputError);
    expect(() => imageFidelity(tiny, tiny)).toThrow(/at least 11×11/);
  });
});
