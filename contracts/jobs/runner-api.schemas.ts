import { z } from 'zod';
import { FAILURE_KINDS } from '../enums.js';

/** Contracts between runners and the API (`/api/runner/...`). Runners never touch the database. */

/** The largest sample grid (a PNG, runner/src/evaluation/sample-grid.ts) the API accepts for one evaluation. */
export const MAX_GRID_BYTES = 16 * 1024 * 1024;

/** A further file of a submission (a latent denoiser's `decoder`), fetched like the main artifact. */
export const ExtraArtifact = z.object({
  role: z.string().min(1).max(64),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int(),
});
export type ExtraArtifact = z.infer<typeof ExtraArtifact>;

export const ClaimResponse = z.object({
  evaluationId: z.uuid(),
  /** The claim's attempt number (the evaluation's stored attempts): every later post names it. */
  attempt: z.number().int(),
  /** The claim lapses after this long without a progress or heartbeat post; runners post every third of it. */
  leaseMs: z.number().int().positive(),
  seed: z.number().int(),
  model: z.object({ id: z.uuid(), name: z.string(), kind: z.string(), versionId: z.uuid(), version: z.number().int() }),
  artifact: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int() }),
  extraArtifacts: z.array(ExtraArtifact).optional(),
  manifest: z.unknown(),
  suite: z.object({ id: z.string(), version: z.number().int(), definition: z.unknown() }),
});
export type ClaimResponse = z.infer<typeof ClaimResponse>;

/** A shard of a sharded evaluation: samples [start, end) of the suite, shard `index` of `of`. */
export const ShardRangeView = z.object({
  index: z.number().int().min(0),
  of: z.number().int().min(1),
  start: z.number().int().min(0),
  end: z.number().int().min(1),
});

/** A shard's claim: the evaluation's context and the shard's range; the attempt is the shard's own. */
export const ShardClaimResponse = ClaimResponse.extend({ shard: ShardRangeView });
export type ShardClaimResponse = z.infer<typeof ShardClaimResponse>;

/** What the merged result's provenance needs from a shard (runner/src/tasks/generation/generation-shards.ts). */
export const ShardFacts = z.strictObject({
  sourceProtocol: z.record(z.string(), z.unknown()),
  executionProvider: z.string().min(1).max(64),
  warnings: z.array(z.string().max(4000)).max(100),
  durationsMs: z.record(z.string().max(64), z.number()),
});
export type ShardFacts = z.infer<typeof ShardFacts>;

/** The merge's claim (the evaluation's own claim): every shard's range, stored partial result and facts, in order. */
export const MergeClaimResponse = ClaimResponse.extend({
  shards: z.array(ShardRangeView.extend({ partialSha256: z.string().regex(/^[0-9a-f]{64}$/), facts: ShardFacts })).min(1),
});
export type MergeClaimResponse = z.infer<typeof MergeClaimResponse>;

/** Which claim a post is made under; posts from any other claim of the evaluation are refused. */
const ClaimRef = { runnerId: z.string().min(1).max(200), attempt: z.number().int().min(1) };

/** Renews the claim's lease. */
export const HeartbeatBody = z.strictObject(ClaimRef);
export type HeartbeatBody = z.infer<typeof HeartbeatBody>;

/** A shard's partial result, already uploaded (PUT …/shards/:index/partial), stored under the shard's claim. */
export const ShardResultBody = z.strictObject({
  ...ClaimRef,
  partialSha256: z.string().regex(/^[0-9a-f]{64}$/),
  facts: ShardFacts,
});
export type ShardResultBody = z.infer<typeof ShardResultBody>;

/**
 * Where the running evaluation's time goes (runner/src/evaluation/stage-clock.ts `StageProgress`): the stage
 * running now, samples through the loop of `total`, the loop's rate and time left, and wall time per stage
 * so far. The API stores the latest one with the evaluation; after the run it stays as the last breakdown.
 */
export const StageProgressReport = z.strictObject({
  stage: z.string().min(1).max(32),
  done: z.number().min(0),
  total: z.number().int().min(0),
  ratePerS: z.number().min(0).nullable(),
  etaS: z.number().min(0).nullable(),
  wallMs: z.record(z.string().min(1).max(32), z.number()).refine((r) => Object.keys(r).length <= 16, 'at most 16 stages'),
});
export type StageProgressReport = z.infer<typeof StageProgressReport>;

/** Renews the claim's lease and raises the stored progress (which never goes backwards within an attempt). */
export const ProgressBody = z.strictObject({ ...ClaimRef, progress: z.number().min(0).max(1), stage: StageProgressReport.optional() });
export type ProgressBody = z.infer<typeof ProgressBody>;

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

/** Stored only under the claim it names: `attempt` and `provenance.runnerId`. */
export const ResultBody = z.strictObject({
  attempt: z.number().int().min(1),
  metrics: z.array(MetricEntry).min(1),
  provenance: Provenance,
});
export type ResultBody = z.infer<typeof ResultBody>;

/**
 * Who must act on a failed evaluation. `model`: the submission is broken; its author must fix it (not
 * retried). `suite`: the suite's data or the runner's configuration is at fault; an admin must fix it (not
 * retried). `infrastructure`: a transient fault (retried; reported once the attempts run out).
 */
export const FailureKind = z.enum(FAILURE_KINDS);
export type FailureKind = z.infer<typeof FailureKind>;

/** Stored only under the claim it names (`runnerId`, `attempt`). */
export const FailureBody = z.strictObject({
  ...ClaimRef,
  kind: FailureKind,
  reason: z.string().min(1).max(4000),
  provenance: Provenance.partial().optional(),
});
export type FailureBody = z.infer<typeof FailureBody>;

/** The largest single sample image (a PNG of one sample, or an image a condition refers to). */
export const MAX_SAMPLE_IMAGE_BYTES = 8 * 1024 * 1024;

/**
 * What a sample answered, as JSON: `{class_label}` for class-conditional suites, `{prompt}` for text-to-image,
 * `{}` for unconditional ones. A family whose inputs are images (image-conditioned, video) uploads them first
 * (`PUT .../sample-images`) and names them by sha256 under `images`, e.g. `{images: {input: "<sha256>"}}`:
 * those files are then kept for as long as the sample is.
 */
export const SampleCondition = z
  .looseObject({
    class_label: z.number().int().min(0).optional(),
    prompt: z.string().optional(),
    /** An image-conditioned sample's text beside its input image: the edit instruction, or the control caption. */
    instruction: z.string().optional(),
    caption: z.string().optional(),
    images: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,31}$/), z.string().regex(/^[0-9a-f]{64}$/)).optional(),
  })
  .refine((c) => JSON.stringify(c).length <= 16 * 1024, { message: 'a condition is at most 16 KiB of JSON' });
export type SampleCondition = z.infer<typeof SampleCondition>;

/** One kept sample: its index in the run, its PNG (uploaded by sha256 first) and its condition. */
export const SampleRecord = z.strictObject({
  index: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  condition: SampleCondition,
});
export type SampleRecord = z.infer<typeof SampleRecord>;
export const SampleRecordsBody = z.strictObject({ samples: z.array(SampleRecord).min(1).max(256) });
export type SampleRecordsBody = z.infer<typeof SampleRecordsBody>;
