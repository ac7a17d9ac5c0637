import { z } from 'zod';
import { TOKEN_ROLES } from '../../../contracts/enums.js';
import { apiSchema } from '../common/openapi.js';

export const CreateTokenBody = z.strictObject({
  name: z.string().min(1).max(200),
  role: z.enum(TOKEN_ROLES),
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
  role: z.enum(TOKEN_ROLES).optional(),
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

// Outputs (tokens.service.ts, reconciler.service.ts, artifact-sweeper.service.ts).
export const TokenView = apiSchema(
  'Token',
  z.looseObject({
    id: z.uuid(),
    name: z.string(),
    role: z.enum(TOKEN_ROLES),
    owner: z.string(),
    dailyQuota: z.number().int().nullable(),
    state: z.enum(['active', 'revoked', 'expired']),
    createdAt: z.date(),
    expiresAt: z.date().nullable(),
    revokedAt: z.date().nullable(),
    lastUsedAt: z.date().nullable(),
    /** Whether this is the token of the request itself. */
    current: z.boolean(),
  }),
  'A token without its secret (only a hash is stored).',
);
export const TokenPage = apiSchema('TokenPage', z.looseObject({ total: z.number().int(), items: z.array(TokenView) }));
export const CreatedToken = apiSchema(
  'CreatedToken',
  z.looseObject({ id: z.uuid(), secret: z.string(), role: z.enum(TOKEN_ROLES), owner: z.string() }),
  'The new token; `secret` (gb_…) is shown in this response only.',
);
export const ReconcileReportView = apiSchema(
  'ReconcileReport',
  z.looseObject({
    checked: z.number().int(),
    requeued: z.array(z.string()),
    failed: z.array(z.string()),
    claimed: z.array(z.string()).optional(),
    queueUnavailable: z.string().optional(),
  }),
);
export const SweepReportView = apiSchema(
  'SweepReport',
  z.looseObject({
    removed: z.array(z.looseObject({ sha256: z.string(), bytes: z.number() })),
    removedBytes: z.number(),
    uploadsRemoved: z.number().int(),
    kept: z.looseObject({ referenced: z.number().int(), young: z.number().int(), inUse: z.number().int() }),
    graceSeconds: z.number(),
  }),
);
