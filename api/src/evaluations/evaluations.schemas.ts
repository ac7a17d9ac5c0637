import { z } from 'zod';

export const ListEvaluationsQuery = z.strictObject({
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']).optional(),
  modelId: z.uuid().optional(),
  suiteId: z.string().optional(),
  owner: z.string().max(200).optional(),
  trigger: z.enum(['submit', 'nightly', 'manual']).optional(),
  /** Comma-separated evaluation ids (at most 100). */
  ids: z
    .string()
    .transform((v) => v.split(',').filter(Boolean))
    .pipe(z.array(z.uuid()).max(100))
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListEvaluationsQuery = z.infer<typeof ListEvaluationsQuery>;
export const EvaluationId = z.uuid({ message: 'evaluation ids are UUIDs' });
