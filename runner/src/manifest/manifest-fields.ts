import { z } from 'zod';

/** Fields shared by every submission manifest kind (README.md, "The manifest"). */

/** Graph tensor names: what the ONNX graph calls its inputs and outputs. */
export const TensorName = z.string().min(1).max(256);

/** A model name: shown on the leaderboard, never used as a path. */
export const ModelName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-" only (no spaces or path separators)');

export const Resolution = z.number().int().min(8).max(1024);

/** 0 = unconditional. */
export const ClassCount = z.number().int().min(0).max(100_000);

/** Range of the NCHW float32 images a graph returns. */
export const OutputRange = z.union([z.tuple([z.literal(-1), z.literal(1)]), z.tuple([z.literal(0), z.literal(1)])]);
export type OutputRange = z.infer<typeof OutputRange>;
