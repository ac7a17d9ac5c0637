import { z } from 'zod';

export const CreateTokenBody = z.strictObject({
  name: z.string().min(1).max(200),
  role: z.enum(['submitter', 'admin', 'runner']),
  owner: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-" only'),
  dailyQuota: z.number().int().min(0).max(1_000_000).nullable().optional(),
  expiresInDays: z.number().positive().max(3650).optional(),
});
export type CreateTokenBody = z.infer<typeof CreateTokenBody>;
export const TokenId = z.uuid({ message: 'token ids are UUIDs' });

export const ListTokensQuery = z.strictObject({
  owner: z.string().min(1).max(100).optional(),
  role: z.enum(['submitter', 'admin', 'runner']).optional(),
  /** `active`: neither revoked nor expired; `revoked` wins over `expired` when both apply. */
  state: z.enum(['active', 'revoked', 'expired']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListTokensQuery = z.infer<typeof ListTokensQuery>;

export const RevokeTokenQuery = z.strictObject({
  /** Needed to revoke the token the request itself is authenticated with (otherwise 409). */
  self: z
    .enum(['true', 'false'], { message: 'self is "true" or "false"' })
    .optional()
    .transform((v) => v === 'true'),
});
export type RevokeTokenQuery = z.infer<typeof RevokeTokenQuery>;

export const SweepArtifactsQuery = z.strictObject({
  /** Files younger than this are kept; default GENBENCH_ARTIFACT_SWEEP_GRACE_S. */
  graceSeconds: z.coerce
    .number()
    .min(0)
    .max(365 * 86_400)
    .optional(),
});
export type SweepArtifactsQuery = z.infer<typeof SweepArtifactsQuery>;
