import { z } from 'zod';
import { MODEL_KINDS, type ModelKind } from '../enums.js';
import { DenoiserManifest } from './denoiser-manifest.schemas.js';
import { ImageToImageManifest } from './image-to-image-manifest.schemas.js';
import { Description, ModelName, OutputRange, Resolution, TensorName } from './manifest-fields.js';
import { SamplesManifest } from './samples-manifest.schemas.js';
import { SegmentationExtractorManifest, SegmenterManifest } from './segmentation-manifest.schemas.js';
import { TextEncoderSpec, textConditioningIssues } from './text-conditioning.schemas.js';

export { ModelName };

/**
 * The submission manifest: a public format (documented in README.md, "Manifest"). Every object is strict:
 * an unknown key is an error, so a typo never silently changes what gets scored.
 */

export const GeneratorManifest = z
  .strictObject({
    name: ModelName,
    kind: z.literal('generator'),
    description: Description.optional(),
    resolution: Resolution,
    /** 0 = unconditional (then inputs.class must be absent). */
    classes: z.number().int().min(0).max(100_000),
    inputs: z.strictObject({ noise: TensorName, class: TensorName.optional(), context: TensorName.optional() }),
    outputs: z.strictObject({ images: TensorName }),
    noise_dim: z.number().int().min(1).max(1_000_000),
    /** Range of the NCHW float32 images the graph returns. */
    output_range: OutputRange,
    /** A text-conditioned one-step generator's text encoder (text-conditioning.schemas.ts). */
    text_encoder: TextEncoderSpec.optional(),
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
  });
export type GeneratorManifest = z.infer<typeof GeneratorManifest>;

export const Manifest = z.discriminatedUnion('kind', [
  GeneratorManifest,
  DenoiserManifest,
  SamplesManifest,
  SegmentationExtractorManifest,
  SegmenterManifest,
  ImageToImageManifest,
]);
export type Manifest = z.infer<typeof Manifest>;
export { MODEL_KINDS, type ModelKind };

export class ManifestError extends Error {
  constructor(
    message: string,
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** Parses manifest JSON text; throws ManifestError whose issues name the offending fields. */
export function parseManifest(input: string | unknown): Manifest {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new ManifestError(`manifest is not valid JSON: ${(err as Error).message}`, [{ path: '', message: (err as Error).message }]);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ManifestError('manifest must be a JSON object', [{ path: '', message: 'expected an object' }]);
  }
  const kind = (value as { kind?: unknown }).kind;
  if (
    typeof kind === 'string' &&
    (MODEL_KINDS as readonly string[]).includes(kind) &&
    !Manifest.options.some((o) => o.shape.kind.value === kind)
  ) {
    throw new ManifestError(`manifest kind "${kind}" is not accepted yet by this server`, [
      { path: 'kind', message: `kind "${kind}" is not supported yet` },
    ]);
  }
  const parsed = Manifest.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ManifestError('invalid manifest: ' + issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues);
  }
  return parsed.data;
}
