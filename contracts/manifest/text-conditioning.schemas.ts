import { z } from 'zod';
import { manifestString, TensorName } from './manifest-fields.js';

/**
 * The text encoder of a text-conditioned `denoiser` or `generator`: a second ONNX graph, sent as the multipart
 * field "text_encoder" with its Hugging Face `tokenizer.json` as the field "tokenizer". It maps token ids
 * int64 [N, context_length] (and, when it declares one, the attention mask int64 [N, context_length]) to a
 * context [N, L, D] and/or a pooled embedding [N, D]; the model's `inputs.context` takes `outputs.context`
 * when declared, else `outputs.pooled`. Prompts longer than the tokenizer's max length are cut
 * (runner/src/text/tokenizer.ts) and the cut is recorded in provenance. Classifier-free guidance feeds the
 * empty prompt's encoding as the unconditional input, as Stable Diffusion does.
 */
export const TextEncoderSpec = z
  .strictObject({
    inputs: z.strictObject({ ids: TensorName, attention_mask: TensorName.optional() }),
    outputs: z.strictObject({ context: TensorName.optional(), pooled: TensorName.optional() }),
    /** Tokens per prompt, the encoder's second input dimension (CLIP: 77). */
    context_length: z.number().int().min(2).max(4096),
    /** The token that pads short prompts when tokenizer.json has no `padding` section (CLIP: "<|endoftext|>"). */
    pad_token: manifestString().min(1).max(64).optional(),
  })
  .refine((s) => s.outputs.context !== undefined || s.outputs.pooled !== undefined, {
    message: 'declare outputs.context ([N, L, D]) and/or outputs.pooled ([N, D])',
    path: ['outputs'],
  });
export type TextEncoderSpec = z.infer<typeof TextEncoderSpec>;

/** The encoder output that feeds the model's `inputs.context`. */
export function contextOutput(spec: TextEncoderSpec): { name: string; role: 'context' | 'pooled' } {
  return spec.outputs.context !== undefined
    ? { name: spec.outputs.context, role: 'context' }
    : { name: spec.outputs.pooled!, role: 'pooled' };
}

/** Whether a generation manifest is text-conditioned (it names a text encoder or answers a prompt list). */
export function isTextConditioned(m: { kind: string; text_encoder?: unknown; prompts?: unknown }): boolean {
  return m.text_encoder !== undefined || m.prompts !== undefined;
}

/**
 * Issues of a text-conditioned manifest: `inputs.context` and `text_encoder` come together, and a
 * text-conditioned model has no classes.
 */
export function textConditioningIssues(m: {
  classes: number;
  inputs: { context?: string };
  text_encoder?: TextEncoderSpec;
}): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  if (m.inputs.context !== undefined && m.text_encoder === undefined)
    issues.push({ path: ['text_encoder'], message: 'a model with inputs.context needs a text_encoder (and its tokenizer file)' });
  if (m.text_encoder !== undefined && m.inputs.context === undefined)
    issues.push({ path: ['inputs', 'context'], message: 'a text_encoder needs the graph input it feeds: inputs.context' });
  if (m.text_encoder !== undefined && m.classes > 0)
    issues.push({ path: ['classes'], message: 'a text-conditioned model takes prompts, not classes: declare classes: 0' });
  return issues;
}
