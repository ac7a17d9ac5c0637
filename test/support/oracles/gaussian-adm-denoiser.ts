import type { ClassifierGradient, Denoiser } from '../../../runner/src/sampling/samplers.js';

/*
 * An ADM-style network (ε and improved DDPM's learned-range variance, 2C channels) that is exact for Gaussian
 * data x0 ~ N(μ_y, s²·I) under DDPM's linear β schedule, sampled on a given set of kept timesteps (a
 * respaced grid). Written out from the definitions, without schedules.ts, respace.ts or ancestral.ts, so the
 * tests check those against an independent reading. With the time input the original index n, and n' the
 * next kept index below n (−1: clean, ᾱ = 1):
 *
 *   ε̂ = σ_n/(α_n²s² + σ_n²)·(x_n − α_n·μ)                              (E[ε | x_n])
 *   Σ = β̃ + c1²·Var(x0 | x_n),  Var(x0 | x_n) = s²σ_n²/(α_n²s² + σ_n²)      (Var(x_n' | x_n), exactly)
 *   v = 2·(log Σ − log β̃_clip)/(log β − log β̃_clip) − 1                    (learned_range inverted)
 *
 * with β = 1 − ᾱ_n/ᾱ_n', β̃ = β(1 − ᾱ_n')/(1 − ᾱ_n), c1 = β√ᾱ_n'/(1 − ᾱ_n) of the respaced process, and
 * β̃_clip = β̃ except on the last step, where β̃ of the step before replaces it. An ancestral sampler with
 * this v draws every transition from the exact reverse conditional, so its samples follow the target at any
 * number of steps (up to x_T = σ_T·z neglecting α_T·μ, and the noise-free last step).
 */

export function linearAlphasCumprod(steps: number, betaStart: number, betaEnd: number): Float64Array {
  const out = new Float64Array(steps);
  let acc = 1;
  for (let i = 0; i < steps; i++) {
    acc *= 1 - (betaStart + ((betaEnd - betaStart) * i) / (steps - 1));
    out[i] = acc;
  }
  return out;
}

export interface GaussianAdmOptions {
  alphasCumprod: Float64Array;
  /** Kept timesteps, ascending. */
  kept: readonly number[];
  mean: (label: number | undefined) => number;
  std: number;
  perSample: number;
}

/** β, β̃ (clipped) and c1 of the respaced step leaving kept index `k`. */
function stepAt(o: GaussianAdmOptions, k: number): { beta: number; betaTildeClip: number; c1: number } {
  const abar = (j: number) => (j < 0 ? 1 : o.alphasCumprod[o.kept[j]!]!);
  const tilde = (j: number) => ((1 - abar(j) / abar(j - 1)) * (1 - abar(j - 1))) / (1 - abar(j));
  const beta = 1 - abar(k) / abar(k - 1);
  return { beta, betaTildeClip: k === 0 ? tilde(1) : tilde(k), c1: (beta * Math.sqrt(abar(k - 1))) / (1 - abar(k)) };
}

/** Var(x_n' | x_n) of the step leaving kept index `k` (Σ in the module comment), and x̂0's slope in x_n. */
export function exactReverse(o: GaussianAdmOptions, k: number): { variance: number; x0Slope: number } {
  const s2 = o.std * o.std;
  const abar = o.alphasCumprod[o.kept[k]!]!;
  const denom = abar * s2 + (1 - abar);
  const { betaTildeClip, c1 } = stepAt(o, k);
  const betaTilde = k === 0 ? 0 : betaTildeClip;
  return { variance: betaTilde + c1 * c1 * ((s2 * (1 - abar)) / denom), x0Slope: (Math.sqrt(abar) * s2) / denom };
}

/** The exact 2C-channel network (module comment). */
export function gaussianAdmDenoiser(o: GaussianAdmOptions): Denoiser {
  const s2 = o.std * o.std;
  return async (xt, timeInput, classes) => {
    const rows = timeInput.length;
    const out = new Float32Array(2 * xt.length);
    for (let r = 0; r < rows; r++) {
      const n = timeInput[r]!;
      const k = o.kept.indexOf(n);
      if (k < 0) throw new Error(`time input ${n} is not a kept timestep`);
      const abar = o.alphasCumprod[n]!;
      const a = Math.sqrt(abar);
      const sigma2 = 1 - abar;
      const denom = abar * s2 + sigma2;
      const { beta, betaTildeClip } = stepAt(o, k);
      const { variance } = exactReverse(o, k);
      const v = (2 * (Math.log(variance) - Math.log(betaTildeClip))) / (Math.log(beta) - Math.log(betaTildeClip)) - 1;
      const mu = o.mean(classes?.[r]);
      for (let j = 0; j < o.perSample; j++) {
        const i = r * o.perSample + j;
        out[2 * r * o.perSample + j] = (Math.sqrt(sigma2) / denom) * (xt[i]! - a * mu);
        out[(2 * r + 1) * o.perSample + j] = v;
      }
    }
    return out;
  };
}

/**
 * A Gaussian classifier's exact gradient: ∇ₓ log N(x_t; α_n·m_y, α_n²r² + σ_n²) = −(x_t − α_n·m_y)/(α_n²r² + σ_n²),
 * the noisy likelihood of class y whose clean images are N(m_y, r²·I). The calls are logged.
 */
export function gaussianClassifier(
  alphasCumprod: Float64Array,
  classMean: (label: number) => number,
  r: number,
): { gradient: ClassifierGradient; calls: { x: Float32Array; time: number }[] } {
  const calls: { x: Float32Array; time: number }[] = [];
  const gradient: ClassifierGradient = async (xt, timeInput, classes) => {
    const perSample = xt.length / timeInput.length;
    calls.push({ x: Float32Array.from(xt), time: timeInput[0]! });
    return Float32Array.from(xt, (x, i) => {
      const row = Math.floor(i / perSample);
      const abar = alphasCumprod[timeInput[row]!]!;
      return -(x - Math.sqrt(abar) * classMean(classes[row]!)) / (abar * r * r + 1 - abar);
    });
  };
  return { gradient, calls };
}

/** A classifier whose ∇ₓ log p(y | x_t) is the constant `gradient(y)`: logits linear in x_t. */
export function linearClassifier(gradient: (label: number) => number): ClassifierGradient {
  return async (xt, timeInput, classes) => {
    const perSample = xt.length / timeInput.length;
    return Float32Array.from(xt, (_, i) => gradient(classes[Math.floor(i / perSample)]!));
  };
}
