import { ConflictException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import type { ApiToken } from '../generated/prisma/client.js';
import type { TokensRepository } from './tokens.repository.js';
import { hashToken, LAST_USED_RESOLUTION_MS, tokenState, TokensService } from './tokens.service.js';

/** An in-memory stand-in for the repository: one row per token, keyed by id. */
function fakeRepository(rows: ApiToken[]) {
  const touched: string[] = [];
  const repo = {
    findByHash: async (h: string) => rows.find((r) => r.tokenHash === h) ?? null,
    findSummary: async (id: string) => {
      const row = rows.find((r) => r.id === id);
      if (!row) return null;
      const { tokenHash: _hash, ...summary } = row;
      return summary;
    },
    revoke: async (id: string) => {
      const row = rows.find((r) => r.id === id && !r.revokedAt);
      if (row) row.revokedAt = new Date();
      return !!row;
    },
    touch: async (id: string, at: Date) => {
      touched.push(id);
      rows.find((r) => r.id === id)!.lastUsedAt = at;
    },
  };
  return { repo: repo as unknown as TokensRepository, touched };
}

const row = (over: Partial<ApiToken> = {}): ApiToken => ({
  id: '00000000-0000-4000-8000-000000000001',
  name: 'laptop',
  tokenHash: hashToken('gb_admin_secret'),
  role: 'admin',
  owner: 'ada',
  dailyQuota: null,
  expiresAt: null,
  revokedAt: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  lastUsedAt: null,
  ...over,
});

describe('TokensService', () => {
  it('records the last use at most once per resolution interval', async () => {
    const { repo, touched } = fakeRepository([row()]);
    const tokens = new TokensService(repo);
    expect(await tokens.authenticate('gb_admin_secret')).toMatchObject({ owner: 'ada', role: 'admin' });
    expect(await tokens.authenticate('gb_admin_secret')).toMatchObject({ owner: 'ada' });
    expect(touched).toHaveLength(1);

    const { repo: stale, touched: staleTouched } = fakeRepository([
      row({ lastUsedAt: new Date(Date.now() - LAST_USED_RESOLUTION_MS - 1) }),
    ]);
    await new TokensService(stale).authenticate('gb_admin_secret');
    expect(staleTouched).toHaveLength(1);
  });

  it('does not record uses of revoked, expired or unknown tokens', async () => {
    const { repo, touched } = fakeRepository([
      row({ revokedAt: new Date() }),
      row({ id: '00000000-0000-4000-8000-000000000002', tokenHash: hashToken('gb_old'), expiresAt: new Date(Date.now() - 1) }),
    ]);
    const tokens = new TokensService(repo);
    expect(await tokens.authenticate('gb_admin_secret')).toBe('revoked');
    expect(await tokens.authenticate('gb_old')).toBe('expired');
    expect(await tokens.authenticate('gb_nope')).toBe('unknown');
    expect(await tokens.authenticate(undefined)).toBe('missing');
    expect(touched).toEqual([]);
  });

  it('refuses to revoke the caller’s own token unless told it is meant, and is idempotent', async () => {
    const r = row();
    const { repo } = fakeRepository([r]);
    const tokens = new TokensService(repo);
    const me = { tokenId: r.id, owner: 'ada', role: 'admin' as const, dailyQuota: null };
    await expect(tokens.revoke(r.id, me)).rejects.toBeInstanceOf(ConflictException);
    expect(r.revokedAt).toBeNull();

    const first = await tokens.revoke(r.id, me, { self: true });
    expect(first).toMatchObject({ id: r.id, state: 'revoked', current: true });
    expect(first).not.toHaveProperty('tokenHash');
    const again = await tokens.revoke(r.id);
    expect(again.revokedAt).toEqual(first.revokedAt);
    await expect(tokens.revoke('00000000-0000-4000-8000-00000000000f')).rejects.toBeInstanceOf(NotFoundException);
  });

  it('names a token revoked before expired', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(tokenState({ revokedAt: null, expiresAt: null }, now)).toBe('active');
    expect(tokenState({ revokedAt: null, expiresAt: new Date('2026-07-01T00:00:00Z') }, now)).toBe('active');
    expect(tokenState({ revokedAt: null, expiresAt: now }, now)).toBe('expired');
    expect(tokenState({ revokedAt: now, expiresAt: new Date('2026-01-01T00:00:00Z') }, now)).toBe('revoked');
  });
});
