import { z } from 'zod';
import { apiSchema } from '../common/openapi.js';

/** One metric of the registry (contracts/metrics/registry.ts). */
export const MetricInfoView = apiSchema(
  'MetricInfo',
  z.looseObject({ id: z.string(), version: z.number().int(), higherIsBetter: z.boolean(), description: z.string() }),
);
export const MetricInfoList = z.array(MetricInfoView);
