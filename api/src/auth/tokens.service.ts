import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TokensRepository } from './tokens.repository.js';
import type { TokenRole } from '../generated/prisma/client.js';

export interface Principal {
  tokenId: string;
  owner: string;
  role: TokenRole;
  dailyQuota: number | null;
}

/** Tokens are random secrets shown once; only their sha256 is stored. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export type AuthFailure = 'missing' | 'unknown' | 'expired' | 'revoked';

@Injectable()
export class TokensService {
  constructor(@Inject(TokensRepository) private readonly tokens: TokensRepository) {}

  async issue(opts: {
    name: string;
    role: TokenRole;
    owner: string;
    expiresAt?: Date | null;
    dailyQuota?: number | null;
  }): Promise<{ secret: string; id: string }> {
    const secret = `gb_${opts.role}_${randomBytes(24).toString('base64url')}`;
    const row = await this.tokens.create({ ...opts, tokenHash: hashToken(secret) });
    return { secret, id: row.id };
  }

  async authenticate(secret: string | undefined): Promise<Principal | AuthFailure> {
    if (!secret) return 'missing';
    const row = await this.tokens.findByHash(hashToken(secret));
    if (!row) return 'unknown';
    if (row.revokedAt) return 'revoked';
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return 'expired';
    return { tokenId: row.id, owner: row.owner, role: row.role, dailyQuota: row.dailyQuota };
  }

  revoke(id: string): Promise<boolean> {
    return this.tokens.revoke(id);
  }
}
