import { z } from 'zod';
import { PredictionType } from '../sampling/prediction-type.js';
import { Schedule, TimeInput, supportedTimeInputs, type Schedule as ScheduleT } from '../sampling/schedules.js';
import { ClassCount, Description, ModelName, OutputRange, Resolution, TensorName } from './manifest-fields.js';
import { TextEncoderSpec, textConditioningIssues } from './text-conditioning.schemas.js';
import { IMAGE_CONDITIONED_TASKS } from '../enums.js';

/**
 * `denoiser`: a diffusion or flow network the harness samples with its own solvers (runner/src/sampling).
 * The network maps (x_t, time input[, class]) to a prediction of `prediction` type, for the forward process
 * `schedule` (README.md, "The manifest" and "Samplers"). With `latent`, x_t lives in a latent space and a
 * second ONNX graph, the decoder, turns latents / scale_factor into images.
 */
const Dimension = z.number().int().min(1).max(4096);

export const LatentSpec = z.strictObject({
  /**
   * One latent [C, h, w] (the denoiser's x is [N, C, h, w]); for a video denoiser (manifest `frames`)
   * [C, t, h, w], t latent frames (a video VAE may compress time), decoded to `frames` frames.
   */
  shape: z.union([z.tuple([Dimension, Dimension, Dimension]), z.tuple([Dimension, Dimension, Dimension, Dimension])]),
  /** Latents are divided by this before decoding (Stable Diffusion's VAE: 0.18215). */
  scale_factor: z.number().positive().finite(),
  decoder: z.strictObject({
    inputs: z.strictObject({ latent: TensorName }),
    outputs: z.strictObject({ images: TensorName }),
  }),
});
export type LatentSpec = z.infer<typeof LatentSpec>;

/**
 * The classifier of classifier guidance (ADM-G; Dhariwal & Nichol 2021): a second ONNX graph, sent as the
 * multipart field "classifier", mapping (x_t, time input, class) to ∇ₓ log p(y | x_t, t), shaped like x_t. It
 * reads the denoiser's own time input convention, and the denoiser's class labels (README.md, "Classifier
 * guidance", has an export recipe).
 */
export const ClassifierSpec = z.strictObject({
  inputs: z.strictObject({ x: TensorName, t: TensorName, class: TensorName }),
  outputs: z.strictObject({ gradient: TensorName }),
});
export type ClassifierSpec = z.infer<typeof ClassifierSpec>;

/** Whether dα/dt and dσ/dt exist, which a `velocity` prediction needs. */
export function hasContinuousTime(schedule: ScheduleT): boolean {
  return (
    schedule.kind === 'linear-interpolant' || ((schedule.kind === 'vp-linear' || schedule.kind === 'vp-cosine') && schedule.continuous)
  );
}

export const DenoiserManifest = z
  .strictObject({
    name: ModelName,
    kind: z.literal('denoiser'),
    description: Description.optional(),
    resolution: Resolution,
    /**
     * A video denoiser: frames T per sample. x is [N, 3, T, R, R] (or the latent [N, C, t, h, w]); the decoder
     * of a latent one returns [N, 3, T, R, R]. Scored by video suites of T frames only.
     */
    frames: z.number().int().min(2).max(1024).optional(),
    classes: ClassCount,
    /** Channels of the images (RGB only: the suites' extractors read 3 channels). */
    channels: z.literal(3, { message: 'only RGB images (channels: 3) can be scored' }),
    /** `context`: the text encoder's output (text-to-image; text-conditioning.schemas.ts). */
    inputs: z.strictObject({
      x: TensorName,
      t: TensorName,
      class: TensorName.optional(),
      context: TensorName.optional(),
      /** An image-conditioned denoiser's condition image input (manifest `condition`). */
      condition: TensorName.optional(),
    }),
    outputs: z.strictObject({ prediction: TensorName }),
    prediction: PredictionType,
    schedule: Schedule,
    time_input: TimeInput,
    /** The label that means "no class": enables classifier-free guidance (suite sampler `guidance` ≠ 1). */
    null_class: z.number().int().min(0).optional(),
    output_range: OutputRange,
    latent: LatentSpec.optional(),
    /**
     * `learned-range`: the output has 2C channels, the prediction then improved DDPM's variance values
     * v ∈ [−1, 1] (log Σ = v'·log β + (1 − v')·log β̃, v' = (v + 1)/2), which the ddpm solver uses.
     */
    variance: z.enum(['learned-range']).optional(),
    classifier: ClassifierSpec.optional(),
    text_encoder: TextEncoderSpec.optional(),
    /**
     * An image-conditioned denoiser (issue #17): every network call also takes the suite's condition images,
     * float32 NCHW [rows, 3, resolution, resolution] in [−1, 1] as GET /api/suites/:id/inputs publishes them, at
     * `inputs.condition`; it competes in `task` on suites whose conditions are that size. With a `text_encoder`
     * it also takes the suite's text for each input (edit instruction, control caption) at `inputs.context`;
     * guidance's unconditional rows then get the empty prompt's encoding and the zero condition together.
     */
    condition: z.strictObject({ task: z.enum(IMAGE_CONDITIONED_TASKS), resolution: z.number().int().min(1).max(1024) }).optional(),
  })
  .superRefine((m, ctx) => {
    for (const issue of textConditioningIssues(m)) ctx.addIssue({ code: 'custom', ...issue });
    if (m.classes === 0 && m.inputs.class !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['inputs', 'class'], message: 'an unconditional model (classes: 0) takes no class input' });
    }
    if (m.classes > 0 && m.inputs.class === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['inputs', 'class'],
        message: `a class-conditional model (classes: ${m.classes}) needs inputs.class`,
      });
    }
    if (m.null_class !== undefined) {
      if (m.classes === 0)
        ctx.addIssue({ code: 'custom', path: ['null_class'], message: 'null_class needs a class-conditional model (classes > 0)' });
      else if (m.null_class > m.classes) {
        ctx.addIssue({
          code: 'custom',
          path: ['null_class'],
          message: `null_class must lie in [0, ${m.classes}] (${m.classes}: an extra "no class" label, as DiT's)`,
        });
      }
    }
    const supported = supportedTimeInputs(m.schedule);
    if (!supported.includes(m.time_input)) {
      ctx.addIssue({
        code: 'custom',
        path: ['time_input'],
        message: `time_input "${m.time_input}" is not defined for a "${m.schedule.kind}" schedule (supported: ${supported.join(', ')})`,
      });
    }
    if (m.prediction === 'velocity' && !hasContinuousTime(m.schedule)) {
      ctx.addIssue({
        code: 'custom',
        path: ['prediction'],
        message:
          'a velocity prediction needs a continuous-time schedule (linear-interpolant, or vp-linear/vp-cosine with continuous: true)',
      });
    }
    if (m.schedule.kind === 'linear-interpolant' && (m.prediction === 'eps' || m.prediction === 'score')) {
      ctx.addIssue({
        code: 'custom',
        path: ['prediction'],
        message: `an "${m.prediction}" prediction says nothing about x0 at t = 1 of the linear interpolant (α = 0): declare x0, v or velocity`,
      });
    }
    if (m.variance !== undefined && !((m.schedule.kind === 'vp-linear' || m.schedule.kind === 'vp-cosine') && !m.schedule.continuous)) {
      ctx.addIssue({
        code: 'custom',
        path: ['variance'],
        message: 'learned-range variances interpolate the β and β̃ of a discrete VP schedule (vp-linear or vp-cosine, continuous: false)',
      });
    }
    if (m.classifier !== undefined && m.classes === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['classifier'],
        message: 'classifier guidance needs class labels: declare a class-conditional model (classes > 0)',
      });
    }
    if (m.latent !== undefined && (m.latent.shape.length === 4) !== (m.frames !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['latent', 'shape'],
        message:
          m.frames !== undefined
            ? `a video denoiser (frames: ${m.frames}) has latents [C, t, h, w]: latent.shape needs 4 numbers`
            : 'latent.shape [C, t, h, w] is for video denoisers: declare frames, or give [C, h, w]',
      });
    }
    if ((m.condition === undefined) !== (m.inputs.condition === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: m.condition === undefined ? ['condition'] : ['inputs', 'condition'],
        message: 'an image-conditioned denoiser declares both inputs.condition and condition {task, resolution}',
      });
    }
    // A text encoder is allowed beside the condition: instruction editing and text-guided control (InstructPix2Pix).
    if (m.condition !== undefined && (m.frames !== undefined || m.classes > 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['condition'],
        message: 'an image-conditioned denoiser is an image model without classes (no frames, classes 0)',
      });
    }
    if (m.frames !== undefined && m.classifier !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['classifier'],
        message: 'classifier guidance is for image denoisers; a video denoiser takes none',
      });
    }
    if (m.inputs.x === m.inputs.t || (m.inputs.class !== undefined && (m.inputs.class === m.inputs.x || m.inputs.class === m.inputs.t))) {
      ctx.addIssue({ code: 'custom', path: ['inputs'], message: 'inputs.x, inputs.t and inputs.class must name different graph inputs' });
    }
  });
export type DenoiserManifest = z.infer<typeof DenoiserManifest>;

/** Shape of one output row of the denoiser: the sample's, with twice the channels for learned variances. */
export function denoiserOutputShape(m: DenoiserManifest): number[] {
  const [c, ...rest] = denoiserSampleShape(m);
  return [m.variance ? 2 * c! : c!, ...rest];
}

/**
 * Shape of one sample as the denoiser sees it: the latent's [C, h, w] ([C, t, h, w] for video), or
 * [3, R, R] ([3, T, R, R] for a video denoiser).
 */
export function denoiserSampleShape(m: DenoiserManifest): number[] {
  if (m.latent) return [...m.latent.shape];
  return m.frames !== undefined ? [m.channels, m.frames, m.resolution, m.resolution] : [m.channels, m.resolution, m.resolution];
}

/** What a denoiser's samples decode to: [3, R, R], or [3, T, R, R] for a video denoiser. */
export function denoiserImageShape(m: DenoiserManifest): number[] {
  return m.frames !== undefined ? [3, m.frames, m.resolution, m.resolution] : [3, m.resolution, m.resolution];
}
