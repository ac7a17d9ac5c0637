import { z } from 'zod';
import { DenoiserOutputError, SamplingConfigError } from './errors.js';
import { batchNormals } from './noise.js';
import { PredictionType, toX0Eps, type Coefficients, type X0Eps } from './predictions.js';
import {
  Schedule,
  Spacing,
  TimeInput,
  checkTimeInput,
  nativeSpacing,
  samplingGrid,
  supportedSpacings,
  timeDerivatives,
  timeInputValue,
  type ScheduleInput,
  type ScheduleNode,
} from './schedules.js';

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
 */

export const Solver = z.enum(['ddim', 'euler', 'heun', 'dpmpp-2m']);
export type Solver = z.infer<typeof Solver>;

/** Solver parameters as they arrive from a suite or the CLI. */
export const SamplerParams = z
  .strictObject({
    solver: Solver,
    steps: z.number().int().min(1).max(10_000),
    /** Classifier-free guidance scale w; 1 = no guidance. */
    guidance: z.number().min(0).max(100).default(1),
    /** DDIM's η: 0 deterministic, 1 ancestral. Only for `ddim`. */
    eta: z.number().min(0).max(1).default(0),
    /** Overrides the solver's default step spacing. */
    spacing: Spacing.optional(),
  })
  .refine((p) => p.solver === 'ddim' || p.eta === 0, { message: 'eta applies to the ddim solver only', path: ['eta'] });
export type SamplerParams = z.infer<typeof SamplerParams>;
export type SamplerParamsInput = z.input<typeof SamplerParams>;

/**
 * The network call: x_t ([rows, ...shape] flat), the time input of each row, and each row's class label
 * (only for class-conditional models). Returns the raw prediction, same layout as x_t.
 */
export type Denoiser = (xt: Float32Array, timeInput: Float32Array, classes?: Int32Array) => Promise<Float32Array>;

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
  onStep?: (event: StepEvent) => void;
  signal?: AbortSignal;
}

/** What a batch was sampled with; stored with results. */
export interface SamplingRecord {
  solver: Solver;
  steps: number;
  guidance: number;
  eta: number;
  spacing: Spacing;
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

/** The spacing `solver` uses on `schedule` unless told otherwise. */
export function defaultSpacing(solver: Solver, schedule: Schedule): Spacing {
  if ((solver === 'euler' || solver === 'heun') && supportedSpacings(schedule).includes('karras')) return 'karras';
  return nativeSpacing(schedule);
}

/** Evaluations a solver makes for `steps` steps. */
export function expectedNfe(solver: Solver, steps: number): number {
  return solver === 'heun' ? 2 * steps - 1 : steps;
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new SamplingConfigError(`invalid ${what}: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** Guided network evaluation → (x̂0, ε̂), with NFE bookkeeping. */
class GuidedModel {
  nfe = 0;
  readonly cfg: boolean;
  private readonly cfgClasses?: Int32Array;

  constructor(
    private readonly schedule: Schedule,
    private readonly prediction: PredictionType,
    private readonly timeInput: TimeInput,
    private readonly rows: number,
    private readonly guidance: number,
    private readonly denoise: Denoiser,
    private readonly classes: Int32Array | undefined,
    nullClass: number | undefined,
  ) {
    this.cfg = guidance !== 1;
    if (this.cfg) {
      this.cfgClasses = new Int32Array(2 * rows);
      this.cfgClasses.set(classes!, 0);
      this.cfgClasses.fill(nullClass!, rows);
    }
  }

  coefficients(node: ScheduleNode): Coefficients {
    const c: Coefficients = { alpha: node.alpha, sigma: node.sigma };
    if (this.prediction === 'velocity') Object.assign(c, timeDerivatives(this.schedule, node.time));
    return c;
  }

  async evaluate(x: Float32Array, node: ScheduleNode): Promise<X0Eps> {
    const input = timeInputValue(this.schedule, node.time, this.timeInput);
    const width = x.length;
    let raw: Float32Array;
    if (this.cfg) {
      const doubled = new Float32Array(2 * width);
      doubled.set(x, 0);
      doubled.set(x, width);
      const out = await this.call(doubled, new Float32Array(2 * this.rows).fill(input), this.cfgClasses);
      raw = new Float32Array(width);
      const w = this.guidance;
      for (let i = 0; i < width; i++) {
        const cond = out[i]!;
        const uncond = out[width + i]!;
        raw[i] = uncond + w * (cond - uncond);
      }
    } else {
      raw = await this.call(x, new Float32Array(this.rows).fill(input), this.classes);
    }
    this.nfe++;
    return toX0Eps(x, raw, this.prediction, this.coefficients(node));
  }

  private async call(x: Float32Array, t: Float32Array, classes?: Int32Array): Promise<Float32Array> {
    const out = await this.denoise(x, t, classes);
    if (!(out instanceof Float32Array) || out.length !== x.length) {
      throw new DenoiserOutputError(
        `the network returned ${out instanceof Float32Array ? `${out.length} float32 values` : 'something other than a Float32Array'}, expected ${x.length}`,
      );
    }
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i]!)) {
        throw new DenoiserOutputError(`the network returned a non-finite value (${out[i]}) at time input ${t[0]}`);
      }
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

interface SolverContext {
  nodes: ScheduleNode[];
  model: GuidedModel;
  eta: number;
  frame: Frame;
  /** Standard normals of draw `draw`, one block per sample. */
  normals(draw: number): Float32Array;
  afterStep(step: number): void;
}

async function ddim(x: Float32Array, ctx: SolverContext): Promise<Float32Array> {
  const { nodes, model, eta } = ctx;
  for (let k = 0; k < nodes.length - 1; k++) {
    const t = nodes[k]!;
    const s = nodes[k + 1]!;
    const { x0, eps } = await model.evaluate(x, t);
    const next = new Float32Array(x.length);
    if (s.clean) {
      for (let i = 0; i < x.length; i++) next[i] = s.alpha * x0[i]!;
    } else {
      const c = eta > 0 ? eta * s.sigma * Math.sqrt(-Math.expm1(2 * (t.lambda - s.lambda))) : 0;
      const dir = Math.sqrt(Math.max(s.sigma * s.sigma - c * c, 0));
      const z = c > 0 ? ctx.normals(k + 1) : undefined;
      for (let i = 0; i < x.length; i++) next[i] = s.alpha * x0[i]! + dir * eps[i]! + (z ? c * z[i]! : 0);
    }
    x = next;
    ctx.afterStep(k);
  }
  return x;
}

function eulerPredict(
  x: Float32Array,
  pred: X0Eps,
  t: ScheduleNode,
  s: ScheduleNode,
  frame: Frame,
): { next: Float32Array; drift: Float32Array } {
  const [c0, c1] = frame.drift;
  const at = frame.scale(t);
  const as = frame.scale(s);
  const db = frame.clock(s) - frame.clock(t);
  const drift = new Float32Array(x.length);
  const next = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const d = c0 * pred.x0[i]! + c1 * pred.eps[i]!;
    drift[i] = d;
    next[i] = as * (x[i]! / at + db * d);
  }
  return { next, drift };
}

async function euler(x: Float32Array, ctx: SolverContext): Promise<Float32Array> {
  const { nodes, model, frame } = ctx;
  for (let k = 0; k < nodes.length - 1; k++) {
    const t = nodes[k]!;
    const s = nodes[k + 1]!;
    x = eulerPredict(x, await model.evaluate(x, t), t, s, frame).next;
    ctx.afterStep(k);
  }
  return x;
}

async function heun(x: Float32Array, ctx: SolverContext): Promise<Float32Array> {
  const { nodes, model, frame } = ctx;
  const [c0, c1] = frame.drift;
  for (let k = 0; k < nodes.length - 1; k++) {
    const t = nodes[k]!;
    const s = nodes[k + 1]!;
    const { next, drift } = eulerPredict(x, await model.evaluate(x, t), t, s, frame);
    if (s.clean) {
      x = next;
    } else {
      const corrected = await model.evaluate(next, s);
      const at = frame.scale(t);
      const as = frame.scale(s);
      const db = frame.clock(s) - frame.clock(t);
      const out = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) {
        const d2 = c0 * corrected.x0[i]! + c1 * corrected.eps[i]!;
        out[i] = as * (x[i]! / at + (db * (drift[i]! + d2)) / 2);
      }
      x = out;
    }
    ctx.afterStep(k);
  }
  return x;
}

async function dpmpp2m(x: Float32Array, ctx: SolverContext): Promise<Float32Array> {
  const { nodes, model } = ctx;
  let prevX0: Float32Array | undefined;
  let prevH = 0;
  for (let k = 0; k < nodes.length - 1; k++) {
    const t = nodes[k]!;
    const s = nodes[k + 1]!;
    const { x0 } = await model.evaluate(x, t);
    const next = new Float32Array(x.length);
    const h = s.lambda - t.lambda;
    if (s.clean) {
      for (let i = 0; i < x.length; i++) next[i] = s.alpha * x0[i]!;
    } else {
      const ratio = s.sigma / t.sigma;
      const phi = s.alpha * -Math.expm1(-h);
      if (prevX0) {
        // r = h_prev/h; h_prev = ∞ (a first step from α = 0) gives the first-order update.
        const half = prevH === Infinity ? 0 : h / (2 * prevH);
        for (let i = 0; i < x.length; i++) {
          const d = (1 + half) * x0[i]! - half * prevX0[i]!;
          next[i] = ratio * x[i]! + phi * d;
        }
      } else {
        for (let i = 0; i < x.length; i++) next[i] = ratio * x[i]! + phi * x0[i]!;
      }
    }
    prevX0 = x0;
    prevH = h;
    x = next;
    ctx.afterStep(k);
  }
  return x;
}

const SOLVERS: Record<Solver, (x: Float32Array, ctx: SolverContext) => Promise<Float32Array>> = {
  ddim,
  euler,
  heun,
  'dpmpp-2m': dpmpp2m,
};

/**
 * Draws samples `indices` with `solver` on the model described by (`schedule`, `prediction`, `timeInput`,
 * `nullClass`). Validates every parameter first (SamplingConfigError); a network output of the wrong size or
 * with non-finite values raises DenoiserOutputError.
 */
export async function sample(options: SampleOptions): Promise<SampleResult> {
  const params = parseOrThrow(
    SamplerParams,
    {
      solver: options.solver,
      steps: options.steps,
      guidance: options.guidance,
      eta: options.eta,
      spacing: options.spacing,
    },
    'sampler parameters',
  );
  const schedule = parseOrThrow(Schedule, options.schedule, 'schedule');
  const prediction = parseOrThrow(PredictionType, options.prediction, 'prediction type');
  const timeInput = parseOrThrow(TimeInput, options.timeInput, 'time input');
  checkTimeInput(schedule, timeInput);

  const { shape, indices, classes, nullClass, seed } = options;
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new SamplingConfigError(`shape must be a list of positive integers, got [${shape.join(', ')}]`);
  }
  const perSample = shape.reduce((a, b) => a * b, 1);
  const rows = indices.length;
  if (rows === 0) throw new SamplingConfigError('indices is empty');
  if (classes !== undefined && classes.length !== rows) {
    throw new SamplingConfigError(`classes has ${classes.length} labels for ${rows} samples`);
  }
  if (params.guidance !== 1) {
    if (classes === undefined)
      throw new SamplingConfigError('guidance ≠ 1 needs class labels (a class-conditional model)');
    if (nullClass === undefined) {
      throw new SamplingConfigError(
        'guidance ≠ 1 needs the model to declare a null class id for the unconditional prediction',
      );
    }
  }
  if (nullClass !== undefined && !(Number.isInteger(nullClass) && nullClass >= 0)) {
    throw new SamplingConfigError(`nullClass must be a non-negative integer, got ${nullClass}`);
  }

  const spacing = params.spacing ?? defaultSpacing(params.solver, schedule);
  const nodes = samplingGrid(schedule, params.steps, spacing);
  if (prediction === 'velocity' && timeDerivatives(schedule, nodes[0]!.time) === undefined) {
    throw new SamplingConfigError(
      `a velocity prediction needs a continuous-time schedule, not a discrete/'${schedule.kind}' one`,
    );
  }
  if (nodes[0]!.alpha === 0 && (prediction === 'eps' || prediction === 'score')) {
    throw new SamplingConfigError(
      `an '${prediction}' prediction carries no information about x0 where α = 0 (t = 1 of '${schedule.kind}'): declare x0, v or velocity`,
    );
  }

  const model = new GuidedModel(
    schedule,
    prediction,
    timeInput,
    rows,
    params.guidance,
    options.denoise,
    classes,
    nullClass,
  );
  const frame = frameFor(schedule);
  const steps = params.steps;
  const ctx: SolverContext = {
    nodes,
    model,
    eta: params.eta,
    frame,
    normals: (draw) => batchNormals(seed, indices, perSample, draw),
    afterStep: (k) => {
      options.signal?.throwIfAborted();
      options.onStep?.({ step: k + 1, steps, nfe: model.nfe, time: nodes[k + 1]!.time });
    },
  };

  options.signal?.throwIfAborted();
  const z = ctx.normals(0);
  const sigmaT = nodes[0]!.sigma;
  const x = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) x[i] = sigmaT * z[i]!;

  const images = await SOLVERS[params.solver](x, ctx);
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
      frame: params.solver === 'euler' || params.solver === 'heun' ? frame.name : null,
      times: nodes.map((n) => n.time),
      timeInputs: nodes.slice(0, -1).map((n) => timeInputValue(schedule, n.time, timeInput)),
      nfe: model.nfe,
      networkEvaluations,
      cfg: model.cfg,
    },
  };
}
