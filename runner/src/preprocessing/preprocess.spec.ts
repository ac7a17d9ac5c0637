import { describe, expect, it } from 'vitest';
import { normalizeNhwc } from './normalization.js';
import { preprocess, resizeNhwc } from './preprocess.js';

function image(size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: size * size * 3 }, (_, i) => (i * 37 + seed * 101 + ((i * i) % 13)) % 256);
}

describe('normalizeNhwc', () => {
  it('maps NHWC to NCHW with each normalization', () => {
    // Two 1×1 images.
    const adm = normalizeNhwc(Uint8Array.from([0, 128, 255, 64, 32, 16]), 2, 1, 'adm');
    expect(Array.from(adm)).toEqual([-1, 0, 127 / 128, -0.5, -0.75, -0.875]);
    const m11 = normalizeNhwc(Uint8Array.from([0, 255, 51]), 1, 1, 'minus-one-one');
    expect(Array.from(m11)).toEqual([-1, 1, 51 / 127.5 - 1].map(Math.fround));
    const inet = normalizeNhwc(Uint8Array.from([255, 0, 0]), 1, 1, 'imagenet');
    expect(inet[0]).toBeCloseTo((1 - 0.485) / 0.229, 6);
    expect(inet[1]).toBeCloseTo(-0.456 / 0.224, 6);
  });

  it('accepts float pixels (a resize result) as well as uint8', () => {
    expect(normalizeNhwc(Float32Array.from([0.5, 128, 255.5]), 1, 1, 'adm')).toEqual(Float32Array.from([-127.5 / 128, 0, 127.5 / 128]));
  });

  it('puts channel planes in order', () => {
    const px = Uint8Array.from([10, 20, 30, 11, 21, 31, 12, 22, 32, 13, 23, 33]); // 2×2×3
    const out = normalizeNhwc(px, 1, 2, 'minus-one-one');
    const back = Array.from(out, (v) => Math.round((v + 1) * 127.5));
    expect(back).toEqual([10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33]);
  });
});

describe('preprocess', () => {
  it('is normalization alone when the sizes are equal, for either protocol', () => {
    const img = image(16, 1);
    const plain = normalizeNhwc(img, 1, 16, 'adm');
    expect(preprocess(img, 1, 16, 'tf1-bilinear', 16, 'adm')).toEqual(plain);
    expect(preprocess(img, 1, 16, 'pil-bicubic', 16, 'adm')).toEqual(plain);
  });

  it('resizes by the protocol, then normalizes, into [N, 3, T, T]', () => {
    const imgs = new Uint8Array(2 * 16 * 16 * 3);
    imgs.set(image(16, 1));
    imgs.set(image(16, 2), 16 * 16 * 3);
    for (const protocol of ['tf1-bilinear', 'pil-bicubic'] as const) {
      const out = preprocess(imgs, 2, 16, protocol, 21, 'minus-one-one');
      expect(out.length).toBe(2 * 3 * 21 * 21);
      expect(out).toEqual(normalizeNhwc(resizeNhwc(imgs, 2, 16, protocol, 21), 2, 21, 'minus-one-one'));
    }
    expect(preprocess(imgs, 2, 16, 'tf1-bilinear', 21, 'adm')).not.toEqual(preprocess(imgs, 2, 16, 'pil-bicubic', 21, 'adm'));
  });

  it('pil-bicubic, normalized row by row into NCHW, equals resizing the batch and then normalizing it, value for value', () => {
    for (const [src, target] of [
      [40, 29],
      [29, 40],
      [33, 8],
    ] as const) {
      const imgs = new Uint8Array(3 * src * src * 3);
      for (let n = 0; n < 3; n++) imgs.set(image(src, n + 3), n * src * src * 3);
      for (const how of ['imagenet', 'adm', 'minus-one-one'] as const) {
        const fused = preprocess(imgs, 3, src, 'pil-bicubic', target, how);
        expect(fused).toEqual(normalizeNhwc(resizeNhwc(imgs, 3, src, 'pil-bicubic', target), 3, target, how));
      }
    }
  });

  it('names an unknown protocol', () => {
    expect(() => resizeNhwc(image(4, 0), 1, 4, 'lanczos' as never, 8)).toThrow(/unknown resize protocol lanczos/);
  });
});
