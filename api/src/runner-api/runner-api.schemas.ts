import { z } from 'zod';
import { ClaimResponse, MergeClaimResponse, ShardClaimResponse } from '../../../contracts/jobs/runner-api.schemas.js';
import { apiSchema } from '../common/openapi.js';

/**
 * Inputs of /api/runner/... are the runner's own contracts (contracts/jobs/runner-api.schemas.ts);
 * these are the API-side ones: the claim body, artifact hashes, and what each post answers.
 */
export const ClaimBody = z.strictObject({ runnerId: z.string().min(1).max(200) });
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex sha256');

/** A shard's index in the path (`/shards/:index/…`). */
export const ShardIndex = z.coerce.number().int().min(0).max(1023);
export const ShardClaimResponseView = apiSchema('ShardClaimResponse', ShardClaimResponse, 'What a runner needs to run a claimed shard.');
export const MergeClaimResponseView = apiSchema(
  'MergeClaimResponse',
  MergeClaimResponse,
  "What a runner needs to merge a sharded evaluation's shards.",
);
export const StoredPartial = apiSchema('StoredPartial', z.looseObject({ sha256: z.string(), size: z.number().int() }));
export const ClaimResponseView = apiSchema('ClaimResponse', ClaimResponse, 'What a runner needs to run a claimed evaluation.');
/** `accepted: false`: the claim is gone (cancelled, or taken over after its lease lapsed): stop. */
export const Accepted = apiSchema('Accepted', z.looseObject({ accepted: z.boolean() }));
/** `stored`, or `already-finished` for a duplicate failure report. */
export const Outcome = apiSchema('Outcome', z.looseObject({ outcome: z.string() }));
export const StoredGrid = apiSchema('StoredGrid', z.looseObject({ sha256: z.string(), size: z.number().int() }));
export const StoredSampleImage = apiSchema(
  'StoredSampleImage',
  z.looseObject({ sha256: z.string(), size: z.number().int(), width: z.number().int(), height: z.number().int() }),
);
/** `inserted`: rows new with this post (0 on a retry); `total`: rows the evaluation has; `keep`: the suite's K. */
export const StoredSamples = apiSchema(
  'StoredSamples',
  z.looseObject({ inserted: z.number().int(), total: z.number().int(), keep: z.number().int() }),
);
