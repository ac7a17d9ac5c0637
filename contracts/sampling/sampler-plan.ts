import { z } from 'zod';
import { SamplingConfigError } from './errors.js';
import { PredictionType } from './prediction-type.js';
import { Respacing, spaceTimesteps } from './respace.js';
import {
  Schedule,
  Spacing,
  TimeInput,
  checkTimeInput,
  cleanTime,
  nativeSpacing,
  samplingGrid,
  scheduleNode,
  supportedSpacings,
  timeDerivatives,
  type ScheduleInput,
  type ScheduleNode,
} from './schedules.js';

/*
 * The sampler plan: which solver, how many steps, which guidance and variance, and the grid of the schedule it
 * walks, judged from declarations alone (a suite's sampler and a denoiser's manifest). The API decides with it
 * which suites a denoiser is queued on; the solvers themselves (runner/src/sampling/samplers.ts, ancestral.ts)
 * run it.
 */

/** The ancestral solver's variance (runner/src/sampling/ancestral.ts): the network's learned range, or fixed. */
export const Variance = z.enum(['learned-range', 'fixed-small', 'fixed-large']);
export type Variance = z.infer<typeof Variance>;

export const Solver = z.enum(['ddim', 'euler', 'heun', 'dpmpp-2m', 'ddpm']);
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
    /** guided-diffusion's timestep respacing ("250", "10,15,20", "ddim25"), instead of a spacing. */
    respacing: Respacing.optional(),
    /** The ancestral sampler's variance; default: learned-range where the model declares it, else fixed-small. */
    variance: Variance.optional(),
    /** Classifier guidance scale s (ADM's `classifier_scale`); needs the model's classifier. */
    classifier_scale: z.number().min(0).max(1000).optional(),
    /** Clip x̂0 to [−1, 1] (ADM's `clip_denoised`). */
    clip_denoised: z.boolean().optional(),
  })
  .refine((p) => p.solver === 'ddim' || p.eta === 0, { message: 'eta applies to the ddim solver only', path: ['eta'] })
  .refine((p) => p.solver === 'ddpm' || p.variance === undefined, {
    message: 'variance applies to the ddpm solver only',
    path: ['variance'],
  })
  .refine((p) => p.solver === 'ddpm' || p.solver === 'ddim' || (p.classifier_scale === undefined && p.clip_denoised === undefined), {
    message: 'classifier_scale and clip_denoised apply to the ddpm and ddim solvers only',
    path: ['solver'],
  })
  .refine((p) => p.spacing === undefined || p.respacing === undefined, {
    message: 'give either spacing or respacing, not both',
    path: ['respacing'],
  })
  .refine((p) => p.solver !== 'ddpm' || p.steps >= 2, { message: 'the ddpm solver takes at least 2 steps', path: ['steps'] });
export type SamplerParams = z.infer<typeof SamplerParams>;
export type SamplerParamsInput = z.input<typeof SamplerParams>;

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

/** What a sampler needs to know about a model, before any sample is drawn. */
export interface SamplerModel {
  schedule: ScheduleInput;
  prediction: PredictionType;
  timeInput: TimeInput;
  /** Whether the model takes class labels. */
  conditional: boolean;
  /** The label the model reads as "no class", if it declares one. */
  nullClass?: number;
  /** The model outputs learned-range variances (2C channels). */
  learnedVariance?: boolean;
  /** The model comes with a classifier for classifier guidance. */
  classifier?: boolean;
}

/** A validated sampler on a model: its parameters and the grid it walks. */
export interface SamplingPlan {
  params: SamplerParams;
  schedule: Schedule;
  prediction: PredictionType;
  timeInput: TimeInput;
  spacing: Spacing | 'respaced';
  nodes: ScheduleNode[];
  /** The ancestral solver's variance, resolved (ddpm only). */
  variance?: Variance;
}

/**
 * Checks that `sampler` can drive `model` and returns the plan it would follow; SamplingConfigError says why
 * not. Depends on the declarations alone (no network call), so the API uses it to decide which suites a
 * submission is queued on, and `sample()` runs it first.
 */
export function planSampling(sampler: SamplerParamsInput, model: SamplerModel): SamplingPlan {
  const params = parseOrThrow(
    SamplerParams,
    {
      solver: sampler.solver,
      steps: sampler.steps,
      guidance: sampler.guidance,
      eta: sampler.eta,
      spacing: sampler.spacing,
      respacing: sampler.respacing,
      variance: sampler.variance,
      classifier_scale: sampler.classifier_scale,
      clip_denoised: sampler.clip_denoised,
    },
    'sampler parameters',
  );
  const schedule = parseOrThrow(Schedule, model.schedule, 'schedule');
  const prediction = parseOrThrow(PredictionType, model.prediction, 'prediction type');
  const timeInput = parseOrThrow(TimeInput, model.timeInput, 'time input');
  checkTimeInput(schedule, timeInput);
  const { nullClass } = model;
  if (params.guidance !== 1) {
    if (!model.conditional) {
      throw new SamplingConfigError(
        `classifier-free guidance (scale ${params.guidance}) needs a class-conditional model that declares null_class`,
      );
    }
    if (nullClass === undefined) {
      throw new SamplingConfigError(
        `classifier-free guidance (scale ${params.guidance}) needs the model to declare null_class, the label it reads as "no class"`,
      );
    }
  }
  if (nullClass !== undefined && !(Number.isInteger(nullClass) && nullClass >= 0)) {
    throw new SamplingConfigError(`nullClass must be a non-negative integer, got ${nullClass}`);
  }
  let spacing: Spacing | 'respaced';
  let nodes: ScheduleNode[];
  if (params.respacing !== undefined) {
    if (!((schedule.kind === 'vp-linear' || schedule.kind === 'vp-cosine') && !schedule.continuous)) {
      throw new SamplingConfigError(`respacing "${params.respacing}" needs a discrete VP schedule, not a '${schedule.kind}' one`);
    }
    const kept = spaceTimesteps(schedule.steps, params.respacing);
    if (kept.length !== params.steps) {
      throw new SamplingConfigError(
        `respacing "${params.respacing}" keeps ${kept.length} of the schedule's ${schedule.steps} steps, but steps is ${params.steps}`,
      );
    }
    spacing = 'respaced';
    nodes = [...kept.reverse(), cleanTime(schedule)].map((n) => scheduleNode(schedule, n));
  } else {
    spacing = params.spacing ?? defaultSpacing(params.solver, schedule);
    nodes = samplingGrid(schedule, params.steps, spacing);
  }
  let variance: Variance | undefined;
  if (params.solver === 'ddpm') {
    if (schedule.kind !== 'vp-linear' && schedule.kind !== 'vp-cosine') {
      throw new SamplingConfigError(`the ddpm solver needs a VP schedule, not a '${schedule.kind}' one`);
    }
    variance = params.variance ?? (model.learnedVariance ? 'learned-range' : 'fixed-small');
    if (variance === 'learned-range' && !model.learnedVariance) {
      throw new SamplingConfigError('variance "learned-range" needs a model that outputs learned variances (manifest "variance")');
    }
  }
  if (params.classifier_scale !== undefined) {
    if (!model.classifier) {
      throw new SamplingConfigError(
        `classifier guidance (scale ${params.classifier_scale}) needs the model's classifier (manifest "classifier" and its ONNX file)`,
      );
    }
    if (!model.conditional) throw new SamplingConfigError('classifier guidance needs class labels: a class-conditional model');
  }
  if (prediction === 'velocity' && timeDerivatives(schedule, nodes[0]!.time) === undefined) {
    throw new SamplingConfigError(`a velocity prediction needs a continuous-time schedule, not a discrete/'${schedule.kind}' one`);
  }
  if (nodes[0]!.alpha === 0 && (prediction === 'eps' || prediction === 'score')) {
    throw new SamplingConfigError(
      `an '${prediction}' prediction carries no information about x0 where α = 0 (t = 1 of '${schedule.kind}'): declare x0, v or velocity`,
    );
  }
  return { params, schedule, prediction, timeInput, spacing, nodes, variance };
}
