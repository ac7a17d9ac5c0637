import { z } from 'zod';
import { NORMALIZATIONS } from '../enums.js';
import { RESIZE_PROTOCOLS } from '../enums.js';
import { TensorName } from './manifest-fields.js';
import { ManifestError, ModelName } from './manifest.schemas.js';

/**
 * The feature-extractor manifest: a public format that describes an extractor ONNX (e.g. the FID
 * Inception) to `genbench features`. Strict like the submission manifest: an unknown key is an error.
 *
 * ```json
 * {"name": "inception-2015-12-05", "kind": "feature-extractor", "input_size": 299,
 *  "inputs": {"images": "images"}, "outputs": {"pool": "pool_3", "spatial": "mixed_6_conv", "logits": "logits"},
 *  "preprocessing": "tf1-bilinear", "normalization": "adm"}
 * ```
 * The graph takes float32 NCHW `[N, 3, input_size, input_size]` normalized as `normalization` says, after
 * a resize by `preprocessing` when the images are of another size. `pool` is `[N, D]` (or `[N, D, 1, 1]`),
 * `spatial` `[N, C, h, w]` (its first 7 channels become ADM's sFID features), `logits` `[N, classes]`.
 */
export const ExtractorManifest = z
  .strictObject({
    name: ModelName,
    kind: z.literal('feature-extractor'),
    input_size: z.number().int().min(8).max(4096),
    inputs: z.strictObject({ images: TensorName }),
    outputs: z.strictObject({ pool: TensorName, spatial: TensorName.optional(), logits: TensorName.optional() }),
    preprocessing: z.enum(RESIZE_PROTOCOLS),
    normalization: z.enum(NORMALIZATIONS),
  })
  .superRefine((m, ctx) => {
    const seen = new Map<string, string>();
    for (const [role, name] of Object.entries(m.outputs)) {
      if (name === undefined) continue;
      const other = seen.get(name);
      if (other) ctx.addIssue({ code: 'custom', path: ['outputs', role], message: `"${name}" is already the ${other} output` });
      seen.set(name, role);
    }
  });
export type ExtractorManifest = z.infer<typeof ExtractorManifest>;

/** Parses extractor-manifest JSON text (or a parsed value); throws ManifestError naming the offending fields. */
export function parseExtractorManifest(input: string | unknown): ExtractorManifest {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new ManifestError(`extractor manifest is not valid JSON: ${(err as Error).message}`, [
        { path: '', message: (err as Error).message },
      ]);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ManifestError('extractor manifest must be a JSON object', [{ path: '', message: 'expected an object' }]);
  }
  const parsed = ExtractorManifest.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ManifestError(
      'invalid extractor manifest: ' + issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '),
      issues,
    );
  }
  return parsed.data;
}
