import { z } from 'zod';
import { apiSchema } from '../common/openapi.js';

const Component = z.looseObject({
  status: z.enum(['up', 'down']),
  /** When down: what failed. */
  error: z.string().optional(),
  /** When up, for the queue: jobs per state. */
  counts: z.record(z.string(), z.number()).optional(),
});

/** GET /api/health: 200 with this body when every component is up; 503 with the same fields when one is down. */
export const HealthReportView = apiSchema(
  'HealthReport',
  z.looseObject({ status: z.enum(['ok', 'unavailable']), components: z.record(z.string(), Component) }),
);
