import type { PredictionType } from '../../../contracts/sampling/prediction-type.js';
import { PredictionConversionError } from '../../../contracts/sampling/errors.js';

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
 * A conversion as the affine map it is: at fixed x_t and coefficients, a prediction p of any type gives
 *   x̂0 = x0x·x_t + x0p·p,   ε̂ = epsx·x_t + epsp·p
 * (the inverses in the module comment, each divided through once). The samplers read every network output
 * through these four numbers inside their update loops (samplers.ts), so a step reads x_t and p once.
 */
export interface Readout {
  x0x: number;
  x0p: number;
  epsx: number;
  epsp: number;
}

/** The {@link Readout} of a `type` prediction at coefficients `c`; refuses points where the inverse does not exist. */
export function readout(type: PredictionType, c: Coefficients): Readout {
  const { alpha: a, sigma: s } = c;
  switch (type) {
    case 'eps':
      requireNonZero(a, 'α', type);
      return { x0x: 1 / a, x0p: -s / a, epsx: 0, epsp: 1 };
    case 'score':
      // ε = −σ·score, then as eps.
      requireNonZero(a, 'α', type);
      return { x0x: 1 / a, x0p: (s * s) / a, epsx: 0, epsp: -s };
    case 'x0':
      requireNonZero(s, 'σ', type);
      return { x0x: 0, x0p: 1, epsx: 1 / s, epsp: -a / s };
    case 'v': {
      const norm = a * a + s * s;
      return { x0x: a / norm, x0p: -s / norm, epsx: s / norm, epsp: a / norm };
    }
    case 'velocity': {
      const { da, ds, det } = velocityDeterminant(c);
      if (det === 0 || !Number.isFinite(det)) {
        throw new PredictionConversionError(`velocity prediction is singular here (α·σ' − σ·α' = ${det})`);
      }
      return { x0x: ds / det, x0p: -s / det, epsx: -da / det, epsp: a / det };
    }
  }
}

/**
 * Recovers the implied clean image x0 and noise ε from a raw network prediction of type `type` made at x_t
 * with coefficients `c`, through its {@link readout}. Arithmetic is float64 per element; results are stored
 * as float32.
 */
export function toX0Eps(xt: Float32Array, prediction: Float32Array, type: PredictionType, c: Coefficients): X0Eps {
  if (prediction.length !== xt.length) {
    throw new PredictionConversionError(`prediction has ${prediction.length} values, x_t has ${xt.length}`);
  }
  const { x0x, x0p, epsx, epsp } = readout(type, c);
  const n = xt.length;
  const x0 = new Float32Array(n);
  const eps = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = xt[i]!;
    const p = prediction[i]!;
    x0[i] = x0x * x + x0p * p;
    eps[i] = epsx * x + epsp * p;
  }
  return { x0, eps };
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
