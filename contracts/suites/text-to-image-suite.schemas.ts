import { z } from 'zod';
import { NORMALIZATIONS, RESIZE_PROTOCOLS } from '../enums.js';
import { SamplerParams } from '../sampling/sampler-plan.js';
import { Extractor, FileReference, PreviewSamples, Sha256 } from './generation-parts.schemas.js';

/**
 * A text-to-image suite (task `text-to-image`): a published prompt list, one sample per prompt (image i
 * answers prompt i), scored by CLIP score (samples against their prompts), CMMD (CLIP image embeddings of
 * samples against references), FID with the suite's extractor and, where a DINOv2 extractor is configured,
 * FD-DINOv2. Scored by runner/src/tasks/text-to-image/. Sampler, steps, guidance and seed are the suite's.
 */

/** The smoke prompts (runner/src/text/synthetic-prompts.ts), in the order of a permutation seeded by `seed`. */
export const SyntheticPrompts = z.strictObject({
  type: z.literal('synthetic-colour-shapes'),
  seed: z.number().int().min(0),
});
/** A caption file configured by path: UTF-8, one prompt per line (e.g. 30,000 COCO 2014 val captions). */
export const PromptFile = z.strictObject({
  type: z.literal('prompt-file'),
  file: z.string().min(1),
  sha256: Sha256,
  source: z.string(),
});
export const PromptList = z.discriminatedUnion('type', [SyntheticPrompts, PromptFile]);
export type PromptList = z.infer<typeof PromptList>;

/** The smoke reference: prompt i drawn by the project (drawPrompt) with the reference seed, not the prompts' seed. */
export const SyntheticPromptImages = z.strictObject({
  type: z.literal('synthetic-prompt-images'),
  seed: z.number().int().min(0),
});
export const TextToImageReference = z.discriminatedUnion('type', [SyntheticPromptImages, FileReference]);

/** The project's tiny CLIP-like pair (runner/src/text/clip-like-encoders.ts) and smoke tokenizer; needs no files. */
export const BuiltinClipLike = z.strictObject({
  type: z.literal('builtin-clip-like'),
  /** Tokens per prompt fed to its text encoder. */
  context_length: z.number().int().min(8),
});
const OnnxAsset = { file: z.string().min(1), sha256: Sha256 };
/** A CLIP model configured by path: image and text encoders as ONNX, the tokenizer as tokenizer.json. */
export const FileClip = z.strictObject({
  type: z.literal('onnx-files'),
  id: z.string(),
  source: z.string(),
  image: z.strictObject({
    ...OnnxAsset,
    input_size: z.number().int().min(8),
    preprocessing: z.enum(RESIZE_PROTOCOLS),
    normalization: z.enum(NORMALIZATIONS),
    input: z.string(),
    output: z.string(),
  }),
  text: z.strictObject({
    ...OnnxAsset,
    context_length: z.number().int().min(2),
    inputs: z.strictObject({ ids: z.string(), attention_mask: z.string().optional() }),
    output: z.string(),
  }),
  tokenizer: z.strictObject({ ...OnnxAsset, pad_token: z.string().optional() }),
});
export const ClipModel = z.discriminatedUnion('type', [BuiltinClipLike, FileClip]);
export type ClipModel = z.infer<typeof ClipModel>;

export const TEXT_TO_IMAGE_KINDS = ['generator', 'denoiser', 'samples'] as const;
export const TEXT_TO_IMAGE_METRICS = ['clip_score', 'cmmd', 'fid', 'fd_dinov2'] as const;

export const TextToImageSuiteDefinition = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.number().int().min(1),
    title: z.string(),
    description: z.string().default(''),
    task: z.literal('text-to-image'),
    resolution: z.number().int().min(8),
    kinds: z.array(z.enum(TEXT_TO_IMAGE_KINDS)).min(1),
    prompts: PromptList,
    /** Prompts in the list, so one sample per prompt: a list of another length is the suite's fault. */
    samples: z.number().int().min(1),
    /** Seed of the noise: sample i's noise depends only on (seed, i). */
    seed: z.number().int().min(0),
    batch_size: z.number().int().min(1).default(32),
    quantization: z.literal('adm-truncate').default('adm-truncate'),
    reference: TextToImageReference,
    /** The FID extractor. */
    extractor: Extractor,
    /** FD-DINOv2's extractor; `fd_dinov2` is only scored where one is configured. */
    dinov2: Extractor.optional(),
    clip: ClipModel,
    metrics: z.array(z.enum(TEXT_TO_IMAGE_METRICS)).min(1),
    primary: z.enum(TEXT_TO_IMAGE_METRICS),
    drift_tolerance: z.number().min(0).default(1e-6),
    time_limit_s: z.number().positive().default(3600),
    /** How text-conditioned denoisers are sampled; guidance uses the empty prompt as the unconditional input. */
    sampler: SamplerParams.optional(),
    /** Samples kept as individual PNGs with their prompts, indices 0..K−1 (absent: 64; generation-parts.schemas.ts). */
    preview_samples: PreviewSamples.optional(),
  })
  .refine((s) => s.metrics.includes(s.primary), { message: 'primary must be one of metrics', path: ['primary'] })
  .refine((s) => !s.metrics.includes('fd_dinov2') || s.dinov2 !== undefined, {
    message: 'fd_dinov2 needs a dinov2 extractor',
    path: ['dinov2'],
  })
  .refine((s) => !s.kinds.includes('denoiser') || s.sampler !== undefined, {
    message: 'a suite that scores denoisers must declare a sampler',
    path: ['sampler'],
  });
export type TextToImageSuiteDefinition = z.infer<typeof TextToImageSuiteDefinition>;
export type TextToImageSuiteInput = z.input<typeof TextToImageSuiteDefinition>;

export function isTextToImageSuite(s: { task: string }): s is TextToImageSuiteDefinition {
  return s.task === 'text-to-image';
}

/**
 * The files a text-to-image suite needs beyond its reference batch and FID extractor: the prompt file (with
 * the reference batches), the CLIP encoders and tokenizer and the DINOv2 extractor (with the models).
 */
export function textToImageAssets(
  suite: TextToImageSuiteDefinition,
): Array<{ asset: { file: string; sha256: string; source: string }; kind: 'reference' | 'model' }> {
  const out: Array<{ asset: { file: string; sha256: string; source: string }; kind: 'reference' | 'model' }> = [];
  if (suite.prompts.type === 'prompt-file') {
    const { file, sha256, source } = suite.prompts;
    out.push({ asset: { file, sha256, source }, kind: 'reference' });
  }
  if (suite.clip.type === 'onnx-files') {
    const { source } = suite.clip;
    for (const part of [suite.clip.image, suite.clip.text, suite.clip.tokenizer])
      out.push({ asset: { file: part.file, sha256: part.sha256, source }, kind: 'model' });
  }
  if (suite.dinov2?.type === 'onnx-file') {
    const { file, sha256, source } = suite.dinov2;
    out.push({ asset: { file, sha256, source }, kind: 'model' });
  }
  return out;
}
