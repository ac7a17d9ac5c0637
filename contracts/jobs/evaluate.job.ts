import { z } from 'zod';

/** The evaluation queue: the API enqueues one job per Evaluation row; runners consume. */
export const EVALUATE_QUEUE = 'evaluations';

/**
 * Job payload. Everything else the runner needs it claims from the API, so the database stays the truth.
 * A sharded evaluation is a BullMQ flow on this queue: a parent job (`merge`, job id `<evaluation id>-flow-<time
 * it was queued>`) whose children are its shards (`shard`, job id = shardJobId); the parent runs once every
 * child has completed.
 */
export const EvaluateJob = z.strictObject({
  evaluationId: z.uuid(),
  /** A shard's child job: which shard (its sample range is the API's, in the shard's row). */
  shard: z.number().int().min(0).optional(),
  /** A sharded evaluation's parent job: merge the shards' partial results and store the metrics. */
  merge: z.literal(true).optional(),
});
export type EvaluateJob = z.infer<typeof EvaluateJob>;

/** The flow producer that enqueues sharded evaluations (a parent job per evaluation, a child per shard). */
export const EVALUATE_FLOW = 'evaluation-shards';

/** Job id of a shard's child job under the flow's parent job `flowJobId` (BullMQ job ids may not hold ':'). */
export function shardJobId(flowJobId: string, index: number): string {
  return `${flowJobId}-shard-${index}`;
}

/** Attempts for infrastructure faults; a model's own failure is never retried. */
export const EVALUATE_ATTEMPTS = 3;
