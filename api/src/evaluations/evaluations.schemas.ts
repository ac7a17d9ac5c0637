import { z } from 'zod';
import { EVALUATION_STATUSES, EVALUATION_TRIGGERS, MODEL_KINDS, VISIBILITIES } from '../../../contracts/enums.js';
import { FailureKind, StageProgressReport } from '../../../contracts/jobs/runner-api.schemas.js';
import { apiSchema } from '../common/openapi.js';

export const ListEvaluationsQuery = z.strictObject({
  status: z.enum(EVALUATION_STATUSES).optional(),
  modelId: z.uuid().optional(),
  suiteId: z.string().optional(),
  owner: z.string().max(200).optional(),
  trigger: z.enum(EVALUATION_TRIGGERS).optional(),
  /** Comma-separated evaluation ids (at most 100). */
  ids: z
    .string()
    .transform((v) => v.split(',').filter(Boolean))
    .pipe(z.array(z.uuid()).max(100))
    .optional()
    .describe('comma-separated evaluation ids (at most 100)'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListEvaluationsQuery = z.infer<typeof ListEvaluationsQuery>;
export const EvaluationId = z.uuid({ message: 'evaluation ids are UUIDs' });
export const SampleIndex = z.coerce.number().int().min(0).max(1_000_000);

/** A role a kept sample's condition names an image by (`input`, `target`), as the runner records it. */
export const SampleImageRole = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/);

/** GET /api/evaluations/:id/samples: the kept samples, by index. */
export const EvaluationSamplesView = apiSchema(
  'EvaluationSamples',
  z.looseObject({
    evaluationId: z.string(),
    items: z.array(
      z.looseObject({
        index: z.number().int(),
        /** `{class_label}`, `{prompt}` or `{}`; image-conditioned families add `images: {name: sha256}`. */
        condition: z.record(z.string(), z.unknown()),
        width: z.number().int(),
        height: z.number().int(),
        /** `image/png`, or `image/webp`: a video evaluation's animated preview of the whole video (issue #21.4). */
        mediaType: z.enum(['image/png', 'image/webp']),
        /**
         * Frames stored in an animated preview (libwebp stores a run of identical consecutive video frames once,
         * shown for the run's length, so this can be fewer than the video's); null for a still image.
         */
        frames: z.number().int().nullable(),
        /** The file: `/samples/:index.png`, or `/samples/:index.webp` for an animated preview. */
        image: z.string(),
        /** URLs of the images the condition names, by role (`input`, `target`); `{}` for prompt and class conditions. */
        conditionImages: z.record(z.string(), z.string()),
      }),
    ),
  }),
  "An evaluation's kept samples (the suite's first preview_samples indices).",
);

// Outputs: what GET /api/evaluations[/:id] and the admin actions return (evaluation.presenter.ts). Objects are
// loose: a field added later is passed on (and should be declared here); a declared field must match.
export const EvaluationStatus = z.enum(EVALUATION_STATUSES);
export const EvaluationTrigger = z.enum(EVALUATION_TRIGGERS);
export const ModelKindName = z.enum(MODEL_KINDS);
export const VisibilityName = z.enum(VISIBILITIES);
/** The runner's own enum (the failure post's `kind`), so the two cannot drift. */
export const FailureKindName = FailureKind;

export const EvaluationView = apiSchema(
  'Evaluation',
  z.looseObject({
    id: z.uuid(),
    status: EvaluationStatus,
    trigger: EvaluationTrigger,
    /** 0–1 while running. */
    progress: z.number(),
    stageProgress: StageProgressReport.nullable().describe(
      "where the time goes: the runner's latest stage, done/total, rate (samples/s), ETA (s) and wall time per stage (ms) so far; while running it is live (posted at most once a second), after the run it is the last one posted",
    ),
    attempts: z.number().int(),
    failureReason: z.string().nullable(),
    failureKind: FailureKindName.nullable().describe(
      'who must act on a failed evaluation: model (its author), suite (an admin), infrastructure (retries ran out); null otherwise and for failures stored before the kind was recorded',
    ),
    queuedAt: z.date(),
    startedAt: z.date().nullable(),
    finishedAt: z.date().nullable(),
    durationMs: z.number().nullable(),
    model: z.looseObject({
      id: z.uuid(),
      name: z.string(),
      owner: z.string(),
      kind: ModelKindName,
      visibility: VisibilityName.describe("the visibility of this evaluation's model version (each version has its own)"),
      versionId: z.uuid(),
      version: z.number().int(),
    }),
    suite: z.looseObject({ id: z.string(), version: z.number().int(), primaryMetric: z.string() }),
    /** Metric id → value (contracts/metrics/registry.ts; GET /api/metrics says which direction is better). */
    metrics: z.record(z.string(), z.number()),
    /** Metric id → [low, high] confidence interval, where the metric has one. */
    intervals: z.record(z.string(), z.tuple([z.number(), z.number()])),
    /** Runner, onnxruntime and hardware facts, seed and protocol choices (free-form JSON). */
    provenance: z.unknown(),
    drift: z.looseObject({ relativeChange: z.number(), flagged: z.boolean(), previousEvaluationId: z.uuid().nullable() }).nullable(),
    /** Path of the 8×8 sample grid PNG, when the runner uploaded one. */
    sampleGrid: z.string().nullable(),
  }),
  'One evaluation of one model version on one suite version.',
);
export const EvaluationPage = apiSchema('EvaluationPage', z.looseObject({ total: z.number().int(), items: z.array(EvaluationView) }));
