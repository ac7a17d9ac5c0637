import { ConflictException, NotFoundException } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import type { ApiToken } from '../generated/prisma/client.js';
import type { TokensRepository } from './tokens.repository.js';
import { hashToken, LAST_USED_RESOLUTION_MS, tokenState, TokensService, VERIFIED_TOKEN_TTL_MS } from './tokens.service.js';

/** Well-formed secrets (gb_<role>_ and 32 base64url characters), as `issue` makes them. */
const ADMIN_SECRET = 'gb_admin_' + 'A'.repeat(32);
const OLD_SECRET = 'gb_submitter_' + 'B'.repeat(32);
const UNKNOWN_SECRET = 'gb_runner_' + 'C'.repeat(32);

/** An in-memory stand-in for the repository: one row per token, keyed by id. */
function fakeRepository(rows: ApiToken[]) {
  const touched: string[] = [];
  const lookups: string[] = [];
  const repo = {
    findByHash: async (h: string) => {
      lookups.push(h);
      return rows.find((r) => r.tokenHash === h) ?? null;
    },
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
  return { repo: repo as unknown as TokensRepository, touched, lookups };
}

const row = (over: Partial<ApiToken> = {}): ApiToken => ({
  id: '00000000-0000-4000-8000-000000000001',
  name: 'laptop',
  tokenHash: hashToken(ADMIN_SECRET),
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
    expect(await tokens.authenticate(ADMIN_SECRET)).toMatchObject({ owner: 'ada', role: 'admin' });
    expect(await tokens.authenticate(ADMIN_SECRET)).toMatchObject({ owner: 'ada' });
    expect(touched).toHaveLength(1);

    const { repo: stale, touched: staleTouched } = fakeRepository([
      row({ lastUsedAt: new Date(Date.now() - LAST_USED_RESOLUTION_MS - 1) }),
    ]);
    await new TokensService(stale).authenticate(ADMIN_SECRET);
    expect(staleTouched).toHaveLength(1);
  });

  it('does not record uses of revoked, expired or unknown tokens', async () => {
    const { repo, touched } = fakeRepository([
      row({ revokedAt: new Date() }),
      row({ id: '00000000-0000-4000-8000-000000000002', tokenHash: hashToken(OLD_SECRET), expiresAt: new Date(Date.now() - 1) }),
    ]);
    const tokens = new TokensService(repo);
    expect(await tokens.authenticate(ADMIN_SECRET)).toBe('revoked');
    expect(await tokens.authenticate(OLD_SECRET)).toBe('expired');
    expect(await tokens.authenticate(UNKNOWN_SECRET)).toBe('unknown');
    expect(await tokens.authenticate(undefined)).toBe('missing');
    expect(touched).toEqual([]);
  });

  it('refuses a malformed token without a lookup', async () => {
    const { repo, lookups } = fakeRepository([row()]);
    const tokens = new TokensService(repo);
    for (const bad of [
      'nope',
      'gb_admin_' + 'A'.repeat(31),
      'gb_admin_' + 'A'.repeat(33),
      'gb_root_' + 'A'.repeat(32),
      'gb_admin_' + 'A'.repeat(31) + '!',
      'xx_admin_' + 'A'.repeat(32),
      ADMIN_SECRET + '\n',
    ]) {
      expect(await tokens.authenticate(bad), JSON.stringify(bad)).toBe('unknown');
    }
    expect(lookups).toEqual([]);
    expect(await tokens.authenticate(ADMIN_SECRET)).toMatchObject({ owner: 'ada' });
    expect(lookups).toHaveLength(1);
  });

  it('trusts a verified token for a few seconds, forgets it when revoked here, and never past its expiry', async () => {
    vi.useFakeTimers({ now: new Date('2026-06-01T00:00:00Z') });
    try {
      const r = row({ expiresAt: new Date('2026-06-01T00:00:02Z') });
      const { repo, lookups } = fakeRepository([r]);
      const tokens = new TokensService(repo);
      expect(await tokens.authenticate(ADMIN_SECRET)).toMatchObject({ owner: 'ada' });
      expect(await tokens.authenticate(ADMIN_SECRET)).toMatchObject({ owner: 'ada' });
      expect(lookups).toHaveLength(1);
      // Its expiry comes before the cache's time: the next use looks it up again, and it has expired.
      vi.setSystemTime(new Date('2026-06-01T00:00:02Z'));
      expect(await tokens.authenticate(ADMIN_SECRET)).toBe('expired');
      expect(lookups).toHaveLength(2);

      r.expiresAt = null;
      expect(await tokens.authenticate(ADMIN_SECRET)).toMatchObject({ owner: 'ada' });
      // Revoked by another process (straight in the rows): seen once the cached entry is older than the bound.
      r.revokedAt = new Date();
      expect(await tokens.authenticate(ADMIN_SECRET)).toMatchObject({ owner: 'ada' });
      vi.advanceTimersByTime(VERIFIED_TOKEN_TTL_MS);
      expect(await tokens.authenticate(ADMIN_SECRET)).toBe('revoked');

      // Revoked through this process: at once.
      r.revokedAt = null;
      expect(await tokens.authenticate(ADMIN_SECRET)).toMatchObject({ owner: 'ada' });
      await tokens.revoke(r.id);
      expect(await tokens.authenticate(ADMIN_SECRET)).toBe('revoked');
    } finally {
      vi.useRealTimers();
    }
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
