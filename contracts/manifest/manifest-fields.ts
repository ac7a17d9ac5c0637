import { z } from 'zod';

/** Fields shared by every submission manifest kind (README.md, "The manifest"). */

// Lone UTF-16 surrogates (a high one not followed by a low one, or a low one not preceded by a high one):
// JSON.parse accepts "\ud800", but such a string is not Unicode text, and PostgreSQL refuses it in jsonb.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Problem with a manifest string that no schema pattern catches, or undefined: NUL (\u0000) and lone
 * surrogates cannot be stored (PostgreSQL's jsonb refuses both), so they are refused where they are sent.
 */
export function unstorableText(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  const lone = LONE_SURROGATE.exec(s);
  if (lone) {
    const code = lone[0].charCodeAt(0).toString(16);
    return `contains a lone UTF-16 surrogate (\\u${code} at index ${lone.index}): not valid Unicode text`;
  }
  return undefined;
}

/** Every free-text string of a manifest: storable in PostgreSQL (no NUL, no lone surrogate). */
export function manifestString() {
  return z.string().superRefine((s, ctx) => {
    const problem = unstorableText(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** Graph tensor names: what the ONNX graph calls its inputs and outputs. */
export const TensorName = manifestString().min(1).max(256);

/** Free text shown with the model. */
export const Description = manifestString().max(2000);

/** A model name: shown on the leaderboard, never used as a path. */
export const ModelName = manifestString()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-" only (no spaces or path separators)');

export const Resolution = z.number().int().min(8).max(1024);

/** 0 = unconditional. */
export const ClassCount = z.number().int().min(0).max(100_000);

/** Range of the NCHW float32 images a graph returns. */
export const OutputRange = z.union([z.tuple([z.literal(-1), z.literal(1)]), z.tuple([z.literal(0), z.literal(1)])], {
  error: 'expected [-1, 1] or [0, 1]',
});
export type OutputRange = z.infer<typeof OutputRange>;
