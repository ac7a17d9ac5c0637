import { z } from 'zod';
import { TASKS } from '../enums.js';
import { MODEL_KINDS } from '../manifest/manifest.schemas.js';
import { SamplerParams } from '../sampling/sampler-plan.js';
import { Extractor, PreviewSamples, Reference } from './generation-parts.schemas.js';
import { ImageConditionedSuiteDefinition, type ImageConditionedSuiteInput } from './image-conditioned-suite.schemas.js';
import { SegmentationSuiteDefinition, type SegmentationSuiteInput } from './segmentation-suite.schemas.js';
import { TextToImageSuiteDefinition, type TextToImageSuiteInput } from './text-to-image-suite.schemas.js';
import { VideoSuiteDefinition, type VideoSuiteInput } from './video-suite.schemas.js';

/**
 * A suite is data: what to sample, which reference set and feature extractor, which metrics, which one
 * ranks. A change that alters scores must bump `version`; the API refuses to start when a stored suite
 * version's definition differs from the code's (old results stay attached to the old version).
 */
export { TASKS };
export const Task = z.enum(TASKS);
export type Task = z.infer<typeof Task>;
export const GENERATION_TASKS = ['unconditional-generation', 'class-conditional-generation'] as const;

export {
  BuiltinExtractor,
  DEFAULT_PREVIEW_SAMPLES,
  Extractor,
  PreviewSamples,
  previewSampleCount,
  FileExtractor,
  FileReference,
  Reference,
  SyntheticReference,
} from './generation-parts.schemas.js';

/** A generation suite: samples from a model scored against a reference set (zero-shot segmentation suites: segmentation-suite.schemas.ts). */
export const GenerationSuiteDefinition = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.number().int().min(1),
    title: z.string(),
    description: z.string().default(''),
    task: z.enum(GENERATION_TASKS),
    resolution: z.number().int().min(8),
    kinds: z.array(z.enum(MODEL_KINDS)).min(1),
    /** Number of samples generated and scored. */
    samples: z.number().int().min(2),
    /** Seed of the counter-based noise generator: sample i's noise depends only on (seed, i). */
    seed: z.number().int().min(0),
    batch_size: z.number().int().min(1).default(64),
    /** How float images become uint8: ADM truncates ((x+1)·127.5) after clipping. */
    quantization: z.literal('adm-truncate').default('adm-truncate'),
    reference: Reference,
    extractor: Extractor,
    metrics: z.array(z.string()).min(1),
    primary: z.string(),
    /** Relative change of the primary metric above which a re-evaluation is flagged as drift. */
    drift_tolerance: z.number().min(0).default(1e-6),
    time_limit_s: z.number().positive().default(3600),
    /** How `denoiser` submissions are sampled (solver, steps, guidance, eta; README.md, "Samplers"). */
    sampler: SamplerParams.optional(),
    /** Whether the suite may be split into shards run by several runners, and into at most how many (README, "Sharded evaluations"). */
    sharding: z.strictObject({ max_shards: z.number().int().min(1) }).optional(),
    /** Samples kept as individual PNGs, indices 0..K−1 (absent: 64; generation-parts.schemas.ts). */
    preview_samples: PreviewSamples.optional(),
  })
  .refine((s) => s.metrics.includes(s.primary), { message: 'primary must be one of metrics', path: ['primary'] })
  .refine((s) => !s.kinds.includes('denoiser') || s.sampler !== undefined, {
    message: 'a suite that scores denoisers must declare a sampler',
    path: ['sampler'],
  });
export type GenerationSuiteDefinition = z.infer<typeof GenerationSuiteDefinition>;
export type GenerationSuiteInput = z.input<typeof GenerationSuiteDefinition>;

/** Every suite, told apart by `task`. */
export const SuiteDefinition = z.discriminatedUnion('task', [
  GenerationSuiteDefinition,
  SegmentationSuiteDefinition,
  TextToImageSuiteDefinition,
  VideoSuiteDefinition,
  ImageConditionedSuiteDefinition,
]);
export type SuiteDefinition = z.infer<typeof SuiteDefinition>;
export type SuiteInput = z.input<typeof SuiteDefinition>;

export function defineSuite(input: GenerationSuiteInput): GenerationSuiteDefinition;
export function defineSuite(input: SegmentationSuiteInput): SegmentationSuiteDefinition;
export function defineSuite(input: TextToImageSuiteInput): TextToImageSuiteDefinition;
export function defineSuite(input: VideoSuiteInput): VideoSuiteDefinition;
export function defineSuite(input: ImageConditionedSuiteInput): ImageConditionedSuiteDefinition;
export function defineSuite(input: SuiteInput): SuiteDefinition {
  const parsed = SuiteDefinition.safeParse(input);
  if (!parsed.success) {
    throw new Error(
      `suite ${String((input as { id?: unknown }).id)} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
