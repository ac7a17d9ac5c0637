import { z } from 'zod';

/** Contracts between runners and the API (`/api/runner/...`). Runners never touch the database. */

/** A further file of a submission (a latent denoiser's `decoder`), fetched like the main artifact. */
export const ExtraArtifact = z.object({
  role: z.string().min(1).max(64),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int(),
});
export type ExtraArtifact = z.infer<typeof ExtraArtifact>;

export const ClaimResponse = z.object({
  evaluationId: z.uuid(),
  attempt: z.number().int(),
  seed: z.number().int(),
  model: z.object({ id: z.uuid(), name: z.string(), kind: z.string(), versionId: z.uuid(), version: z.number().int() }),
  artifact: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int() }),
  extraArtifacts: z.array(ExtraArtifact).optional(),
  manifest: z.unknown(),
  suite: z.object({ id: z.string(), version: z.number().int(), definition: z.unknown() }),
});
export type ClaimResponse = z.infer<typeof ClaimResponse>;

export const ProgressBody = z.strictObject({ progress: z.number().min(0).max(1) });

export const Provenance = z.object({
  runnerId: z.string(),
  runnerVersion: z.string(),
  onnxruntimeVersion: z.string(),
  executionProvider: z.string(),
  hardware: z.string(),
  node: z.string(),
  seed: z.number().int(),
  suite: z.object({ id: z.string(), version: z.number().int() }),
  protocol: z.record(z.string(), z.unknown()),
  durationsMs: z.record(z.string(), z.number()).optional(),
  /** What did not go as asked, e.g. an execution provider that fell back to the CPU. */
  warnings: z.array(z.string()).optional(),
});
export type Provenance = z.infer<typeof Provenance>;

export const MetricEntry = z.strictObject({
  id: z.string().min(1).max(64),
  value: z.number().refine(Number.isFinite, 'metric values must be finite'),
  intervalLow: z.number().optional(),
  intervalHigh: z.number().optional(),
});

export const ResultBody = z.strictObject({
  attempt: z.number().int().min(1),
  metrics: z.array(MetricEntry).min(1),
  provenance: Provenance,
});
export type ResultBody = z.infer<typeof ResultBody>;

export const FailureBody = z.strictObject({
  attempt: z.number().int().min(1),
  /** `model`: the submission itself is broken (not retried). `infrastructure`: retries ran out. */
  kind: z.enum(['model', 'infrastructure']),
  reason: z.string().min(1).max(4000),
  provenance: Provenance.partial().optional(),
});
export type FailureBody = z.infer<typeof FailureBody>;
