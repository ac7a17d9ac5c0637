import { createHash, randomBytes } from 'node:crypto';
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { type TokenState, type TokenSummaryRow, TokensRepository } from './tokens.repository.js';
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

/**
 * What `issue` makes: `gb_<role>_` and 24 random bytes in base64url (32 characters). Anything else cannot
 * be a token, and is refused without a database lookup.
 */
export const TOKEN_FORMAT = /^gb_(?:submitter|admin|runner)_[A-Za-z0-9_-]{32}$/;

/**
 * How long a verified token is trusted without asking the database again: the bound on how late a
 * revocation made by another API process takes effect here (this process forgets a token it revokes at
 * once). A token's expiry is never passed: an entry lives until the earlier of the two.
 */
export const VERIFIED_TOKEN_TTL_MS = 5_000;
/** Verified tokens remembered at once (a few hundred bytes each); past it the oldest entry goes. */
const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

interface Verified {
  principal: Principal;
  until: number;
}

/**
 * lastUsedAt is written at most once per this interval per token, so an authenticated request costs a
 * write only when the stored time is older: "last used" is accurate to the minute.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** What GET /api/admin/tokens shows of a token: never the secret nor its hash. */
export interface TokenView {
  id: string;
  name: string;
  role: TokenRole;
  owner: string;
  dailyQuota: number | null;
  state: TokenState;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  /** The token the request listing it was made with. */
  current: boolean;
}

export function tokenState(t: Pick<TokenSummaryRow, 'revokedAt' | 'expiresAt'>, now: Date): TokenState {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && t.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

function present(t: TokenSummaryRow, now: Date, viewer?: Principal): TokenView {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    owner: t.owner,
    dailyQuota: t.dailyQuota,
    state: tokenState(t, now),
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
    lastUsedAt: t.lastUsedAt,
    current: t.id === viewer?.tokenId,
  };
}

@Injectable()
export class TokensService {
  /** sha256 of a secret → who it is, for VERIFIED_TOKEN_TTL_MS. */
  private readonly verified = new Map<string, Verified>();

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

  /** Whether a presented secret has the shape of a token at all (no lookup; see TOKEN_FORMAT). */
  static wellFormed(secret: string): boolean {
    return TOKEN_FORMAT.test(secret);
  }

  async authenticate(secret: string | undefined): Promise<Principal | AuthFailure> {
    if (!secret) return 'missing';
    if (!TokensService.wellFormed(secret)) return 'unknown';
    const hash = hashToken(secret);
    const now = new Date();
    const hit = this.verified.get(hash);
    if (hit && hit.until > now.getTime()) return hit.principal;
    if (hit) this.verified.delete(hash);
    const row = await this.tokens.findByHash(hash);
    if (!row) return 'unknown';
    if (row.revokedAt) return 'revoked';
    if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return 'expired';
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) await this.tokens.touch(row.id, now);
    const principal: Principal = { tokenId: row.id, owner: row.owner, role: row.role, dailyQuota: row.dailyQuota };
    this.remember(hash, principal, Math.min(now.getTime() + VERIFIED_TOKEN_TTL_MS, row.expiresAt?.getTime() ?? Infinity));
    return principal;
  }

  private remember(hash: string, principal: Principal, until: number): void {
    this.verified.set(hash, { principal, until });
    if (this.verified.size > VERIFIED_TOKEN_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
  }

  /** Drops a token from the verified cache (on revocation, so it takes effect in this process at once). */
  private forget(id: string): void {
    for (const [hash, v] of this.verified) if (v.principal.tokenId === id) this.verified.delete(hash);
  }

  async list(
    q: { owner?: string; role?: TokenRole; state?: TokenState; limit: number; offset: number },
    viewer?: Principal,
  ): Promise<{ total: number; items: TokenView[] }> {
    const now = new Date();
    const [rows, total] = await this.tokens.list({ owner: q.owner, role: q.role, state: q.state, now, take: q.limit, skip: q.offset });
    return { total, items: rows.map((t) => present(t, now, viewer)) };
  }

  /**
   * Revokes a token; revoking a revoked one changes nothing and answers the same (its first revocation
   * time stays). The token of the request itself is refused unless `self` says it is meant: an admin
   * revoking their only admin token is locked out until `npm run token` issues another.
   */
  async revoke(id: string, by?: Principal, opts: { self?: boolean } = {}): Promise<TokenView> {
    if (by && id === by.tokenId && !opts.self) {
      throw new ConflictException(
        `token ${id} is the one this request is authenticated with; revoking it would lock you out. ` +
          'Revoke it with another admin token, or repeat the request with ?self=true if that is intended',
      );
    }
    await this.tokens.revoke(id);
    this.forget(id);
    const row = await this.tokens.findSummary(id);
    if (!row) throw new NotFoundException(`no token ${id}`);
    return present(row, new Date(), by);
  }
}
