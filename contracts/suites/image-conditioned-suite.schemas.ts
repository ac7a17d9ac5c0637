import { z } from 'zod';
import { SamplerParams } from '../sampling/sampler-plan.js';
import { Degradation, DEGRADATION_KINDS } from '../conditions/degradation.schemas.js';
import { IMAGE_CONDITIONED_TASKS } from '../enums.js';
import { Extractor, FileReference, PreviewSamples, Sha256, SyntheticReference } from './generation-parts.schemas.js';
import { ClipModel } from './text-to-image-suite.schemas.js';

/**
 * An image-conditioned suite (issue #17): the harness computes one condition per target image (a DDRM
 * degradation with seeded noise σ_y, a Canny control map, a paired source image from the dataset, or a source
 * image with an edit instruction), publishes them in order (`GET /api/suites/:id/inputs`, `genbench inputs`),
 * and scores output i against target i (PSNR, SSIM), the outputs against the target set (FID, KID) and, for
 * control, the control map re-extracted from each output (edge F1). Scored by runner/src/tasks/image-conditioned/.
 */

const degradationKinds = DEGRADATION_KINDS.join(', ');

/**
 * A DDRM degradation y = H·x + σ_y·ε (runner/src/conditions/degradations.ts). An unknown `degradation.kind` is
 * an error that names the known ones rather than zod's bare "invalid input".
 */
export const DegradationCondition = z.strictObject({
  kind: z.literal('degradation'),
  degradation: z.discriminatedUnion('kind', Degradation.options, {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `unknown degradation ${JSON.stringify((iss.input as { kind?: unknown } | undefined)?.kind)} (known: ${degradationKinds})`
        : undefined,
  }),
  /** Measurement noise on images in [−1, 1] (DDRM's `sigma_0`), drawn per condition from the suite's seed. */
  sigma_y: z.number().min(0).max(1),
});
/**
 * The captions of a text-guided control suite, fed to text-and-image models with each control map (ControlNet's
 * prompt): `synthetic-prompts` draws the targets from the smoke text-to-image grammar (prompt i of
 * syntheticPrompts(seed), drawn with the targets' seed) and captions target i with its prompt; a file holds one
 * caption per line (UTF-8), line i captioning target i.
 */
export const ControlCaptions = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('synthetic-prompts'), seed: z.number().int().min(0) }),
  z.strictObject({ type: z.literal('text-file'), file: z.string().min(1), sha256: Sha256, source: z.string() }),
]);
/**
 * Canny control maps as ControlNet's annotator computes them: OpenCV `Canny(gray, 100, 200)` (runner/src/conditions/canny.ts),
 * with, for text-guided control, a caption per map.
 */
export const CannyCondition = z.strictObject({
  kind: z.literal('canny'),
  low: z.literal(100).default(100),
  high: z.literal(200).default(200),
  captions: ControlCaptions.optional(),
});
/**
 * A source domain the harness derives from synthetic targets (runner/src/conditions/paired-sources.ts):
 * `channel-rotate` publishes source = (G, B, R) of target (R, G, B), a fixed colour remap that an exact
 * translator inverts and the identity does not.
 */
export const SYNTHETIC_REMAPS = ['channel-rotate'] as const;
export const SyntheticRemapSource = z.strictObject({
  type: z.literal('synthetic-remap'),
  remap: z.enum(SYNTHETIC_REMAPS),
});
/**
 * Paired translation (DDBM): source image i answers target i, either derived by the harness from synthetic
 * targets or image i of an ADM-style batch configured by path (the same order as the targets' batch).
 */
export const PairedSourceCondition = z.strictObject({
  kind: z.literal('paired-source'),
  sources: z.discriminatedUnion('type', [SyntheticRemapSource, FileReference]),
});
/**
 * Synthetic edits (runner/src/conditions/synthetic-edits.ts): prompt i of the smoke text-to-image grammar
 * (runner/src/text/synthetic-prompts.ts, prompts shuffled by `seed`) drawn as the source, an instruction
 * "make the {shape} {colour}" and the same drawing with the new foreground colour as the target; the captions
 * before and after the edit are the two prompts (CLIP directional similarity's caption change).
 */
export const SyntheticEditSources = z.strictObject({
  type: z.literal('synthetic-colour-edits'),
  seed: z.number().int().min(0),
});
/**
 * Instruction editing (InstructPix2Pix): source image i with instruction i, target i the edit. From files: the
 * sources batch, instructions (UTF-8, one per line) and captions (UTF-8, one edit a line: input caption, a tab,
 * output caption).
 */
export const EditInstructionCondition = z.strictObject({
  kind: z.literal('edit-instruction'),
  sources: z.discriminatedUnion('type', [SyntheticEditSources, FileReference]),
  instructions: z.strictObject({ file: z.string().min(1), sha256: Sha256, source: z.string() }).optional(),
  captions: z.strictObject({ file: z.string().min(1), sha256: Sha256, source: z.string() }).optional(),
});
export const ImageCondition = z.discriminatedUnion(
  'kind',
  [DegradationCondition, CannyCondition, PairedSourceCondition, EditInstructionCondition],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `unknown condition ${JSON.stringify((iss.input as { kind?: unknown } | undefined)?.kind)} (known: degradation, canny, paired-source, edit-instruction)`
        : undefined,
  },
);
export type ImageCondition = z.infer<typeof ImageCondition>;
export const CONDITION_KINDS = ImageCondition.options.map((o) => o.shape.kind.value);

/** Which condition each task takes: restoration degrades, control extracts edges, translation and editing read pairs. */
export const CONDITIONS_OF_TASK = {
  'image-restoration': ['degradation'],
  'controllable-generation': ['canny'],
  'image-translation': ['paired-source'],
  'image-editing': ['edit-instruction'],
} as const satisfies Record<(typeof IMAGE_CONDITIONED_TASKS)[number], readonly (typeof CONDITION_KINDS)[number][]>;

/** `denoiser`: image-conditioned denoisers (manifest `condition`) the suite's `sampler` drives. */
export const IMAGE_CONDITIONED_KINDS = ['image_to_image', 'samples', 'denoiser'] as const;
export const IMAGE_CONDITIONED_METRICS = [
  'psnr',
  'ssim',
  'fid',
  'kid',
  'edge_f1',
  'clip_i',
  'clip_directional',
  'lpips',
  'clip_score',
] as const;
/** Metrics read from the suite's CLIP (`clip`): edits' image similarity and directional similarity. */
export const CLIP_EDIT_METRICS = ['clip_i', 'clip_directional'] as const;
/** Metrics that a lower value ranks higher: the distances. */
const DISTANCES = new Set<string>(['fid', 'kid', 'lpips']);

/**
 * LPIPS's network: the random-weight stand-in built in memory (smoke suites), or an LPIPS manifest
 * (contracts/manifest/lpips-manifest.schemas.ts) by path under the models directory, as scripts/export_lpips.py
 * writes it; absent, the evaluation is unavailable with a message saying what to download.
 */
export const LpipsNetworkRef = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('builtin-tiny-lpips'), seed: z.number().int().min(0) }),
  z.strictObject({ type: z.literal('manifest'), file: z.string().min(1) }),
]);
export type LpipsNetworkRef = z.infer<typeof LpipsNetworkRef>;

export const ImageConditionedSuiteDefinition = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.number().int().min(1),
    title: z.string(),
    description: z.string().default(''),
    task: z.enum(IMAGE_CONDITIONED_TASKS),
    /** Side of the targets and of the outputs; conditions may be smaller (×4 SR: resolution / 4). */
    resolution: z.number().int().min(8),
    kinds: z.array(z.enum(IMAGE_CONDITIONED_KINDS)).min(1),
    condition: ImageCondition,
    /** The target images: condition i is computed from (or paired with) target i. */
    targets: z.discriminatedUnion('type', [SyntheticReference, FileReference]),
    /** Conditions published and outputs scored: the first `samples` targets. */
    samples: z.number().int().min(2),
    /** Seed of the measurement noise (and of a model's noise input): condition i depends only on (seed, i). */
    seed: z.number().int().min(0),
    batch_size: z.number().int().min(1).default(32),
    quantization: z.literal('adm-truncate').default('adm-truncate'),
    /** FID/KID's extractor, outputs against the targets. */
    extractor: Extractor,
    /** LPIPS's network, needed when `metrics` names lpips. */
    lpips: LpipsNetworkRef.optional(),
    metrics: z.array(z.enum(IMAGE_CONDITIONED_METRICS)).min(1),
    primary: z.enum(IMAGE_CONDITIONED_METRICS),
    drift_tolerance: z.number().min(0).default(1e-6),
    time_limit_s: z.number().positive().default(3600),
    /** How image-conditioned denoisers are sampled (their noise keyed by (seed, i)). */
    sampler: SamplerParams.optional(),
    /** Outputs kept as PNGs with their input and target (evaluation pages' input | output | target); default 64. */
    preview_samples: PreviewSamples.optional(),
    /**
     * The CLIP that CLIP-I and CLIP directional similarity (editing) and CLIP score against the captions (text-guided
     * control) read (the builtin CLIP-like pair for smoke suites).
     */
    clip: ClipModel.optional(),
  })
  .refine((s) => s.metrics.includes(s.primary), { message: 'primary must be one of metrics', path: ['primary'] })
  .refine((s) => !s.kinds.includes('denoiser') || s.sampler !== undefined, {
    message: 'a suite that scores denoisers must declare a sampler',
    path: ['sampler'],
  })
  .refine((s) => (CONDITIONS_OF_TASK[s.task] as readonly string[]).includes(s.condition.kind), {
    message:
      'the condition does not fit the task (image-restoration: degradation; controllable-generation: canny; image-translation: paired-source; image-editing: edit-instruction)',
    path: ['condition', 'kind'],
  })
  .refine((s) => !s.metrics.includes('lpips') || s.lpips !== undefined, {
    message: 'a suite that scores lpips must name its network (lpips)',
    path: ['lpips'],
  })
  .refine((s) => !s.metrics.includes('edge_f1') || s.condition.kind === 'canny', {
    message: 'edge_f1 scores Canny control only',
    path: ['metrics'],
  })
  .refine(
    (s) =>
      s.condition.kind !== 'degradation' ||
      s.condition.degradation.kind !== 'sr-block-average' ||
      s.resolution % s.condition.degradation.factor === 0,
    {
      message: 'block-average super-resolution needs a resolution divisible by its factor',
      path: ['condition', 'degradation', 'factor'],
    },
  )
  .refine(
    (s) =>
      s.condition.kind !== 'paired-source' || (s.condition.sources.type === 'synthetic-remap') === (s.targets.type === 'synthetic-shapes'),
    {
      message: 'a synthetic source remap needs synthetic targets, and file targets need a file of paired sources',
      path: ['condition', 'sources'],
    },
  )
  .refine(
    (s) =>
      !s.metrics.some((m) => (CLIP_EDIT_METRICS as readonly string[]).includes(m)) ||
      (s.condition.kind === 'edit-instruction' && s.clip !== undefined),
    {
      message: 'clip_i and clip_directional score instruction edits, with the suite’s `clip`',
      path: ['metrics'],
    },
  )
  .refine(
    (s) =>
      !s.metrics.includes('clip_score') || (s.condition.kind === 'canny' && s.condition.captions !== undefined && s.clip !== undefined),
    {
      message: 'clip_score scores outputs against the captions of a captioned control suite, with the suite’s `clip`',
      path: ['metrics'],
    },
  )
  .refine(
    (s) =>
      s.condition.kind !== 'edit-instruction' ||
      (s.condition.sources.type === 'synthetic-colour-edits'
        ? s.targets.type === 'synthetic-shapes' && !s.condition.instructions && !s.condition.captions
        : s.targets.type === 'adm-reference-batch' && !!s.condition.instructions && !!s.condition.captions),
    {
      message: 'synthetic edits need synthetic targets and no files; file sources need file targets, instructions and captions',
      path: ['condition', 'sources'],
    },
  )
  .refine(
    (s) =>
      s.condition.kind !== 'canny' ||
      s.condition.captions === undefined ||
      (s.condition.captions.type === 'synthetic-prompts') === (s.targets.type === 'synthetic-shapes'),
    {
      message: 'synthetic prompt captions need synthetic targets (drawn from the prompts), and file targets a caption file',
      path: ['condition', 'captions'],
    },
  )
  .refine((s) => s.targets.type !== 'synthetic-shapes' || s.targets.n >= s.samples, {
    message: 'the synthetic target set must hold at least `samples` images',
    path: ['targets', 'n'],
  });
export type ImageConditionedSuiteDefinition = z.infer<typeof ImageConditionedSuiteDefinition>;
export type ImageConditionedSuiteInput = z.input<typeof ImageConditionedSuiteDefinition>;

export function isImageConditionedSuite(s: { task: string }): s is ImageConditionedSuiteDefinition {
  return (IMAGE_CONDITIONED_TASKS as readonly string[]).includes(s.task);
}

/**
 * The text a suite feeds a text-and-image model with each condition: the edit instruction (instruction editing,
 * which a model cannot do without it), a caption (text-guided control, which a model may ignore), or none.
 */
export function suiteText(suite: ImageConditionedSuiteDefinition): { what: 'instruction' | 'caption'; required: boolean } | undefined {
  const c = suite.condition;
  if (c.kind === 'edit-instruction') return { what: 'instruction', required: true };
  if (c.kind === 'canny' && c.captions !== undefined) return { what: 'caption', required: false };
  return undefined;
}

/**
 * Why a model with (or without) a text encoder does not fit the suite's text, or undefined: instruction editing
 * needs the instruction, and a suite that publishes no text cannot condition a text-and-image model. A
 * captioned control suite scores both (a model may leave the caption unread). Asked at submission
 * (suite-fit.ts) and again by the runner before anything runs.
 */
export function suiteTextMismatch(suite: ImageConditionedSuiteDefinition, hasTextEncoder: boolean): string | undefined {
  const text = suiteText(suite);
  if (hasTextEncoder && !text)
    return `${suite.id} publishes no text with its conditions, so it cannot condition a model with a text_encoder`;
  if (!hasTextEncoder && text?.required)
    return `${suite.id} edits by instruction: the model needs inputs.context and a text_encoder to read the instructions`;
  return undefined;
}

/** Whether a higher value of an image-conditioned metric ranks higher. */
export function imageConditionedHigherIsBetter(metric: string): boolean {
  return !DISTANCES.has(metric);
}

/**
 * The side of the condition images a suite publishes: the measurement side for block-average SR, the target
 * side otherwise (blur, inpainting, edge maps and paired sources are full size).
 */
export function conditionSize(suite: ImageConditionedSuiteDefinition): number {
  const c = suite.condition;
  if (c.kind === 'degradation' && c.degradation.kind === 'sr-block-average') return suite.resolution / c.degradation.factor;
  return suite.resolution;
}

/** The files an image-conditioned suite needs beyond its targets and extractor: paired sources, instructions. */
export function imageConditionedAssets(
  suite: ImageConditionedSuiteDefinition,
): Array<{ asset: { file: string; sha256: string; source: string }; kind: 'reference' | 'model' }> {
  const out: Array<{ asset: { file: string; sha256: string; source: string }; kind: 'reference' | 'model' }> = [];
  const c = suite.condition;
  if ((c.kind === 'paired-source' || c.kind === 'edit-instruction') && c.sources.type === 'adm-reference-batch') {
    const { file, sha256, source } = c.sources;
    out.push({ asset: { file, sha256, source }, kind: 'reference' });
  }
  if (c.kind === 'canny' && c.captions?.type === 'text-file') {
    const { file, sha256, source } = c.captions;
    out.push({ asset: { file, sha256, source }, kind: 'reference' });
  }
  if (c.kind === 'edit-instruction') {
    if (c.instructions) out.push({ asset: c.instructions, kind: 'reference' });
    if (c.captions) out.push({ asset: c.captions, kind: 'reference' });
  }
  if (suite.clip?.type === 'onnx-files') {
    const { source } = suite.clip;
    for (const part of [suite.clip.image, suite.clip.text, suite.clip.tokenizer])
      out.push({ asset: { file: part.file, sha256: part.sha256, source }, kind: 'model' });
  }
  if (suite.targets.type === 'adm-reference-batch') {
    const { file, sha256, source } = suite.targets;
    out.push({ asset: { file, sha256, source }, kind: 'reference' });
  }
  return out;
}
