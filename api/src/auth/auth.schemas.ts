import { z } from 'zod';
import { apiSchema } from '../common/openapi.js';

export const TokenRoleName = z.enum(['submitter', 'admin', 'runner']);

/** GET /api/auth/whoami: whose token this is, its role and its daily quota (null: unlimited). */
export const Whoami = apiSchema(
  'Whoami',
  z.looseObject({ owner: z.string(), role: TokenRoleName, dailyQuota: z.number().int().nullable() }),
);
