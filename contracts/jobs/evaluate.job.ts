import { z } from 'zod';

/** The evaluation queue: the API enqueues one job per Evaluation row; runners consume. */
export const EVALUATE_QUEUE = 'evaluations';

/** Job payload. Everything else the runner needs it claims from the API, so the database stays the truth. */
export const EvaluateJob = z.strictObject({ evaluationId: z.uuid() });
export type EvaluateJob = z.infer<typeof EvaluateJob>;

/** Attempts for infrastructure faults; a model's own failure is never retried. */
export const EVALUATE_ATTEMPTS = 3;
