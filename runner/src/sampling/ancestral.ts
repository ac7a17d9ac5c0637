import type { Readout } from './predictions.js';
import type { ScheduleNode } from '../../../contracts/sampling/schedules.js';
import type { Variance } from '../../../contracts/sampling/sampler-plan.js';

/*
 * ADM's ancestral step (guided-diffusion `gaussian_diffusion.py`, `p_mean_variance`, `p_sample`,
 * `condition_mean`; Ho et al. 2020; Nichol & Dhariwal 2021) on any grid of a VP schedule, the respaced ones
 * included (respace.ts). Between consecutive nodes t → s (ᾱ = α², ᾱ_s = 1 at the clean end):
 *
 *   β = 1 − ᾱ_t/ᾱ_s,   β̃ = β·(1 − ᾱ_s)/(1 − ᾱ_t)                      (the process's own β and posterior variance)
 *   μ = c1·x̂0 + c2·x_t,  c1 = β·√ᾱ_s/(1 − ᾱ_t),  c2 = (1 − ᾱ_s)·√(1 − β)/(1 − ᾱ_t)
 *   x_s = μ + s·Σ·∇ₓ log p(y | x_t, t) + √Σ·z      (no z on the last step; the ∇ term with classifier guidance)
 *
 * x̂0 read from the network's prediction (predictions.ts), clipped to [−1, 1] when `clip_denoised` (ADM's
 * default). The variance Σ:
 *
 *   fixed-small   β̃ (DDIM η = 1 on the same grid; 0 on the last step)
 *   fixed-large   β, and β̃ of the second-to-last step on the last one (guided-diffusion's FIXED_LARGE)
 *   learned-range log Σ = v'·log β + (1 − v')·log β̃_clip,  v' = (v + 1)/2, v the network's variance channels
 *                 (improved DDPM's `learned_range`); β̃_clip is β̃ except on the last step, where β̃ = 0 is
 *                 replaced by β̃ of the second-to-last step (`posterior_log_variance_clipped`).
 *
 * All three need the second-to-last step for the last one, so the ancestral solver takes at least 2 steps.
 */

/** The coefficients of one ancestral step t → s (see the module comment). */
export interface AncestralCoefficients {
  c1: number;
  c2: number;
  logBeta: number;
  /** log β̃, clipped on the last step. */
  logBetaTildeClipped: number;
  /** Σ of the fixed variances (fixed-small: β̃ unclipped, so 0 on the last step). */
  fixedSmall: number;
  fixedLarge: number;
}

function posterior(t: ScheduleNode, s: ScheduleNode): { beta: number; betaTilde: number; abarT: number; abarS: number } {
  const abarT = t.alpha * t.alpha;
  const abarS = s.clean ? 1 : s.alpha * s.alpha;
  const beta = 1 - abarT / abarS;
  return { beta, betaTilde: (beta * (1 - abarS)) / (1 - abarT), abarT, abarS };
}

/**
 * Coefficients of the step from `nodes[k]` to `nodes[k + 1]`; on the last step β̃ is taken from the step
 * before (nodes[k − 1] → nodes[k]).
 */
export function ancestralCoefficients(nodes: readonly ScheduleNode[], k: number): AncestralCoefficients {
  const t = nodes[k]!;
  const s = nodes[k + 1]!;
  const { beta, betaTilde, abarT, abarS } = posterior(t, s);
  const c1 = (beta * Math.sqrt(abarS)) / (1 - abarT);
  const c2 = ((1 - abarS) * Math.sqrt(1 - beta)) / (1 - abarT);
  let clipped = betaTilde;
  if (s.clean) {
    if (k === 0) throw new RangeError('the ancestral step needs at least 2 steps');
    clipped = posterior(nodes[k - 1]!, t).betaTilde;
  }
  return {
    c1,
    c2,
    logBeta: Math.log(beta),
    logBetaTildeClipped: Math.log(clipped),
    fixedSmall: betaTilde,
    fixedLarge: s.clean ? clipped : beta,
  };
}

/** Inputs of one ancestral update beyond x and the prediction. */
export interface AncestralStep {
  coefficients: AncestralCoefficients;
  variance: Variance;
  /** The network's variance channels v ∈ [−1, 1] (learned-range only). */
  v?: Float32Array;
  /** ∇ₓ log p(y | x_t, t) and the scale s (classifier guidance). */
  gradient?: Float32Array;
  scale: number;
  clip: boolean;
  /** Standard normals, absent on the last step. */
  z?: Float32Array;
}

function clamp(x: number): number {
  return x < -1 ? -1 : x > 1 ? 1 : x;
}

/** The ancestral update in place (module comment). False if p (or v, or the gradient) was not finite. */
export function ancestralStep(x: Float32Array, p: Float32Array, r: Readout, step: AncestralStep): boolean {
  const { c1, c2, logBeta, logBetaTildeClipped, fixedSmall, fixedLarge } = step.coefficients;
  const { x0x, x0p } = r;
  const { v, gradient, z, clip } = step;
  const learned = step.variance === 'learned-range';
  const fixed = step.variance === 'fixed-small' ? fixedSmall : fixedLarge;
  const fixedStd = Math.sqrt(fixed);
  const scale = gradient ? step.scale : 0;
  let check = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const pi = p[i]!;
    check += pi * 0;
    let x0 = x0x * xi + x0p * pi;
    if (clip) x0 = clamp(x0);
    let mean = c1 * x0 + c2 * xi;
    let variance = fixed;
    let std = fixedStd;
    if (learned) {
      const vi = v![i]!;
      check += vi * 0;
      const frac = (vi + 1) / 2;
      const logVar = frac * logBeta + (1 - frac) * logBetaTildeClipped;
      variance = Math.exp(logVar);
      std = Math.exp(0.5 * logVar);
    }
    if (scale !== 0) {
      const gi = gradient![i]!;
      check += gi * 0;
      mean += scale * variance * gi;
    }
    x[i] = z ? mean + std * z[i]! : mean;
  }
  return check === 0;
}

/**
 * ADM's DDIM step (`ddim_sample` with `condition_score`) where it differs from the plain one in samplers.ts:
 * x̂0 clipped to [−1, 1] when `clip`, ε re-derived from it, and with classifier guidance ε shifted by
 * −σ_t·s·∇ₓ log p(y | x_t, t) and x̂0 re-derived from the shifted ε; then x_s = α_s·x̂0 + dir·ε + c·z. False if
 * p (or the gradient) was not finite.
 */
export function admDdimStep(
  x: Float32Array,
  p: Float32Array,
  r: Readout,
  t: ScheduleNode,
  coefficients: { a: number; dir: number; c: number },
  clip: boolean,
  gradient: Float32Array | undefined,
  scale: number,
  z: Float32Array | undefined,
): boolean {
  const { x0x, x0p } = r;
  const { a, dir, c } = coefficients;
  const shift = gradient ? t.sigma * scale : 0;
  let check = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const pi = p[i]!;
    check += pi * 0;
    let x0 = x0x * xi + x0p * pi;
    if (clip) x0 = clamp(x0);
    let eps = (xi - t.alpha * x0) / t.sigma;
    if (shift !== 0) {
      const gi = gradient![i]!;
      check += gi * 0;
      eps -= shift * gi;
      x0 = (xi - t.sigma * eps) / t.alpha;
    }
    x[i] = a * x0 + dir * eps + (z ? c * z[i]! : 0);
  }
  return check === 0;
}
