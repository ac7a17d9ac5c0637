import type { TokenRole } from '../api-types';

/** POST /api/admin/tokens (create `tokens`): the API accepts no empty quota or expiry, so those are left out. */
export interface IssueTokenInput {
  name: string;
  role: TokenRole;
  owner: string;
  dailyQuota?: number;
  expiresInDays?: number;
}

/** The form's values: emptied number inputs hold null, which the API does not accept. */
export interface TokenFormValues {
  name: string;
  role: TokenRole;
  owner: string;
  dailyQuota?: number | null;
  expiresInDays?: number | null;
}

/** The body POST /api/admin/tokens accepts (strict): trimmed names, no empty quota or expiry. */
export function toTokenBody(v: Partial<TokenFormValues>): IssueTokenInput {
  return {
    name: v.name?.trim() ?? '',
    role: v.role ?? 'submitter',
    owner: v.owner?.trim() ?? '',
    ...(v.dailyQuota != null ? { dailyQuota: v.dailyQuota } : {}),
    ...(v.expiresInDays != null ? { expiresInDays: v.expiresInDays } : {}),
  };
}
