import { z } from 'zod';
import { ArenaStanding } from '../arena/arena.schemas.js';
import { apiSchema } from '../common/openapi.js';
import { EvaluationTrigger, ModelKindName, VisibilityName } from '../evaluations/evaluations.schemas.js';
import { SEGMENTATION_PROTOCOLS } from '../../../contracts/enums.js';
import { TASKS } from '../../../contracts/suites/suite.schemas.js';

export const LeaderboardQuery = z.strictObject({
  task: z.enum(TASKS).optional(),
  resolution: z.coerce.number().int().min(1).optional(),
  suite: z.string().optional(),
  /** Zero-shot segmentation: only suites scored under this matching protocol. */
  protocol: z.enum(SEGMENTATION_PROTOCOLS).optional(),
  /** Video generation: only suites of videos of this many frames (boards are per resolution and frame count). */
  frames: z.coerce.number().int().min(1).optional(),
  /**
   * `latest` (default): one entry per model, its newest version the caller sees that has a score on the
   * suite. `all`: one entry per model version. Ranks, totals, pages and exports follow the choice.
   */
  versions: z
    .enum(['latest', 'all'])
    .default('latest')
    .describe(
      'latest: one entry per model, its newest version the caller may see that has a score on the suite; all: one entry per model version. Ranks, total, pages and exports follow the choice',
    ),
  /**
   * `metric` (default): by the suite's primary metric. `arena`: by the board's latest arena rating (README.md,
   * "Arena"): rated entries first, then those with too few votes, then those the arena has not rated.
   */
  sort: z
    .enum(['metric', 'arena'])
    .default('metric')
    .describe(
      "metric: by the primary metric (rank); arena: by the latest arena rating, entries with too few votes (GENBENCH_ARENA_MIN_VOTES) after the rated ones, unrated ones last; `rank` stays the metric's rank",
    ),
  /** Entries per board (ranks are computed over the whole board first). */
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type LeaderboardQuery = z.infer<typeof LeaderboardQuery>;

// Outputs of GET /api/leaderboards (leaderboard.service.ts); loose objects, as in evaluations.schemas.ts.
export const LeaderboardEntry = apiSchema(
  'LeaderboardEntry',
  z.looseObject({
    /** Ties share a rank (SQL RANK()). */
    rank: z.number().int(),
    model: z.looseObject({ id: z.uuid(), name: z.string(), owner: z.string(), kind: ModelKindName }),
    modelVersion: z.number().int(),
    modelVersionId: z.uuid(),
    visibility: VisibilityName.describe(
      "this version's own visibility, as its submission chose it: private versions are seen only by the model's owner and admins",
    ),
    evaluationId: z.uuid(),
    metrics: z.record(z.string(), z.number()),
    intervals: z.record(z.string(), z.tuple([z.number(), z.number()])),
    finishedAt: z.date().nullable(),
    trigger: EvaluationTrigger,
    drift: z.looseObject({ relativeChange: z.number(), flagged: z.boolean() }).nullable(),
    /** The protocol choices the runner recorded for this score (provenance.protocol: sampler, steps, …). */
    protocol: z.record(z.string(), z.unknown()).nullable(),
    arena: ArenaStanding.nullable().describe(
      "this version's standing in the board's latest arena rating (no rating below the minimum vote count); null: not rated by the arena",
    ),
  }),
);
export const LeaderboardBoard = apiSchema(
  'LeaderboardBoard',
  z.looseObject({
    suite: z.looseObject({
      id: z.string(),
      version: z.number().int(),
      task: z.string(),
      resolution: z.number().int(),
      primaryMetric: z.string(),
      higherIsBetter: z.boolean(),
      /** Zero-shot segmentation boards: the matching protocol and K; null elsewhere. */
      protocol: z.string().nullable(),
      classes: z.number().int().nullable(),
      /** Video boards: frames per video and frame rate; null elsewhere. */
      frames: z.number().int().nullable().optional(),
      fps: z.number().nullable().optional(),
    }),
    /** Entries on the whole board (the page is `entries`). */
    total: z.number().int(),
    entries: z.array(LeaderboardEntry),
  }),
);
export const Leaderboards = apiSchema(
  'Leaderboards',
  z.looseObject({
    versions: z.enum(['latest', 'all']).describe('the ranking mode of these boards (query parameter `versions`)'),
    boards: z.array(LeaderboardBoard),
  }),
);
export type Leaderboards = z.infer<typeof Leaderboards>;
/** GET /api/leaderboards/export: the query of GET /api/leaderboards (limit defaults to 1000) and the file format. */
export const LeaderboardExportQuery = LeaderboardQuery.extend({
  format: z.enum(['csv', 'json']).default('csv'),
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
});
/** One row of the export per board entry: suite, rank, model and version, metrics, provenance (columns: leaderboard-export.ts). */
export const LeaderboardExportRow = apiSchema(
  'LeaderboardExportRow',
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
);
