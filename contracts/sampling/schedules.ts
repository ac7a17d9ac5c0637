import { z } from 'zod';
import { SamplingConfigError } from './errors.js';

/*
 * Noise schedules as data (zod-validated objects a model declares) plus the functions the samplers need.
 * Every schedule describes the forward process
 *
 *     x_t = α_t · x0 + σ_t · ε,   ε ~ N(0, I),
 *
 * over its own time variable (its "native time"), with log-SNR λ_t = log(α_t / σ_t). The network is told the
 * noise level through one of four time-input conventions (`time_input`, declared with the model):
 *
 *   index      step n of a discrete schedule, n ∈ [0, N−1] (N = `steps`), n = N−1 the noisiest; integer on
 *              trailing steps, fractional between them under Karras spacing.
 *   t          continuous time in [0, 1], 0 = clean data, 1 = the noisiest end.
 *   sigma      the noise level of the scaled input x_t/α_t, i.e. σ_t/α_t = e^{−λ_t} (EDM's σ; k-diffusion's
 *              σ for VP models).
 *   log_sigma  ln(σ_t/α_t) = −λ_t.
 *
 * Index and t are tied by t = (n + 1)/N for the VP schedules (DPM-Solver's discrete↔continuous convention,
 * Lu et al. 2022: t_n = (n+1)/N, model input 1000·(t − 1/N) for N = 1000).
 *
 * Where a sampler's steps fall is the spacing (`samplingTimes`): `trailing` (discrete VP), `uniform` (continuous
 * VP, linear interpolant) or `karras` (EDM always; VP on request — the Euler and Heun solvers ask for it).
 */

/**
 * `vp-linear` — DDPM's linear β schedule (Ho et al. 2020), variance preserving.
 *
 * Parameters: `beta_start`, `beta_end` (0 < beta_start ≤ beta_end < 1; DDPM/ADM use 1e-4 and 0.02 for N =
 * 1000), `steps` = N, optional `continuous` (default false).
 *
 * Discrete (default): β_i = beta_start + i·(beta_end − beta_start)/(N−1), i = 0…N−1 (numpy `linspace`),
 *   ᾱ_n = Π_{i=0..n} (1 − β_i),   α_n = sqrt(ᾱ_n),   σ_n = sqrt(1 − ᾱ_n),
 *   computed in float64 as guided-diffusion does. Native time: the index n; the clean end is n = −1 (ᾱ = 1).
 *   Between integers (Karras spacing visits fractional indices, as k-diffusion's `DiscreteSchedule` does)
 *   ln σ̃ = ½·ln((1 − ᾱ)/ᾱ) is interpolated linearly in n and α = 1/sqrt(1 + σ̃²), σ = σ̃·α.
 *   Time inputs: all four (index n, t = (n+1)/N, sigma, log_sigma).
 * Continuous (`continuous: true`): the N → ∞ limit, Song et al. 2021's VP SDE with β(t) = β0 + t(β1 − β0),
 *   β0 = N·beta_start, β1 = N·beta_end (0.1 and 20 for DDPM's values):
 *   log α_t = −(β1 − β0)·t²/4 − β0·t/2,   σ_t = sqrt(1 − α_t²),   t ∈ [0, 1], clean at t = 0.
 *   Time inputs: all four (index = N·t − 1).
 */
export const VpLinearSchedule = z
  .strictObject({
    kind: z.literal('vp-linear'),
    beta_start: z.number().gt(0).lt(1),
    beta_end: z.number().gt(0).lt(1),
    steps: z.number().int().min(2).max(100_000),
    continuous: z.boolean().default(false),
  })
  .refine((s) => s.beta_start <= s.beta_end, { message: 'beta_start must not exceed beta_end' });
export type VpLinearSchedule = z.infer<typeof VpLinearSchedule>;

/**
 * `vp-cosine` — the cosine schedule of Nichol & Dhariwal 2021 (improved DDPM), variance preserving.
 *
 * Parameters: `steps` = N, `s` (offset, default 0.008), optional `continuous` (default false).
 *
 * With f(t) = cos²( (t + s)/(1 + s) · π/2 ):
 * Discrete (default), exactly as improved-diffusion's `betas_for_alpha_bar`:
 *   β_i = min(1 − f((i+1)/N)/f(i/N), 0.999),   ᾱ_n = Π_{i=0..n} (1 − β_i),   α = sqrt(ᾱ), σ = sqrt(1 − ᾱ).
 *   Native time: the index n (fractional indices as for vp-linear); clean at n = −1. Time inputs: all four.
 * Continuous (`continuous: true`): ᾱ_t = f(t)/f(0), α = sqrt(ᾱ), σ = sqrt(1 − ᾱ), t ∈ [0, T] with
 *   T = 0.9946 (DPM-Solver's cut-off: ᾱ → 0 as t → 1). Time inputs: all four (index = N·t − 1).
 */
export const VpCosineSchedule = z.strictObject({
  kind: z.literal('vp-cosine'),
  steps: z.number().int().min(2).max(100_000),
  s: z.number().gt(0).lt(1).default(0.008),
  continuous: z.boolean().default(false),
});
export type VpCosineSchedule = z.infer<typeof VpCosineSchedule>;

/**
 * `edm` — Karras et al. 2022 ("Elucidating the design space…"), variance exploding: x_σ = x0 + σ·ε, so
 * α = 1 and the native time is σ itself.
 *
 * Parameters: `sigma_min`, `sigma_max` (0 < sigma_min < sigma_max; EDM uses 0.002 and 80), `sigma_data`
 * (the data standard deviation the network's preconditioning uses, EDM: 0.5; recorded with the model, not used
 * by the samplers) and `rho` (default 7).
 *
 * Sampling steps are always Karras et al.'s eq. 5, for K steps:
 *   σ_k = ( σ_max^{1/ρ} + k/(K−1) · (σ_min^{1/ρ} − σ_max^{1/ρ}) )^ρ,  k = 0…K−1,  then σ_K = 0 (clean).
 * Time inputs: `sigma` (σ) and `log_sigma` (ln σ).
 */
export const EdmSchedule = z
  .strictObject({
    kind: z.literal('edm'),
    sigma_min: z.number().gt(0),
    sigma_max: z.number().gt(0),
    sigma_data: z.number().gt(0),
    rho: z.number().gt(0).default(7),
  })
  .refine((s) => s.sigma_min < s.sigma_max, { message: 'sigma_min must be below sigma_max' });
export type EdmSchedule = z.infer<typeof EdmSchedule>;

/**
 * `linear-interpolant` — rectified flow / flow matching (Liu et al. 2022; Lipman et al. 2022):
 *   x_t = (1 − t)·x0 + t·ε,  α_t = 1 − t,  σ_t = t,  t ∈ [0, 1]; sampling runs t from 1 (pure noise) to 0.
 * The network's "velocity" is dx_t/dt = ε − x0. No parameters. Time input: `t` only.
 */
export const LinearInterpolantSchedule = z.strictObject({
  kind: z.literal('linear-interpolant'),
});
export type LinearInterpolantSchedule = z.infer<typeof LinearInterpolantSchedule>;

export const Schedule = z.discriminatedUnion('kind', [VpLinearSchedule, VpCosineSchedule, EdmSchedule, LinearInterpolantSchedule]);
export type Schedule = z.infer<typeof Schedule>;
export type ScheduleInput = z.input<typeof Schedule>;

export const TimeInput = z.enum(['index', 't', 'sigma', 'log_sigma']);
export type TimeInput = z.infer<typeof TimeInput>;

/** How sampling times are chosen (see {@link samplingTimes}); recorded with every sample batch. */
export const Spacing = z.enum(['trailing', 'uniform', 'karras']);
export type Spacing = z.infer<typeof Spacing>;

export interface NoiseLevel {
  alpha: number;
  sigma: number;
}

/** One point of a sampling grid. */
export interface ScheduleNode extends NoiseLevel {
  /** Native time: index n (discrete VP), t (continuous VP, linear interpolant) or σ (EDM). */
  time: number;
  /** log(α/σ): +∞ at the clean end, −∞ where α = 0 (t = 1 of the linear interpolant). */
  lambda: number;
  /** σ = 0: the end of sampling, where the network is never evaluated. */
  clean: boolean;
}

export type VpSchedule = VpLinearSchedule | VpCosineSchedule;

/** DPM-Solver's end time for the continuous cosine schedule. */
export const COSINE_CONTINUOUS_T_MAX = 0.9946;
const COSINE_MAX_BETA = 0.999;

const cumprodCache = new WeakMap<object, Float64Array>();

/** ᾱ_n, n = 0…N−1, of a discrete VP schedule (float64). */
export function alphasCumprod(schedule: VpSchedule): Float64Array {
  const cached = cumprodCache.get(schedule);
  if (cached) return cached;
  const n = schedule.steps;
  const out = new Float64Array(n);
  let prod = 1;
  for (let i = 0; i < n; i++) {
    let beta: number;
    if (schedule.kind === 'vp-linear') {
      const step = (schedule.beta_end - schedule.beta_start) / (n - 1);
      beta = i === n - 1 ? schedule.beta_end : schedule.beta_start + i * step;
    } else {
      const f = (t: number) => Math.cos(((t + schedule.s) / (1 + schedule.s)) * (Math.PI / 2)) ** 2;
      beta = Math.min(1 - f((i + 1) / n) / f(i / n), COSINE_MAX_BETA);
    }
    prod *= 1 - beta;
    out[i] = prod;
  }
  cumprodCache.set(schedule, out);
  return out;
}

function isVp(schedule: Schedule): schedule is VpSchedule {
  return schedule.kind === 'vp-linear' || schedule.kind === 'vp-cosine';
}

/** log α_t of a continuous VP schedule. */
function continuousLogAlpha(schedule: VpSchedule, t: number): number {
  if (schedule.kind === 'vp-linear') {
    const b0 = schedule.steps * schedule.beta_start;
    const b1 = schedule.steps * schedule.beta_end;
    return (-(b1 - b0) * t * t) / 4 - (b0 * t) / 2;
  }
  const phi = (u: number) => ((u + schedule.s) / (1 + schedule.s)) * (Math.PI / 2);
  return Math.log(Math.cos(phi(t))) - Math.log(Math.cos(phi(0)));
}

function vpFromAlphaBar(alphaBar: number): NoiseLevel {
  return { alpha: Math.sqrt(alphaBar), sigma: Math.sqrt(Math.max(0, 1 - alphaBar)) };
}

/** The VP (α, σ) with σ/α = σ̃. */
function fromScaledSigma(scaled: number): NoiseLevel {
  const alpha = 1 / Math.sqrt(1 + scaled * scaled);
  return { alpha, sigma: scaled * alpha };
}

const logSigmaCache = new WeakMap<object, Float64Array>();

/** ln σ̃_n = ½·ln((1 − ᾱ_n)/ᾱ_n), increasing in n, of a discrete VP schedule. */
function logScaledSigmas(schedule: VpSchedule): Float64Array {
  const cached = logSigmaCache.get(schedule);
  if (cached) return cached;
  const out = alphasCumprod(schedule).map((abar) => 0.5 * Math.log((1 - abar) / abar));
  logSigmaCache.set(schedule, out);
  return out;
}

/** (α, σ) at native time `time` of `schedule`. */
export function noiseLevel(schedule: Schedule, time: number): NoiseLevel {
  switch (schedule.kind) {
    case 'vp-linear':
    case 'vp-cosine': {
      if (schedule.continuous) {
        const tMax = schedule.kind === 'vp-cosine' ? COSINE_CONTINUOUS_T_MAX : 1;
        if (!(time >= 0 && time <= tMax)) throw new RangeError(`t must lie in [0, ${tMax}], got ${time}`);
        const logAlpha = continuousLogAlpha(schedule, time);
        // σ² = 1 − α² = −expm1(2 log α) keeps precision near t = 0.
        return { alpha: Math.exp(logAlpha), sigma: Math.sqrt(-Math.expm1(2 * logAlpha)) };
      }
      if (time === -1) return { alpha: 1, sigma: 0 };
      if (!(time >= 0 && time <= schedule.steps - 1)) {
        throw new RangeError(`index must be -1 or lie in [0, ${schedule.steps - 1}], got ${time}`);
      }
      if (Number.isInteger(time)) return vpFromAlphaBar(alphasCumprod(schedule)[time]!);
      const logs = logScaledSigmas(schedule);
      const lo = Math.floor(time);
      const w = time - lo;
      return fromScaledSigma(Math.exp((1 - w) * logs[lo]! + w * logs[lo + 1]!));
    }
    case 'edm':
      if (!(time >= 0)) throw new RangeError(`sigma must be ≥ 0, got ${time}`);
      return { alpha: 1, sigma: time };
    case 'linear-interpolant':
      if (!(time >= 0 && time <= 1)) throw new RangeError(`t must lie in [0, 1], got ${time}`);
      return { alpha: 1 - time, sigma: time };
  }
}

/** The grid node at native time `time`. */
export function scheduleNode(schedule: Schedule, time: number): ScheduleNode {
  const { alpha, sigma } = noiseLevel(schedule, time);
  return { time, alpha, sigma, lambda: Math.log(alpha) - Math.log(sigma), clean: sigma === 0 };
}

/**
 * dα/dt and dσ/dt in the schedule's continuous time t, needed to read a `velocity` (dx_t/dt) prediction.
 * Defined for the linear interpolant and the continuous VP schedules; `undefined` elsewhere.
 */
export function timeDerivatives(schedule: Schedule, time: number): { dalpha: number; dsigma: number } | undefined {
  if (schedule.kind === 'linear-interpolant') return { dalpha: -1, dsigma: 1 };
  if (!isVp(schedule) || !schedule.continuous) return undefined;
  let dLogAlpha: number;
  if (schedule.kind === 'vp-linear') {
    const b0 = schedule.steps * schedule.beta_start;
    const b1 = schedule.steps * schedule.beta_end;
    dLogAlpha = (-(b1 - b0) * time) / 2 - b0 / 2;
  } else {
    const phi = ((time + schedule.s) / (1 + schedule.s)) * (Math.PI / 2);
    dLogAlpha = (-Math.tan(phi) * Math.PI) / (2 * (1 + schedule.s));
  }
  const { alpha, sigma } = noiseLevel(schedule, time);
  const dalpha = alpha * dLogAlpha;
  return { dalpha, dsigma: sigma === 0 ? Infinity : (-alpha * dalpha) / sigma };
}

/** Time-input conventions each schedule supports (see the module comment). */
export function supportedTimeInputs(schedule: Schedule): readonly TimeInput[] {
  switch (schedule.kind) {
    case 'vp-linear':
    case 'vp-cosine':
      return ['index', 't', 'sigma', 'log_sigma'];
    case 'edm':
      return ['sigma', 'log_sigma'];
    case 'linear-interpolant':
      return ['t'];
  }
}

export function checkTimeInput(schedule: Schedule, timeInput: TimeInput): void {
  const supported = supportedTimeInputs(schedule);
  if (!supported.includes(timeInput)) {
    throw new SamplingConfigError(
      `time_input '${timeInput}' is not defined for a '${schedule.kind}' schedule (supported: ${supported.join(', ')})`,
    );
  }
}

/** The value fed to the network for native time `time` under convention `timeInput`. */
export function timeInputValue(schedule: Schedule, time: number, timeInput: TimeInput): number {
  checkTimeInput(schedule, timeInput);
  if (timeInput === 'sigma' || timeInput === 'log_sigma') {
    const { alpha, sigma } = noiseLevel(schedule, time);
    const scaled = sigma / alpha;
    return timeInput === 'sigma' ? scaled : Math.log(scaled);
  }
  if (isVp(schedule)) {
    const n = schedule.steps;
    if (schedule.continuous) return timeInput === 't' ? time : n * time - 1;
    return timeInput === 'index' ? time : (time + 1) / n;
  }
  return time; // linear interpolant, 't'
}

/** Native time of the clean end. */
export function cleanTime(schedule: Schedule): number {
  return isVp(schedule) && !schedule.continuous ? -1 : 0;
}

/**
 * The native time at which σ/α equals `scaled` (σ̃ > 0): the inverse the Karras spacing needs.
 * Discrete VP: the fractional index with that interpolated ln σ̃; continuous VP: closed form (as DPM-Solver's
 * `inverse_lambda`); EDM: σ̃ itself; linear interpolant: t = σ̃/(1 + σ̃).
 */
export function timeAtScaledSigma(schedule: Schedule, scaled: number): number {
  if (!(scaled > 0 && Number.isFinite(scaled))) throw new RangeError(`σ/α must be positive and finite, got ${scaled}`);
  if (schedule.kind === 'edm') return scaled;
  if (schedule.kind === 'linear-interpolant') return scaled / (1 + scaled);
  // ln ᾱ = −ln(1 + σ̃²)
  const logAlphaBar = -Math.log1p(scaled * scaled);
  if (schedule.continuous) {
    if (schedule.kind === 'vp-linear') {
      const b0 = schedule.steps * schedule.beta_start;
      const b1 = schedule.steps * schedule.beta_end;
      // (b1 − b0)/2·t² + b0·t + ln ᾱ = 0 (log α = ½ ln ᾱ)
      const a = (b1 - b0) / 2;
      if (a === 0) return -logAlphaBar / b0;
      return (-b0 + Math.sqrt(b0 * b0 - 4 * a * logAlphaBar)) / (2 * a);
    }
    const phi0 = (schedule.s / (1 + schedule.s)) * (Math.PI / 2);
    const phi = Math.acos(Math.exp(logAlphaBar / 2) * Math.cos(phi0));
    return (phi * 2 * (1 + schedule.s)) / Math.PI - schedule.s;
  }
  const logs = logScaledSigmas(schedule);
  const target = Math.log(scaled);
  const last = logs.length - 1;
  if (target <= logs[0]!) return 0;
  if (target >= logs[last]!) return last;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (logs[mid]! <= target) lo = mid;
    else hi = mid;
  }
  return lo + (target - logs[lo]!) / (logs[hi]! - logs[lo]!);
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The spacing a schedule uses when the solver does not ask for Karras steps. */
export function nativeSpacing(schedule: Schedule): Spacing {
  if (schedule.kind === 'edm') return 'karras';
  return isVp(schedule) && !schedule.continuous ? 'trailing' : 'uniform';
}

/** Spacings each schedule supports. */
export function supportedSpacings(schedule: Schedule): readonly Spacing[] {
  if (schedule.kind === 'edm') return ['karras'];
  if (schedule.kind === 'linear-interpolant') return ['uniform'];
  return schedule.continuous ? ['uniform', 'karras'] : ['trailing', 'karras'];
}

/** The σ̃ = σ/α range and ρ Karras spacing uses on this schedule. */
export function karrasRange(schedule: Schedule): { min: number; max: number; rho: number } {
  if (schedule.kind === 'edm') return { min: schedule.sigma_min, max: schedule.sigma_max, rho: schedule.rho };
  if (schedule.kind === 'linear-interpolant') {
    throw new SamplingConfigError('Karras spacing is not defined for the linear interpolant (σ/α is infinite at t = 1)');
  }
  const scaled = (time: number) => {
    const { alpha, sigma } = noiseLevel(schedule, time);
    return sigma / alpha;
  };
  if (schedule.continuous) {
    const tMax = schedule.kind === 'vp-cosine' ? COSINE_CONTINUOUS_T_MAX : 1;
    return { min: scaled(1 / schedule.steps), max: scaled(tMax), rho: 7 };
  }
  return { min: scaled(0), max: scaled(schedule.steps - 1), rho: 7 };
}

/**
 * The native times a `steps`-step sampler visits, noisiest first, ending with the clean time (so
 * `steps + 1` entries). Spacings:
 *
 * - `trailing` (discrete VP; Lin et al. 2023, diffusers `timestep_spacing="trailing"`):
 *   n_k = round(N − k·N/steps) − 1, k = 0…steps−1 (numpy's round-half-to-even), then −1 (ᾱ = 1, DDIM's
 *   `set_alpha_to_one`). Always starts at the noisiest step N−1. Needs steps ≤ N.
 * - `uniform` (continuous VP, linear interpolant): t_k = T·(1 − k/steps), k = 0…steps (T = 1, or 0.9946 for
 *   the continuous cosine schedule); t_steps = 0 is clean.
 * - `karras` (Karras et al. 2022 eq. 5; EDM, VP): σ̃_k = (σ̃_max^{1/ρ} + k/(steps−1)·(σ̃_min^{1/ρ} −
 *   σ̃_max^{1/ρ}))^ρ in σ̃ = σ/α, k = 0…steps−1, then the clean time; σ̃_min, σ̃_max and ρ from
 *   {@link karrasRange} (EDM: its own; discrete VP: σ̃ at n = 0 and N−1, ρ = 7, the times being fractional
 *   indices as in k-diffusion; continuous VP: σ̃ at t = 1/N and T, ρ = 7).
 */
export function samplingTimes(schedule: Schedule, steps: number, spacing: Spacing = nativeSpacing(schedule)): number[] {
  if (!Number.isInteger(steps) || steps < 1) throw new SamplingConfigError(`steps must be a positive integer, got ${steps}`);
  if (!supportedSpacings(schedule).includes(spacing)) {
    throw new SamplingConfigError(
      `spacing '${spacing}' is not available on a '${schedule.kind}' schedule (available: ${supportedSpacings(schedule).join(', ')})`,
    );
  }
  const times: number[] = [];
  if (spacing === 'trailing') {
    const n = (schedule as VpSchedule).steps;
    if (steps > n) throw new SamplingConfigError(`steps (${steps}) exceeds the schedule's ${n} discrete steps`);
    const delta = -n / steps;
    for (let k = 0; k < steps; k++) times.push(roundHalfEven(n + k * delta) - 1);
  } else if (spacing === 'karras') {
    const { min, max, rho } = karrasRange(schedule);
    const hi = max ** (1 / rho);
    const lo = min ** (1 / rho);
    for (let k = 0; k < steps; k++) {
      const ramp = steps === 1 ? 0 : k / (steps - 1);
      // The end points exactly, not their ρ-th power round trip.
      const scaled = k === 0 ? max : k === steps - 1 ? min : (hi + ramp * (lo - hi)) ** rho;
      times.push(schedule.kind === 'edm' ? scaled : timeAtScaledSigma(schedule, scaled));
    }
  } else {
    const tMax = schedule.kind === 'vp-cosine' ? COSINE_CONTINUOUS_T_MAX : 1;
    for (let k = 0; k < steps; k++) times.push(tMax * (1 - k / steps));
  }
  times.push(cleanTime(schedule));
  return times;
}

/** {@link samplingTimes} as grid nodes. */
export function samplingGrid(schedule: Schedule, steps: number, spacing: Spacing = nativeSpacing(schedule)): ScheduleNode[] {
  return samplingTimes(schedule, steps, spacing).map((t) => scheduleNode(schedule, t));
}
