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
