import type { PredictionType } from '../../../../contracts/sampling/prediction-type.js';
import type { Denoiser } from '../samplers.js';
import type { ScheduleInput, TimeInput } from '../../../../contracts/sampling/schedules.js';

/*
 * The ideal denoiser for Gaussian data, x0 ~ N(μ, s²·I) per class: given x_t = α·x0 + σ·ε,
 *
 *   E[x0 | x_t] = μ + α·s²/(α²s² + σ²) · (x_t − α·μ)
 *   E[ε  | x_t] = σ/(α²s² + σ²) · (x_t − α·μ)
 *   v = α·ε̂ − σ·x̂0,   velocity = α'·x̂0 + σ'·ε̂,   score = −(x_t − α·μ)/(α²s² + σ²)
 *
 * written out here without predictions.ts or schedules.ts, so the tests check those modules against an
 * independent reading of each time-input convention. Also the exact probability-flow map from x_T to x_0.
 */

export interface GaussianTarget {
  /** Mean of one sample ([C, H, W] flat) for a class label (undefined: unconditional model). */
  mean: (label: number | undefined) => Float64Array;
  std: number;
}

interface Level {
  alpha: number;
  sigma: number;
  dalpha: number;
  dsigma: number;
}

function cumprodTable(schedule: ScheduleInput): Float64Array {
  if (schedule.kind !== 'vp-linear' && schedule.kind !== 'vp-cosine') throw new Error('not a VP schedule');
  const n = schedule.steps;
  const table = new Float64Array(n);
  let acc = 1;
  for (let i = 0; i < n; i++) {
    let beta: number;
    if (schedule.kind === 'vp-linear') {
      beta = schedule.beta_start + ((schedule.beta_end - schedule.beta_start) * i) / (n - 1);
    } else {
      const s = schedule.s ?? 0.008;
      const f = (u: number) => Math.cos((((u + s) / (1 + s)) * Math.PI) / 2) ** 2;
      beta = Math.min(0.999, 1 - f((i + 1) / n) / f(i / n));
    }
    acc *= 1 - beta;
    table[i] = acc;
  }
  return table;
}

/** Reads a time input back into (α, σ, dα/dt, dσ/dt) the way a network trained on `schedule` would. */
export function levelReader(schedule: ScheduleInput, timeInput: TimeInput): (input: number) => Level {
  const nan = { dalpha: NaN, dsigma: NaN };
  const fromScaledSigma = (scaled: number): Level => {
    if (schedule.kind === 'edm') return { alpha: 1, sigma: scaled, ...nan };
    const alpha = 1 / Math.sqrt(1 + scaled * scaled);
    return { alpha, sigma: scaled * alpha, ...nan };
  };
  if (timeInput === 'sigma') return fromScaledSigma;
  if (timeInput === 'log_sigma') return (input) => fromScaledSigma(Math.exp(input));
  if (schedule.kind === 'linear-interpolant') return (t) => ({ alpha: 1 - t, sigma: t, dalpha: -1, dsigma: 1 });
  if (schedule.kind === 'edm') throw new Error(`edm has no ${timeInput} input`);
  const n = schedule.steps;
  const toT = (input: number) => (timeInput === 't' ? input : (input + 1) / n);
  if (!schedule.continuous) {
    // Between integer steps ln σ̃ is interpolated linearly (the documented convention for fractional indices).
    const logScaled = Array.from(cumprodTable(schedule), (abar) => 0.5 * Math.log((1 - abar) / abar));
    return (input) => {
      const index = toT(input) * n - 1;
      const lo = Math.min(Math.floor(index), n - 2);
      const w = index - lo;
      return fromScaledSigma(Math.exp((1 - w) * logScaled[lo]! + w * logScaled[lo + 1]!));
    };
  }
  const alphaAt =
    schedule.kind === 'vp-linear'
      ? (t: number) => {
          const b0 = n * schedule.beta_start;
          const b1 = n * schedule.beta_end;
          return Math.exp(-0.25 * t * t * (b1 - b0) - 0.5 * t * b0);
        }
      : (t: number) => {
          const s = schedule.s ?? 0.008;
          return Math.cos((((t + s) / (1 + s)) * Math.PI) / 2) / Math.cos(((s / (1 + s)) * Math.PI) / 2);
        };
  const sigmaAt = (t: number) => Math.sqrt(1 - alphaAt(t) ** 2);
  return (input) => {
    const t = toT(input);
    const h = 1e-6;
    return {
      alpha: alphaAt(t),
      sigma: sigmaAt(t),
      dalpha: (alphaAt(t + h) - alphaAt(t - h)) / (2 * h),
      dsigma: (sigmaAt(t + h) - sigmaAt(t - h)) / (2 * h),
    };
  };
}

export interface GaussianDenoiserOptions {
  schedule: ScheduleInput;
  timeInput: TimeInput;
  prediction: PredictionType;
  target: GaussianTarget;
  /** Values per sample. */
  perSample: number;
}

/** A network call log entry. */
export interface DenoiserCall {
  rows: number;
  timeInput: number[];
  classes?: number[];
}

/** The ideal network as a {@link Denoiser}, plus the log of its calls. */
export function gaussianDenoiser(options: GaussianDenoiserOptions): { denoise: Denoiser; calls: DenoiserCall[] } {
  const { prediction, target, perSample } = options;
  const read = levelReader(options.schedule, options.timeInput);
  const calls: DenoiserCall[] = [];
  const s2 = target.std * target.std;
  const denoise: Denoiser = async (xt, timeInput, classes) => {
    const rows = xt.length / perSample;
    if (!Number.isInteger(rows) || timeInput.length !== rows) throw new Error('bad batch layout');
    calls.push({ rows, timeInput: Array.from(timeInput), classes: classes && Array.from(classes) });
    const out = new Float32Array(xt.length);
    for (let r = 0; r < rows; r++) {
      const { alpha: a, sigma: s, dalpha, dsigma } = read(timeInput[r]!);
      const mu = target.mean(classes?.[r]);
      const denom = a * a * s2 + s * s;
      for (let j = 0; j < perSample; j++) {
        const i = r * perSample + j;
        const centred = xt[i]! - a * mu[j]!;
        const x0 = mu[j]! + ((a * s2) / denom) * centred;
        const eps = (s / denom) * centred;
        switch (prediction) {
          case 'eps':
            out[i] = eps;
            break;
          case 'x0':
            out[i] = x0;
            break;
          case 'v':
            out[i] = a * eps - s * x0;
            break;
          case 'velocity':
            out[i] = dalpha * x0 + dsigma * eps;
            break;
          case 'score':
            out[i] = -centred / denom;
            break;
        }
      }
    }
    return out;
  };
  return { denoise, calls };
}

/**
 * Where the exact probability-flow ODE takes x_T (at noise level α_T, σ_T): each coordinate keeps its
 * standardised position, x0 = μ + s·(x_T − α_T·μ)/sqrt(α_T²s² + σ_T²).
 */
export function exactFlowMap(xT: Float32Array, alphaT: number, sigmaT: number, mean: Float64Array, std: number): Float64Array {
  const out = new Float64Array(xT.length);
  const scale = std / Math.sqrt(alphaT * alphaT * std * std + sigmaT * sigmaT);
  for (let i = 0; i < xT.length; i++) {
    const m = mean[i % mean.length]!;
    out[i] = m + scale * (xT[i]! - alphaT * m);
  }
  return out;
}
