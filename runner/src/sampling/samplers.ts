import { admDdimStep, ancestralCoefficients, ancestralStep } from './ancestral.js';
import { DenoiserOutputError, SamplingConfigError } from '../../../contracts/sampling/errors.js';
import { type NoiseSource, inlineNoise } from './noise-pool.js';
import { readout, type Coefficients, type Readout } from './predictions.js';
import { PredictionType } from '../../../contracts/sampling/prediction-type.js';
import {
  Schedule,
  Spacing,
  TimeInput,
  timeDerivatives,
  timeInputValue,
  type ScheduleInput,
  type ScheduleNode,
} from '../../../contracts/sampling/schedules.js';
import { type SamplerParamsInput, Solver, type Variance, planSampling } from '../../../contracts/sampling/sampler-plan.js';

/*
 * Samplers over Float32Array batches laid out [N, ...shape] (for images [N, C, H, W]) around an abstract
 * network call. Every solver walks a grid of the schedule (schedules.ts `samplingTimes`) from x_T = σ_T·z,
 * z ~ N(0, I) (the α_T·x0 term neglected, as DDPM and EDM do), to the clean end; the last step (to σ = 0)
 * is always the first-order one: x = x̂0. Default spacing:
 *   ddim, dpmpp-2m: the schedule's own — `trailing` for discrete VP, `uniform` t for continuous VP and the
 *     linear interpolant, `karras` for EDM;
 *   euler, heun: `karras` (ρ = 7 in σ̃ = σ/α; EDM's ρ) wherever defined, i.e. everywhere but the linear
 *     interpolant, which runs uniform t from 1 to 0. (Heun on trailing VP steps is badly inaccurate: its first
 *     trapezoidal step spans σ̃ from ~150 — 2·10⁴ for the cosine schedule — down to a few units.) On a
 *     discrete VP schedule Karras steps fall between integer indices, so a network declared with `index`
 *     receives fractional indices, as with k-diffusion; pass `spacing: 'trailing'` to keep them integer.
 * `spacing` overrides the default.
 *
 *   ddim      Song et al. 2021, generalised to any (α, σ):
 *               x_s = α_s·x̂0 + sqrt(σ_s² − c²)·ε̂ + c·z,   c = η·σ_s·sqrt(1 − e^{2(λ_t − λ_s)})
 *             (for VP this is DDIM's σ_t(η); η = 1 is ancestral DDPM sampling on the chosen steps). NFE = steps.
 *   euler     explicit Euler on the probability-flow ODE. NFE = steps.
 *   heun      Karras et al. 2022 Algorithm 1 without churn: Euler predictor, trapezoidal corrector, Euler on
 *             the last step. NFE = 2·steps − 1.
 *   dpmpp-2m  DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2), data prediction, multistep in λ:
 *               x_s = (σ_s/σ_t)·x_t + α_s·(1 − e^{−h})·D,  h = λ_s − λ_t,
 *               D = (1 + 1/(2r))·x̂0_t − 1/(2r)·x̂0_prev,  r = h_prev/h  (D = x̂0_t on the first and last step).
 *             NFE = steps.
 *
 * Euler and Heun integrate the ODE in the schedule's natural frame:
 *   VP and EDM ("karras" frame): y = x/α against σ̃ = σ/α, dy/dσ̃ = ε̂ (Karras et al. eq. 4; for EDM, α = 1,
 *     this is their Algorithm 1 literally);
 *   linear interpolant ("flow" frame): x against t, dx/dt = ε̂ − x̂0 (the velocity), t from 1 to 0 — the usual
 *     flow-matching Euler / Heun.
 * (Euler coincides with DDIM η = 0 in both frames; the solvers still compute it their own way.)
 *
 * Classifier-free guidance (Ho & Salimans 2022), when guidance w ≠ 1: one network call on 2N rows — rows
 * 0…N−1 conditional (the given classes), rows N…2N−1 unconditional (`nullClass`) — combined as
 * p = p_u + w·(p_c − p_u) on the raw predictions. Every conversion in predictions.ts is affine in the
 * prediction at fixed x_t, so this equals ε̂ = ε_u + w·(ε_c − ε_u) (and guidance in x0 space). w = 1 makes
 * one N-row call: the plain conditional model.
 *
 * ADM's sampling (Dhariwal & Nichol 2021, guided-diffusion), on request:
 *   ddpm        the ancestral sampler of `p_sample` (ancestral.ts): posterior mean, variance fixed-small,
 *               fixed-large or the network's learned range (`variance`). NFE = steps; at least 2 steps.
 *   respacing   the grid is guided-diffusion's `space_timesteps` (contracts/sampling/respace.ts) instead of a spacing: the kept
 *               indices of a discrete VP schedule, largest first, then the clean end; `steps` must equal the
 *               number kept. Any solver walks it (ddim η = 0 on "ddim25" is ADM's 25-step DDIM).
 *   clip_denoised  x̂0 clipped to [−1, 1] (ADM's default; ddpm and ddim only).
 *   classifier_scale  classifier guidance with a second network returning ∇ₓ log p(y | x_t, t) at the
 *               denoiser's own time input: ddpm shifts the mean by s·Σ·∇ (`condition_mean`), ddim shifts ε̂ by
 *               −σ_t·s·∇ (`condition_score`). One classifier call on N rows per step.
 * A model with learned variances returns 2C channels per sample: the prediction, then v ∈ [−1, 1]; solvers
 * other than ddpm (and ddpm with a fixed variance) read the prediction and ignore v. With classifier-free
 * guidance v comes from the conditional rows.
 */

/**
 * The network call: x_t ([rows, ...shape] flat), the time input of each row, and each row's class label
 * (only for class-conditional models). Returns the raw prediction, same layout as x_t. The arrays passed
 * are the sampler's own buffers, overwritten once the call has resolved: copy whatever must outlive it. The
 * sampler reads the returned array before its next call, so a network may return the same buffer each time.
 */
export type Denoiser = (xt: Float32Array, timeInput: Float32Array, classes?: Int32Array) => Promise<Float32Array>;

/**
 * The classifier of classifier guidance: ∇ₓ log p(y | x_t, t) for each row's class y, same layout as x_t (the
 * scale is applied by the sampler). Same buffer rules as {@link Denoiser}.
 */
export type ClassifierGradient = (xt: Float32Array, timeInput: Float32Array, classes: Int32Array) => Promise<Float32Array>;

export interface StepEvent {
  /** Steps completed, 1…steps. */
  step: number;
  steps: number;
  /** Evaluations so far (per sample). */
  nfe: number;
  /** Native time reached. */
  time: number;
}

export interface SampleOptions extends SamplerParamsInput {
  schedule: ScheduleInput;
  prediction: PredictionType;
  timeInput: TimeInput;
  /** Shape of one sample, e.g. [C, H, W]. */
  shape: readonly number[];
  seed: number;
  /** Global index of each sample of this batch: its noise depends on (seed, index) only. */
  indices: ArrayLike<number>;
  /** Class label per sample, for class-conditional models. */
  classes?: Int32Array;
  /** The label the model was trained to read as "no class"; required for guidance ≠ 1. */
  nullClass?: number;
  denoise: Denoiser;
  /** The network returns 2C channels per sample: the prediction, then learned-range variance values. */
  learnedVariance?: boolean;
  /** The classifier for `classifier_scale`. */
  classifierGradient?: ClassifierGradient;
  /** Where the normals come from (noise-pool.ts); the values are the same whichever computes them. Default: inline. */
  noise?: NoiseSource;
  onStep?: (event: StepEvent) => void;
  signal?: AbortSignal;
}

/** What a batch was sampled with; stored with results. */
export interface SamplingRecord {
  solver: Solver;
  steps: number;
  guidance: number;
  eta: number;
  /** The spacing, or `respaced` for a grid given by `respacing`. */
  spacing: Spacing | 'respaced';
  respacing?: string;
  /** The ancestral solver's variance (ddpm only). */
  variance?: Variance;
  classifierScale?: number;
  clipDenoised?: boolean;
  frame: 'karras' | 'flow' | null;
  /** Native times visited, noisiest first, ending at the clean time (steps + 1 entries). */
  times: number[];
  /** Time input fed to the network at times[0 … steps−1]. */
  timeInputs: number[];
  /** Evaluations per sample (each one `denoise` call). */
  nfe: number;
  /** Network rows per sample: nfe, or 2·nfe with classifier-free guidance. */
  networkEvaluations: number;
  cfg: boolean;
}

export interface SampleResult {
  /** Samples in model space, [N, ...shape] flat. */
  images: Float32Array;
  nfe: number;
  networkEvaluations: number;
  record: SamplingRecord;
}

/** What one evaluation gives a solver: the (guided) raw prediction and how to read (x̂0, ε̂) from it. */
interface Evaluation {
  /** The raw prediction at x_t, [N, ...shape]; valid until the next evaluation. */
  p: Float32Array;
  /** x̂0 = x0x·x_t + x0p·p, ε̂ = epsx·x_t + epsp·p (predictions.ts). */
  r: Readout;
  /** The learned-range variance values at x_t (models with learned variances), [N, ...shape]. */
  v?: Float32Array;
  /** ∇ₓ log p(y | x_t, t) (classifier guidance), [N, ...shape]. */
  g?: Float32Array;
}

/** What the model wrapper needs beyond the plan. */
interface ModelOptions {
  rows: number;
  width: number;
  guidance: number;
  denoise: Denoiser;
  classes: Int32Array | undefined;
  nullClass: number | undefined;
  learnedVariance: boolean;
  classifier: ClassifierGradient | undefined;
}

/** Guided network evaluation → raw prediction and its readout, with NFE bookkeeping. */
class GuidedModel {
  nfe = 0;
  classifierEvaluations = 0;
  readonly cfg: boolean;
  private readonly cfgClasses?: Int32Array;
  // Reused by every call: the time input, and with guidance the 2N-row input and the combined prediction.
  private readonly times: Float32Array;
  private readonly doubled?: Float32Array;
  private readonly guided?: Float32Array;
  // With learned variances: the prediction and variance halves of the network's 2C-channel output.
  private readonly split?: { p: Float32Array; v: Float32Array };
  private readonly classifierTimes?: Float32Array;
  private readonly guidance: number;
  private readonly denoise: Denoiser;
  private readonly classes: Int32Array | undefined;
  private readonly learnedVariance: boolean;
  private readonly classifier: ClassifierGradient | undefined;
  private readonly width: number;
  private readonly perSample: number;

  constructor(
    private readonly schedule: Schedule,
    private readonly prediction: PredictionType,
    private readonly timeInput: TimeInput,
    o: ModelOptions,
  ) {
    ({ guidance: this.guidance, denoise: this.denoise, classes: this.classes, width: this.width } = o);
    this.learnedVariance = o.learnedVariance;
    this.classifier = o.classifier;
    this.perSample = o.width / o.rows;
    this.cfg = this.guidance !== 1;
    this.times = new Float32Array(this.cfg ? 2 * o.rows : o.rows);
    if (this.cfg) {
      this.cfgClasses = new Int32Array(2 * o.rows);
      this.cfgClasses.set(o.classes!, 0);
      this.cfgClasses.fill(o.nullClass!, o.rows);
      this.doubled = new Float32Array(2 * o.width);
      this.guided = new Float32Array(o.width);
    }
    if (this.learnedVariance) this.split = { p: new Float32Array(o.width), v: new Float32Array(o.width) };
    if (this.classifier) this.classifierTimes = new Float32Array(o.rows);
  }

  private coefficients(node: ScheduleNode): Coefficients {
    const c: Coefficients = { alpha: node.alpha, sigma: node.sigma };
    if (this.prediction === 'velocity') Object.assign(c, timeDerivatives(this.schedule, node.time));
    return c;
  }

  /**
   * Evaluates the network at (x, node), and the classifier when `withGradient`. The solver's update loop
   * reads the result and checks it is finite.
   */
  async evaluate(x: Float32Array, node: ScheduleNode, withGradient = false): Promise<Evaluation> {
    const r = readout(this.prediction, this.coefficients(node));
    const input = timeInputValue(this.schedule, node.time, this.timeInput);
    const width = x.length;
    this.times.fill(input);
    let p: Float32Array;
    let v: Float32Array | undefined;
    if (this.cfg) {
      const doubled = this.doubled!;
      doubled.set(x, 0);
      doubled.set(x, width);
      const out = await this.call(doubled);
      if (this.split) {
        // Rows [cond; uncond] of 2C channels each: guidance on the predictions, v from the conditional rows.
        const both = this.splitOutput(out, 2);
        combineGuidance(both.p, this.guidance, this.guided!);
        this.split.v.set(both.v.subarray(0, width));
        p = this.guided!;
        v = this.split.v;
      } else {
        p = combineGuidance(out, this.guidance, this.guided!);
      }
    } else {
      const out = await this.call(x);
      if (this.split) ({ p, v } = this.splitOutput(out, 1));
      else p = out;
    }
    this.nfe++;
    let g: Float32Array | undefined;
    if (withGradient) {
      this.classifierTimes!.fill(input);
      const out = await this.classifier!(x, this.classifierTimes!, this.classes!);
      if (!(out instanceof Float32Array) || out.length !== width) {
        throw new DenoiserOutputError(
          `the classifier returned ${out instanceof Float32Array ? `${out.length} float32 values` : 'something other than a Float32Array'}, expected ${width}`,
        );
      }
      this.classifierEvaluations++;
      g = out;
    }
    return { p, r, v, g };
  }

  /** [rows·copies, 2, ...shape] → prediction and variance halves, each [rows·copies, ...shape]. */
  private splitOutput(out: Float32Array, copies: number): { p: Float32Array; v: Float32Array } {
    const half = out.length / 2;
    const p = copies === 1 ? this.split!.p : new Float32Array(half);
    const v = copies === 1 ? this.split!.v : new Float32Array(half);
    const perSample = this.perSample;
    for (let o = 0, i = 0; i < half; i += perSample, o += 2 * perSample) {
      p.set(out.subarray(o, o + perSample), i);
      v.set(out.subarray(o + perSample, o + 2 * perSample), i);
    }
    return { p, v };
  }

  /**
   * Called by a solver whose update loop met a non-finite prediction (the loops sum p·0, which stays 0 only
   * while every value is finite): raises DenoiserOutputError naming the value.
   */
  refuse(e: Evaluation): never {
    for (const [what, values] of [
      ['network', e.p],
      ['network', e.v],
      ['classifier', e.g],
    ] as const) {
      const bad = values?.find((x) => !Number.isFinite(x));
      if (bad !== undefined) {
        throw new DenoiserOutputError(`the ${what} returned a non-finite value (${bad}) at time input ${this.times[0]}`);
      }
    }
    throw new DenoiserOutputError(`the network returned a non-finite value at time input ${this.times[0]}`);
  }

  private async call(x: Float32Array): Promise<Float32Array> {
    const out = await this.denoise(x, this.times, this.cfg ? this.cfgClasses : this.classes);
    const expected = this.learnedVariance ? 2 * x.length : x.length;
    if (!(out instanceof Float32Array) || out.length !== expected) {
      throw new DenoiserOutputError(
        `the network returned ${out instanceof Float32Array ? `${out.length} float32 values` : 'something other than a Float32Array'}, expected ${expected}`,
      );
    }
    return out;
  }
}

interface Frame {
  name: 'karras' | 'flow';
  /** y = x / scale(node) */
  scale(node: ScheduleNode): number;
  /** The ODE's clock b(node). */
  clock(node: ScheduleNode): number;
  /** dy/db = c0·x̂0 + c1·ε̂ */
  drift: [number, number];
}

const KARRAS_FRAME: Frame = {
  name: 'karras',
  scale: (n) => n.alpha,
  clock: (n) => n.sigma / n.alpha,
  drift: [0, 1],
};
const FLOW_FRAME: Frame = {
  name: 'flow',
  scale: () => 1,
  clock: (n) => n.time,
  drift: [-1, 1],
};

function frameFor(schedule: Schedule): Frame {
  return schedule.kind === 'linear-interpolant' ? FLOW_FRAME : KARRAS_FRAME;
}

/*
 * Buffers and update loops. A `sample()` call allocates its [N, ...shape] float32 buffers once (x, and what a
 * solver keeps between evaluations: Heun's drift, DPM-Solver++'s previous x̂0, DDIM's noise) and every step
 * overwrites them: at batch 64 of 3×32×32 each is 786 KB, and a fresh set per step cost more than the
 * solver arithmetic itself. Each step is one loop over the elements that reads x_t and the network's output
 * once: it forms x̂0 and ε̂ through the prediction's readout (predictions.ts), checks the output is finite
 * (a running sum of p·0 stays 0 exactly while every value is finite) and writes the update, in place. x̂0
 * and ε̂ stay float64 within the loop; what is kept across evaluations is stored as float32.
 * samplers-reference.spec.ts checks every solver bit for bit against a straightforward fresh-array version.
 *
 * The loops are plain synchronous functions of typed arrays and numbers, called every step: V8 optimizes
 * them once and keeps them optimized. Written inline in the async solvers they were deoptimized again at
 * every `sample()` call (whose callbacks are new functions) and ran in slower tiers meanwhile.
 */

/** What a solver works with during one `sample()` call. */
class SolverRun {
  private readonly extra: Float32Array[] = [];
  private noiseBuffer?: Float32Array;
  /** The draw being filled into the noise buffer, if any (at most one: they share the buffer). */
  private inFlight?: { draw: number; done: Promise<Float32Array> };

  constructor(
    readonly nodes: ScheduleNode[],
    readonly model: GuidedModel,
    readonly eta: number,
    readonly adm: AdmOptions,
    readonly frame: Frame,
    private readonly width: number,
    private readonly noiseKey: { seed: number; indices: ArrayLike<number>; perSample: number },
    private readonly noise: NoiseSource,
    private readonly progress: Pick<SampleOptions, 'onStep' | 'signal'>,
  ) {}

  /** Extra buffers of this call, one per `slot` (0, 1, …), same size as x; allocated on first use. */
  scratch(slot: number): Float32Array {
    return (this.extra[slot] ??= new Float32Array(this.width));
  }

  /**
   * Starts filling the noise buffer with draw `draw` (after any fill in flight), so that it is ready when the
   * solver asks for it: a solver calls this before the network call that precedes the draw's use.
   */
  prefetch(draw: number): void {
    if (this.inFlight?.draw === draw) return;
    const { seed, indices, perSample } = this.noiseKey;
    const buffer = (this.noiseBuffer ??= this.noise.allocate(this.width));
    // Started now (inline noise is computed right here, before the network call), or after the fill in flight.
    const fill = () => this.noise.fill(buffer, seed, indices, perSample, draw);
    const done = this.inFlight ? this.inFlight.done.then(fill) : fill();
    // Awaited by normals(); a run that ends early (an error, an abort) must not leave a rejection unhandled.
    done.catch(() => undefined);
    this.inFlight = { draw, done };
  }

  /** Standard normals of draw `draw`, one block per sample, in a buffer every draw reuses: read it before the next. */
  async normals(draw: number): Promise<Float32Array> {
    this.prefetch(draw);
    const z = await this.inFlight!.done;
    this.inFlight = undefined;
    return z;
  }

  afterStep(k: number): void {
    this.progress.signal?.throwIfAborted();
    const steps = this.nodes.length - 1;
    this.progress.onStep?.({ step: k + 1, steps, nfe: this.model.nfe, time: this.nodes[k + 1]!.time });
  }
}

/** out[i] = a·x0[i] (the initial x_T = σ_T·z). */
function scaleInto(out: Float32Array, a: number, x0: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a * x0[i]!;
}

/** The last step of DDIM and DPM-Solver++, to the clean end, in place: x = a·x̂0. False if p was not finite. */
function cleanStep(x: Float32Array, { p, r }: Evaluation, a: number): boolean {
  const { x0x, x0p } = r;
  let check = 0;
  for (let i = 0; i < x.length; i++) {
    const pi = p[i]!;
    check += pi * 0;
    x[i] = a * (x0x * x[i]! + x0p * pi);
  }
  return check === 0;
}

/** DDIM update in place: x = a·x̂0 + dir·ε̂ (+ c·z when z is given). False if p was not finite. */
function ddimStep(x: Float32Array, { p, r }: Evaluation, a: number, dir: number, c: number, z: Float32Array | undefined): boolean {
  const { x0x, x0p, epsx, epsp } = r;
  const n = x.length;
  let check = 0;
  if (z) {
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const pi = p[i]!;
      check += pi * 0;
      x[i] = a * (x0x * xi + x0p * pi) + dir * (epsx * xi + epsp * pi) + c * z[i]!;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const pi = p[i]!;
      check += pi * 0;
      x[i] = a * (x0x * xi + x0p * pi) + dir * (epsx * xi + epsp * pi);
    }
  }
  return check === 0;
}

/**
 * Euler step in frame coordinates: next = as·(x/at + db·d), drift d = c0·x̂0 + c1·ε̂; `next` may be x. The
 * drift is also stored in `drift` (float32) when given. False if p was not finite.
 */
function eulerStep(
  next: Float32Array,
  x: Float32Array,
  { p, r }: Evaluation,
  [c0, c1]: readonly [number, number],
  at: number,
  as: number,
  db: number,
  drift: Float32Array | undefined,
): boolean {
  const { x0x, x0p, epsx, epsp } = r;
  const n = x.length;
  let check = 0;
  if (drift) {
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const pi = p[i]!;
      check += pi * 0;
      const d = c0 * (x0x * xi + x0p * pi) + c1 * (epsx * xi + epsp * pi);
      drift[i] = d;
      next[i] = as * (xi / at + db * d);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const pi = p[i]!;
      check += pi * 0;
      next[i] = as * (xi / at + db * (c0 * (x0x * xi + x0p * pi) + c1 * (epsx * xi + epsp * pi)));
    }
  }
  return check === 0;
}

/**
 * Heun's trapezoidal corrector in place: x = as·(x/at + db·(drift + d2)/2), d2 the drift read from the
 * corrector's evaluation at `next`. False if p was not finite.
 */
function heunCorrect(
  x: Float32Array,
  next: Float32Array,
  { p, r }: Evaluation,
  drift: Float32Array,
  [c0, c1]: readonly [number, number],
  at: number,
  as: number,
  db: number,
): boolean {
  const { x0x, x0p, epsx, epsp } = r;
  let check = 0;
  for (let i = 0; i < x.length; i++) {
    const yi = next[i]!;
    const pi = p[i]!;
    check += pi * 0;
    const d2 = c0 * (x0x * yi + x0p * pi) + c1 * (epsx * yi + epsp * pi);
    x[i] = as * (x[i]! / at + (db * (drift[i]! + d2)) / 2);
  }
  return check === 0;
}

/**
 * DPM-Solver++(2M) update in place: x = ratio·x + phi·D, D = (1 + half)·x̂0 − half·x̂0_prev, or x̂0 alone on
 * the first step; then stores x̂0 in `prevX0` (float32) for the next one. False if p was not finite.
 */
function dpmppStep(
  x: Float32Array,
  { p, r }: Evaluation,
  ratio: number,
  phi: number,
  half: number,
  prevX0: Float32Array,
  first: boolean,
): boolean {
  const { x0x, x0p } = r;
  const n = x.length;
  let check = 0;
  if (first) {
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const pi = p[i]!;
      check += pi * 0;
      const x0 = x0x * xi + x0p * pi;
      prevX0[i] = x0;
      x[i] = ratio * xi + phi * x0;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const pi = p[i]!;
      check += pi * 0;
      const x0 = x0x * xi + x0p * pi;
      const d = (1 + half) * x0 - half * prevX0[i]!;
      prevX0[i] = x0;
      x[i] = ratio * xi + phi * d;
    }
  }
  return check === 0;
}

/** Classifier-free guidance on the raw predictions: out = p_u + w·(p_c − p_u), rows [cond; uncond] of `both`. */
function combineGuidance(both: Float32Array, w: number, out: Float32Array): Float32Array {
  const width = out.length;
  for (let i = 0; i < width; i++) {
    const cond = both[i]!;
    const uncond = both[width + i]!;
    out[i] = uncond + w * (cond - uncond);
  }
  return out;
}

async function ddim(x: Float32Array, run: SolverRun): Promise<Float32Array> {
  const { nodes, model, eta } = run;
  for (let k = 0; k < nodes.length - 1; k++) {
    const t = nodes[k]!;
    const s = nodes[k + 1]!;
    const c = eta > 0 && !s.clean ? eta * s.sigma * Math.sqrt(-Math.expm1(2 * (t.lambda - s.lambda))) : 0;
    // This step's fresh noise is drawn while the network runs (noise-pool.ts).
    if (c > 0) run.prefetch(k + 1);
    const { clip, scale } = run.adm;
    const guided = scale !== undefined;
    const e = await model.evaluate(x, t, guided);
    let finite: boolean;
    const dir = s.clean ? 0 : Math.sqrt(Math.max(s.sigma * s.sigma - c * c, 0));
    if (clip || guided) {
      // ADM's ddim_sample: x̂0 clipped, ε re-derived, classifier guidance on ε (ancestral.ts).
      const z = c > 0 ? await run.normals(k + 1) : undefined;
      finite = admDdimStep(x, e.p, e.r, t, { a: s.alpha, dir, c }, clip, e.g, scale ?? 0, z);
    } else if (s.clean) {
      finite = cleanStep(x, e, s.alpha);
    } else {
      finite = ddimStep(x, e, s.alpha, dir, c, c > 0 ? await run.normals(k + 1) : undefined);
    }
    if (!finite) model.refuse(e);
    run.afterStep(k);
  }
  return x;
}

/** ADM's ancestral sampler (`p_sample`, ancestral.ts), with classifier guidance on the mean. */
async function ddpm(x: Float32Array, run: SolverRun): Promise<Float32Array> {
  const { nodes, model } = run;
  const { clip, scale, variance } = run.adm;
  for (let k = 0; k < nodes.length - 1; k++) {
    const s = nodes[k + 1]!;
    if (!s.clean) run.prefetch(k + 1);
    const e = await model.evaluate(x, nodes[k]!, scale !== undefined);
    const finite = ancestralStep(x, e.p, e.r, {
      coefficients: ancestralCoefficients(nodes, k),
      variance: variance!,
      v: e.v,
      gradient: e.g,
      scale: scale ?? 0,
      clip,
      z: s.clean ? undefined : await run.normals(k + 1),
    });
    if (!finite) model.refuse(e);
    run.afterStep(k);
  }
  return x;
}

async function euler(x: Float32Array, run: SolverRun): Promise<Float32Array> {
  const { nodes, model, frame } = run;
  for (let k = 0; k < nodes.length - 1; k++) {
    const t = nodes[k]!;
    const s = nodes[k + 1]!;
    const e = await model.evaluate(x, t);
    if (!eulerStep(x, x, e, frame.drift, frame.scale(t), frame.scale(s), frame.clock(s) - frame.clock(t), undefined)) model.refuse(e);
    run.afterStep(k);
  }
  return x;
}

async function heun(x: Float32Array, run: SolverRun): Promise<Float32Array> {
  const { nodes, model, frame } = run;
  const next = run.scratch(0);
  // The predictor's drift is kept as float32 for the corrector.
  const drift = run.scratch(1);
  for (let k = 0; k < nodes.length - 1; k++) {
    const t = nodes[k]!;
    const s = nodes[k + 1]!;
    const at = frame.scale(t);
    const as = frame.scale(s);
    const db = frame.clock(s) - frame.clock(t);
    const e = await model.evaluate(x, t);
    if (s.clean) {
      if (!eulerStep(x, x, e, frame.drift, at, as, db, undefined)) model.refuse(e);
    } else {
      if (!eulerStep(next, x, e, frame.drift, at, as, db, drift)) model.refuse(e);
      const e2 = await model.evaluate(next, s);
      if (!heunCorrect(x, next, e2, drift, frame.drift, at, as, db)) model.refuse(e2);
    }
    run.afterStep(k);
  }
  return x;
}

async function dpmpp2m(x: Float32Array, run: SolverRun): Promise<Float32Array> {
  const { nodes, model } = run;
  // x̂0 of the previous step, float32.
  const prevX0 = run.scratch(0);
  let first = true;
  let prevH = 0;
  for (let k = 0; k < nodes.length - 1; k++) {
    const t = nodes[k]!;
    const s = nodes[k + 1]!;
    const e = await model.evaluate(x, t);
    const h = s.lambda - t.lambda;
    let finite: boolean;
    if (s.clean) {
      finite = cleanStep(x, e, s.alpha);
    } else {
      // r = h_prev/h; h_prev = ∞ (a first step from α = 0) gives the first-order update.
      const half = first || prevH === Infinity ? 0 : h / (2 * prevH);
      finite = dpmppStep(x, e, s.sigma / t.sigma, s.alpha * -Math.expm1(-h), half, prevX0, first);
    }
    if (!finite) model.refuse(e);
    first = false;
    prevH = h;
    run.afterStep(k);
  }
  return x;
}

const SOLVERS: Record<Solver, (x: Float32Array, run: SolverRun) => Promise<Float32Array>> = {
  ddim,
  euler,
  heun,
  'dpmpp-2m': dpmpp2m,
  ddpm,
};

/** ADM's settings as a solver run reads them. */
interface AdmOptions {
  clip: boolean;
  /** Classifier guidance scale; undefined without classifier guidance. */
  scale?: number;
  /** The ancestral solver's variance (ddpm). */
  variance?: Variance;
}

/**
 * Draws samples `indices` with `solver` on the model described by (`schedule`, `prediction`, `timeInput`,
 * `nullClass`). Validates every parameter first (SamplingConfigError, see {@link planSampling}); a network
 * output of the wrong size or with non-finite values raises DenoiserOutputError.
 */
export async function sample(options: SampleOptions): Promise<SampleResult> {
  const { shape, indices, classes, nullClass, seed } = options;
  const { params, schedule, prediction, timeInput, spacing, nodes, variance } = planSampling(options, {
    schedule: options.schedule,
    prediction: options.prediction,
    timeInput: options.timeInput,
    conditional: classes !== undefined,
    nullClass,
    learnedVariance: options.learnedVariance,
    classifier: options.classifierGradient !== undefined,
  });
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new SamplingConfigError(`shape must be a list of positive integers, got [${shape.join(', ')}]`);
  }
  const perSample = shape.reduce((a, b) => a * b, 1);
  const rows = indices.length;
  if (rows === 0) throw new SamplingConfigError('indices is empty');
  if (classes !== undefined && classes.length !== rows) {
    throw new SamplingConfigError(`classes has ${classes.length} labels for ${rows} samples`);
  }

  const perBatch = rows * perSample;
  const model = new GuidedModel(schedule, prediction, timeInput, {
    rows,
    width: perBatch,
    guidance: params.guidance,
    denoise: options.denoise,
    classes,
    nullClass,
    learnedVariance: options.learnedVariance ?? false,
    classifier: params.classifier_scale !== undefined ? options.classifierGradient : undefined,
  });
  const frame = frameFor(schedule);
  const steps = params.steps;
  const noise = options.noise ?? inlineNoise;
  const adm: AdmOptions = { clip: params.clip_denoised ?? false, scale: params.classifier_scale, variance };
  const run = new SolverRun(nodes, model, params.eta, adm, frame, perBatch, { seed, indices, perSample }, noise, options);

  options.signal?.throwIfAborted();
  // x_T = σ_T·z, from the draw-0 normals.
  const x = new Float32Array(perBatch);
  scaleInto(x, nodes[0]!.sigma, await run.normals(0));

  const images = await SOLVERS[params.solver](x, run);
  const networkEvaluations = model.cfg ? 2 * model.nfe : model.nfe;
  return {
    images,
    nfe: model.nfe,
    networkEvaluations,
    record: {
      solver: params.solver,
      steps,
      guidance: params.guidance,
      eta: params.eta,
      spacing,
      ...(params.respacing !== undefined ? { respacing: params.respacing } : {}),
      ...(variance !== undefined ? { variance } : {}),
      ...(params.classifier_scale !== undefined ? { classifierScale: params.classifier_scale } : {}),
      ...(params.clip_denoised !== undefined ? { clipDenoised: params.clip_denoised } : {}),
      frame: params.solver === 'euler' || params.solver === 'heun' ? frame.name : null,
      times: nodes.map((n) => n.time),
      timeInputs: nodes.slice(0, -1).map((n) => timeInputValue(schedule, n.time, timeInput)),
      nfe: model.nfe,
      networkEvaluations,
      cfg: model.cfg,
    },
  };
}
