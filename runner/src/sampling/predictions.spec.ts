import { describe, expect, it } from 'vitest';
import { PredictionConversionError } from '../../../contracts/sampling/errors.js';
import { batchNormals } from './noise.js';
import { convertPrediction, fromX0Eps, toX0Eps, type Coefficients } from './predictions.js';
import { type PredictionType } from '../../../contracts/sampling/prediction-type.js';

const TYPES: PredictionType[] = ['eps', 'x0', 'v', 'velocity', 'score'];

// (α, σ, α', σ') at points of each schedule family; velocity is defined wherever α', σ' are given.
const POINTS: Array<[string, Coefficients]> = [
  ['VP mid-way', { alpha: Math.sqrt(0.5), sigma: Math.sqrt(0.5), dalpha: -0.9, dsigma: 0.9 }],
  ['VP nearly clean', { alpha: Math.sqrt(0.9999), sigma: 0.01, dalpha: -0.001, dsigma: 0.12 }],
  ['VP nearly pure noise', { alpha: 0.0064, sigma: Math.sqrt(1 - 0.0064 ** 2), dalpha: -0.06, dsigma: 0.0004 }],
  ['EDM σ = 5', { alpha: 1, sigma: 5, dalpha: 0, dsigma: 1 }],
  ['EDM σ = 0.002', { alpha: 1, sigma: 0.002, dalpha: 0, dsigma: 1 }],
  ['linear interpolant t = 0.3', { alpha: 0.7, sigma: 0.3, dalpha: -1, dsigma: 1 }],
];

function fixture(c: Coefficients) {
  const x0 = batchNormals(7, [0], 64, 0).map((v) => 0.5 * v + 0.1);
  const eps = batchNormals(7, [1], 64, 0);
  const xt = new Float32Array(64);
  for (let i = 0; i < 64; i++) xt[i] = c.alpha * x0[i]! + c.sigma * eps[i]!;
  return { x0, eps, xt };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('prediction conversions', () => {
  it('define v, velocity and score as documented', () => {
    const c: Coefficients = { alpha: 0.6, sigma: 0.8, dalpha: -0.5, dsigma: 0.375 };
    const x0 = Float32Array.of(0.25, -1);
    const eps = Float32Array.of(2, 0.5);
    expect(Array.from(fromX0Eps(x0, eps, 'v', c))).toEqual([0.6 * 2 - 0.8 * 0.25, 0.6 * 0.5 + 0.8].map(Math.fround));
    expect(Array.from(fromX0Eps(x0, eps, 'velocity', c))).toEqual([-0.5 * 0.25 + 0.375 * 2, 0.5 + 0.375 * 0.5].map(Math.fround));
    expect(Array.from(fromX0Eps(x0, eps, 'score', c))).toEqual([-2 / 0.8, -0.5 / 0.8].map(Math.fround));
    // linear interpolant: velocity = ε − x0
    const flow = fromX0Eps(x0, eps, 'velocity', { alpha: 0.7, sigma: 0.3, dalpha: -1, dsigma: 1 });
    expect(Array.from(flow)).toEqual([2 - 0.25, 0.5 + 1].map(Math.fround));
  });

  for (const [name, c] of POINTS) {
    it.each(TYPES)(`round-trips %s at ${name}`, (type) => {
      const { x0, eps, xt } = fixture(c);
      const prediction = fromX0Eps(x0, eps, type, c);
      const back = toX0Eps(xt, prediction, type, c);
      // float32 storage: the recovered quantities carry ~1e-7 relative error, amplified by 1/α (eps, score
      // near pure noise) or 1/σ (x0 near clean).
      const amplification = Math.max(1, 1 / c.alpha, 1 / c.sigma);
      expect(maxAbsDiff(back.x0, x0)).toBeLessThan(2e-6 * amplification);
      expect(maxAbsDiff(back.eps, eps)).toBeLessThan(2e-6 * amplification);
    });
  }

  it('converts between every pair of types consistently', () => {
    const c = POINTS[0]![1];
    const { x0, eps, xt } = fixture(c);
    for (const from of TYPES) {
      for (const to of TYPES) {
        const converted = convertPrediction(xt, fromX0Eps(x0, eps, from, c), from, to, c);
        expect(maxAbsDiff(converted, fromX0Eps(x0, eps, to, c))).toBeLessThan(1e-5);
      }
    }
  });

  it('is affine in the prediction, so guidance weights summing to 1 commute with conversion', () => {
    const c = POINTS[5]![1];
    const { xt } = fixture(c);
    const pc = batchNormals(3, [0], 64, 0);
    const pu = batchNormals(3, [1], 64, 0);
    const w = 4.5;
    for (const type of TYPES) {
      const mixed = pc.map((v, i) => pu[i]! + w * (v - pu[i]!));
      const direct = toX0Eps(xt, mixed, type, c);
      const ec = toX0Eps(xt, pc, type, c).eps;
      const eu = toX0Eps(xt, pu, type, c).eps;
      const guidedEps = ec.map((v, i) => eu[i]! + w * (v - eu[i]!));
      expect(maxAbsDiff(direct.eps, guidedEps)).toBeLessThan(1e-4);
    }
  });

  it('refuses conversions that have no answer', () => {
    const xt = Float32Array.of(0.3);
    const p = Float32Array.of(0.1);
    // t = 1 of the linear interpolant: x_t = ε carries nothing about x0
    expect(() => toX0Eps(xt, p, 'eps', { alpha: 0, sigma: 1 })).toThrow(PredictionConversionError);
    expect(() => toX0Eps(xt, p, 'score', { alpha: 0, sigma: 1 })).toThrow(PredictionConversionError);
    expect(toX0Eps(xt, p, 'x0', { alpha: 0, sigma: 1 }).eps[0]).toBeCloseTo(0.3, 6);
    expect(() => toX0Eps(xt, p, 'x0', { alpha: 1, sigma: 0 })).toThrow(PredictionConversionError);
    expect(() => toX0Eps(xt, p, 'velocity', { alpha: 0.5, sigma: 0.5 })).toThrow(PredictionConversionError);
    expect(() => toX0Eps(xt, Float32Array.of(1, 2), 'eps', { alpha: 1, sigma: 1 })).toThrow(PredictionConversionError);
  });
});
