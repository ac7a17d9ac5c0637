import { z } from 'zod';
import { apiSchema } from '../common/openapi.js';
import { ModelKindName } from '../evaluations/evaluations.schemas.js';

/** Suite ids are the `id` of a suite definition under benchmarks/ (e.g. `imagenet-256-cond`). */
export const SuiteId = z.string().min(1).max(200);

/** What GET /api/suites[/:id] returns: a suite, its newest version's facts, every version's stored definition. */
export const SuiteView = apiSchema(
  'Suite',
  z.looseObject({
    id: z.string(),
    task: z.string(),
    resolution: z.number().int(),
    description: z.string(),
    latestVersion: z.number().int().nullable(),
    primaryMetric: z.string().nullable(),
    higherIsBetter: z.boolean().nullable(),
    kinds: z.array(ModelKindName),
    versions: z.array(z.looseObject({ version: z.number().int(), createdAt: z.date(), definition: z.unknown() })),
    /** Whether this server holds what the suite needs (reference statistics, extractor weights, data). */
    available: z.boolean(),
    /** Why not, and what to download; null when available. */
    unavailableReason: z.string().nullable(),
  }),
);
export const SuiteList = z.array(SuiteView);

/** POST /api/suites/preview: where a submission of this manifest would go, and where not and why. */
export const SuitePreview = apiSchema(
  'SuitePreview',
  z.looseObject({
    kind: ModelKindName,
    resolution: z.number().int().nullable(),
    task: z.string().nullable(),
    suites: z.array(
      z.looseObject({
        id: z.string(),
        version: z.number().int(),
        /** `queued`: an evaluation would be created; `unavailable`: this server lacks its files; `not-applicable`: its protocol cannot drive the model. */
        outcome: z.enum(['queued', 'unavailable', 'not-applicable']),
        reason: z.string().nullable(),
      }),
    ),
  }),
);

/** What GET /api/suites/:id/prompts returns: a text-to-image suite's prompt list; image i answers prompt i. */
export const SuitePrompts = apiSchema(
  'SuitePrompts',
  z.object({ suite: z.string(), version: z.number().int(), count: z.number().int(), prompts: z.array(z.string()) }),
);
