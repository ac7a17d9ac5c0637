import { describe, expect, it } from 'vitest';
import { canny } from '../conditions/canny.js';
import { edgeF1 } from './edge-f1.js';
import { MetricInputError } from './metric-input-error.js';

describe('edge F1', () => {
  it('is 2PR/(P+R) per image, averaged over images (closed form, 1e-15)', () => {
    // image 0: TP 2, FP 1, FN 1 → P = R = 2/3 → F1 2/3; image 1: TP 1, FP 0, FN 3 → P 1, R 1/4 → F1 0.4
    const pred = Uint8Array.from([1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    const ctrl = Uint8Array.from([1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0]);
    const got = edgeF1(pred, ctrl, 2, 6);
    expect(Math.abs(got.perImage[0] - 2 / 3)).toBeLessThan(1e-15);
    const p = 1;
    const r = 1 / 4;
    expect(Math.abs(got.perImage[1] - (2 * p * r) / (p + r))).toBeLessThan(1e-15);
    expect(Math.abs(got.edge_f1 - (2 / 3 + 0.4) / 2)).toBeLessThan(1e-15);
  });

  it('is 1 when neither map has an edge and 0 when exactly one has (closed form, exact)', () => {
    expect(edgeF1(new Uint8Array(4), new Uint8Array(4), 1, 4).edge_f1).toBe(1);
    expect(edgeF1(Uint8Array.from([0, 1, 0, 0]), new Uint8Array(4), 1, 4).edge_f1).toBe(0);
    expect(edgeF1(new Uint8Array(4), Uint8Array.from([0, 1, 0, 0]), 1, 4).edge_f1).toBe(0);
  });

  it("ranks an output that keeps the control's step above one that moved it (re-extracted with Canny)", () => {
    const step = (at: number) => new Uint8Array(16 * 16).map((_, q) => (q % 16 < at ? 0 : 200));
    const control = canny(step(8), 16, 16);
    const same = edgeF1(canny(step(8), 16, 16), control, 1, 256).edge_f1;
    const moved = edgeF1(canny(step(11), 16, 16), control, 1, 256).edge_f1;
    expect(same).toBe(1);
    expect(moved).toBe(0);
  });

  it('refuses maps of the wrong size', () => {
    expect(() => edgeF1(new Uint8Array(5), new Uint8Array(4), 1, 4)).toThrow(MetricInputError);
    expect(() => edgeF1(new Uint8Array(5), new Uint8Array(4), 1, 4)).toThrow(/1 images of 4 pixels; got 5 and 4/);
  });
});
