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

/**
 * The CLIP extractor manifest: a CLIP image encoder and text encoder as ONNX with its Hugging Face
 * tokenizer.json, for `genbench features` to write `clip` (L2-normalised image embeddings [N, D]) and, given a
 * prompts file, `clip_text` (the embedding of each sample's prompt). The files are passed on the command line
 * (`--extractor`, `--text-encoder`, `--tokenizer`); the manifest names their tensors, as the suites'
 * `onnx-files` CLIP does (contracts/suites/text-to-image-suite.schemas.ts).
 *
 * ```json
 * {"name": "clip-vit-l-14", "kind": "clip-extractor",
 *  "image": {"input_size": 224, "preprocessing": "pil-bicubic-uint8", "normalization": "minus-one-one", "input": "pixel_values", "output": "image_embeds"},
 *  "text": {"context_length": 77, "inputs": {"ids": "input_ids", "attention_mask": "attention_mask"}, "output": "text_embeds"},
 *  "tokenizer": {"pad_token": "<|endoftext|>"}}
 * ```
 * Image: float32 NCHW as for a feature extractor (CLIP's own mean/std is not a harness normalization: an export
 * applies it inside the graph, as the COCO-30k suites' CLIP does), output [N, D]; text: int64 ids [N, context_length] (and
 * mask), output [N, D] of the same D. Outputs need not be normalised: the writer normalises each row.
 */
export const ClipExtractorManifest = z.strictObject({
  name: ModelName,
  kind: z.literal('clip-extractor'),
  image: z.strictObject({
    input_size: z.number().int().min(8).max(4096),
    preprocessing: z.enum(RESIZE_PROTOCOLS),
    normalization: z.enum(NORMALIZATIONS),
    input: TensorName,
    output: TensorName,
  }),
  text: z.strictObject({
    context_length: z.number().int().min(2).max(4096),
    inputs: z.strictObject({ ids: TensorName, attention_mask: TensorName.optional() }),
    output: TensorName,
  }),
  tokenizer: z.strictObject({ pad_token: z.string().min(1).optional() }).default({}),
});
export type ClipExtractorManifest = z.infer<typeof ClipExtractorManifest>;

function issuesError(kind: string, error: z.ZodError): ManifestError {
  const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return new ManifestError(
    `invalid ${kind} manifest: ` + issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '),
    issues,
  );
}

/** Parses extractor-manifest JSON text (or a parsed value); throws ManifestError naming the offending fields. */
export function parseExtractorManifest(input: string | unknown): ExtractorManifest {
  return parseAnyExtractorManifest(input, false) as ExtractorManifest;
}

/** Either kind `genbench features` reads: `feature-extractor` or `clip-extractor` (by `kind`). */
export function parseFeaturesManifest(input: string | unknown): ExtractorManifest | ClipExtractorManifest {
  return parseAnyExtractorManifest(input, true);
}

function parseAnyExtractorManifest(input: string | unknown, allowClip: boolean): ExtractorManifest | ClipExtractorManifest {
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
  if (allowClip && (value as { kind?: unknown }).kind === 'clip-extractor') {
    const clip = ClipExtractorManifest.safeParse(value);
    if (!clip.success) throw issuesError('CLIP extractor', clip.error);
    return clip.data;
  }
  const parsed = ExtractorManifest.safeParse(value);
  if (!parsed.success) throw issuesError('extractor', parsed.error);
  return parsed.data;
}
