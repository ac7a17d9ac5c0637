import { z } from 'zod';
import { PredictionConversionError } from './errors.js';

/*
 * Every conversion between prediction types lives here. With x_t = α·x0 + σ·ε the network predicts one of
 *
 *   eps       ε                                   (Ho et al. 2020)
 *   x0        x0                                  (EDM's denoiser D(x; σ))
 *   v         v = α·ε − σ·x0                      (Salimans & Ho 2022)
 *   velocity  u = dx_t/dt = α'·x0 + σ'·ε          (flow matching; for the linear interpolant u = ε − x0)
 *   score     ∇ log p(x_t) = −ε/σ                 (Song et al. 2021)
 *
 * where α' = dα/dt and σ' = dσ/dt in the schedule's continuous time. Each is an affine function of (x0, ε);
 * given x_t the pair (x0, ε) is recovered by inverting the 2×2 system
 *
 *   eps:      x0 = (x_t − σ·ε)/α
 *   x0:       ε  = (x_t − α·x0)/σ
 *   v:        x0 = (α·x_t − σ·v)/(α² + σ²),   ε = (σ·x_t + α·v)/(α² + σ²)   (α² + σ² = 1 for VP schedules)
 *   velocity: x0 = (σ'·x_t − σ·u)/(α·σ' − σ·α'),  ε = (α·u − α'·x_t)/(α·σ' − σ·α')
 *   score:    ε  = −σ·score, then as eps.
 *
 * Because each recovery is affine in the prediction with x_t fixed, guidance that mixes two predictions with
 * weights summing to one gives the same (x0, ε) whichever space it is applied in.
 */

export const PredictionType = z.enum(['eps', 'x0', 'v', 'velocity', 'score']);
export type PredictionType = z.infer<typeof PredictionType>;

/** α, σ at the current time, and dα/dt, dσ/dt where a `velocity` prediction must be read. */
export interface Coefficients {
  alpha: number;
  sigma: number;
  dalpha?: number;
  dsigma?: number;
}

export interface X0Eps {
  x0: Float32Array;
  eps: Float32Array;
}

function velocityDeterminant(c: Coefficients): { da: number; ds: number; det: number } {
  if (c.dalpha === undefined || c.dsigma === undefined) {
    throw new PredictionConversionError(
      'a velocity prediction needs dα/dt and dσ/dt: use it with a continuous-time schedule (linear-interpolant, continuous VP)',
    );
  }
  return { da: c.dalpha, ds: c.dsigma, det: c.alpha * c.dsigma - c.sigma * c.dalpha };
}

function requireNonZero(value: number, symbol: 'α' | 'σ', type: PredictionType): void {
  if (value === 0 || !Number.isFinite(value)) {
    throw new PredictionConversionError(`a '${type}' prediction cannot be converted where ${symbol} = ${value}`);
  }
}

/**
 * Recovers the implied clean image x0 and noise ε from a raw network prediction of type `type` made at x_t
 * with coefficients `c`. Arithmetic is float64 per element; results are stored as float32.
 */
export function toX0Eps(xt: Float32Array, prediction: Float32Array, type: PredictionType, c: Coefficients): X0Eps {
  return toX0EpsInto(xt, prediction, type, c, { x0: new Float32Array(xt.length), eps: new Float32Array(xt.length) });
}

/**
 * {@link toX0Eps} writing into `out` (same values, bit for bit), for loops that convert every step into the
 * same buffers. `out.x0` and `out.eps` must be distinct from each other; either may be `xt` or `prediction`
 * (each element is read before it is written).
 */
export function toX0EpsInto(xt: Float32Array, prediction: Float32Array, type: PredictionType, c: Coefficients, out: X0Eps): X0Eps {
  if (prediction.length !== xt.length) {
    throw new PredictionConversionError(`prediction has ${prediction.length} values, x_t has ${xt.length}`);
  }
  const n = xt.length;
  const { x0, eps } = out;
  if (x0.length !== n || eps.length !== n) {
    throw new PredictionConversionError(`output buffers hold ${x0.length} and ${eps.length} values, x_t has ${n}`);
  }
  const { alpha: a, sigma: s } = c;
  switch (type) {
    case 'eps':
    case 'score': {
      requireNonZero(a, 'α', type);
      const k = type === 'score' ? -s : 1;
      for (let i = 0; i < n; i++) {
        const x = xt[i]!;
        const e = k * prediction[i]!;
        eps[i] = e;
        x0[i] = (x - s * e) / a;
      }
      break;
    }
    case 'x0':
      requireNonZero(s, 'σ', type);
      for (let i = 0; i < n; i++) {
        const x = xt[i]!;
        const d = prediction[i]!;
        x0[i] = d;
        eps[i] = (x - a * d) / s;
      }
      break;
    case 'v': {
      const norm = a * a + s * s;
      for (let i = 0; i < n; i++) {
        const x = xt[i]!;
        const v = prediction[i]!;
        x0[i] = (a * x - s * v) / norm;
        eps[i] = (s * x + a * v) / norm;
      }
      break;
    }
    case 'velocity': {
      const { da, ds, det } = velocityDeterminant(c);
      if (det === 0 || !Number.isFinite(det)) {
        throw new PredictionConversionError(`velocity prediction is singular here (α·σ' − σ·α' = ${det})`);
      }
      for (let i = 0; i < n; i++) {
        const x = xt[i]!;
        const u = prediction[i]!;
        x0[i] = (ds * x - s * u) / det;
        eps[i] = (a * u - da * x) / det;
      }
      break;
    }
  }
  return out;
}

/** The prediction of type `type` that a network would output for the given x0 and ε (inverse of {@link toX0Eps}). */
export function fromX0Eps(x0: Float32Array, eps: Float32Array, type: PredictionType, c: Coefficients): Float32Array {
  if (x0.length !== eps.length) throw new PredictionConversionError(`x0 has ${x0.length} values, ε has ${eps.length}`);
  const n = x0.length;
  const out = new Float32Array(n);
  const { alpha: a, sigma: s } = c;
  switch (type) {
    case 'eps':
      out.set(eps);
      break;
    case 'x0':
      out.set(x0);
      break;
    case 'v':
      for (let i = 0; i < n; i++) out[i] = a * eps[i]! - s * x0[i]!;
      break;
    case 'velocity': {
      const { da, ds } = velocityDeterminant(c);
      for (let i = 0; i < n; i++) out[i] = da * x0[i]! + ds * eps[i]!;
      break;
    }
    case 'score':
      requireNonZero(s, 'σ', type);
      for (let i = 0; i < n; i++) out[i] = -eps[i]! / s;
      break;
  }
  return out;
}

/** Converts a prediction from one type to another at the same x_t. */
export function convertPrediction(
  xt: Float32Array,
  prediction: Float32Array,
  from: PredictionType,
  to: PredictionType,
  c: Coefficients,
): Float32Array {
  if (from === to) return Float32Array.from(prediction);
  const { x0, eps } = toX0Eps(xt, prediction, from, c);
  return fromX0Eps(x0, eps, to, c);
}
