import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../api/src/auth/issue-token.js';
import { hashToken } from '../../api/src/auth/tokens.service.js';
import { type TestStack, startStack } from '../support/stack.js';

const VIEW_KEYS = ['createdAt', 'current', 'dailyQuota', 'expiresAt', 'id', 'lastUsedAt', 'name', 'owner', 'revokedAt', 'role', 'state'];

/** Listing and revoking tokens (GET, DELETE /api/admin/tokens): admins only, never a secret or its hash. */
describe('admin tokens', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function send(path: string, init: { method?: string; token?: string } = {}) {
    const res = await fetch(`${stack.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: init.token ? { authorization: `Bearer ${init.token}` } : {},
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text), headers: res.headers };
  }

  /** An owner no other test (or test file) issues tokens to. */
  const freshOwner = () => `${stack.owner}-tok-${randomBytes(3).toString('hex')}`;

  it('lists tokens newest first with their state, and neither their secret nor its hash', async () => {
    const owner = freshOwner();
    const first = await issueToken(stack.config, { name: 'laptop', role: 'submitter', owner, dailyQuota: 5 });
    const second = await issueToken(stack.config, { name: 'ci', role: 'runner', owner });
    const expired = await issueToken(stack.config, { name: 'old', role: 'submitter', owner, expiresAt: new Date(Date.now() - 1000) });

    const r = await send(`/api/admin/tokens?owner=${owner}`, { token: stack.adminToken });
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(3);
    expect(r.headers.get('content-range')).toBe('tokens 0-3/3');
    expect(r.body.items.map((t: { id: string }) => t.id)).toEqual([expired.id, second.id, first.id]);
    for (const t of r.body.items) expect(Object.keys(t).sort()).toEqual(VIEW_KEYS);
    expect(r.body.items[2]).toMatchObject({
      id: first.id,
      name: 'laptop',
      role: 'submitter',
      owner,
      dailyQuota: 5,
      state: 'active',
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
      current: false,
    });
    expect(r.body.items[0].state).toBe('expired');
    for (const { secret } of [first, second, expired]) {
      expect(r.text).not.toContain(secret);
      expect(r.text).not.toContain(hashToken(secret));
    }
    expect(r.text).not.toMatch(/tokenHash|token_hash|secret/i);

    // Filters and pages.
    const runners = await send(`/api/admin/tokens?owner=${owner}&role=runner`, { token: stack.adminToken });
    expect(runners.body.items.map((t: { id: string }) => t.id)).toEqual([second.id]);
    const active = await send(`/api/admin/tokens?owner=${owner}&state=active`, { token: stack.adminToken });
    expect(active.body.items.map((t: { id: string }) => t.id)).toEqual([second.id, first.id]);
    const page = await send(`/api/admin/tokens?owner=${owner}&limit=1&offset=1`, { token: stack.adminToken });
    expect(page.body).toMatchObject({ total: 3, items: [{ id: second.id }] });
    expect(page.headers.get('content-range')).toBe('tokens 1-2/3');
  });

  it('marks the caller’s own token and records when a token was last used', async () => {
    const owner = freshOwner();
    const admin = await issueToken(stack.config, { name: 'me', role: 'admin', owner });
    const before = Date.now();
    const r = await send(`/api/admin/tokens?owner=${owner}`, { token: admin.secret });
    expect(r.status).toBe(200);
    const [me] = r.body.items;
    expect(me).toMatchObject({ id: admin.id, current: true, state: 'active' });
    // The request listing it already used it.
    expect(Date.parse(me.lastUsedAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('refuses bad queries with a 400 naming the field', async () => {
    for (const [q, field] of [
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['offset=-1', 'offset'],
      ['role=root', 'role'],
      ['state=gone', 'state'],
      ['secret=1', ''],
    ] as const) {
      const r = await send(`/api/admin/tokens?${q}`, { token: stack.adminToken });
      expect(r.status, q).toBe(400);
      if (field)
        expect(
          r.body.issues.map((i: { path: string }) => i.path),
          q,
        ).toContain(field);
    }
    const bad = await send('/api/admin/tokens/not-a-uuid', { method: 'DELETE', token: stack.adminToken });
    expect(bad.status).toBe(400);
    const badSelf = await send(`/api/admin/tokens/${randomUUID()}?self=yes`, { method: 'DELETE', token: stack.adminToken });
    expect(badSelf.status).toBe(400);
  });

  it('revokes a token: it gets 401 from then on, and revoking it again changes nothing', async () => {
    const owner = freshOwner();
    const victim = await issueToken(stack.config, { name: 'leaked', role: 'submitter', owner });
    expect((await send('/api/auth/whoami', { token: victim.secret })).status).toBe(200);

    const r = await send(`/api/admin/tokens/${victim.id}`, { method: 'DELETE', token: stack.adminToken });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: victim.id, owner, state: 'revoked' });
    expect(r.body.revokedAt).toEqual(expect.any(String));
    expect(r.text).not.toContain(hashToken(victim.secret));

    const after = await send('/api/auth/whoami', { token: victim.secret });
    expect(after.status).toBe(401);
    expect(after.body.message).toBe('the API token has been revoked');

    const again = await send(`/api/admin/tokens/${victim.id}`, { method: 'DELETE', token: stack.adminToken });
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(r.body.revokedAt);

    const listed = await send(`/api/admin/tokens?owner=${owner}&state=revoked`, { token: stack.adminToken });
    expect(listed.body.items).toMatchObject([{ id: victim.id, state: 'revoked', revokedAt: r.body.revokedAt }]);
    expect((await send(`/api/admin/tokens?owner=${owner}&state=active`, { token: stack.adminToken })).body.total).toBe(0);
  });

  it('answers 404 for an unknown token id', async () => {
    const r = await send(`/api/admin/tokens/${randomUUID()}`, { method: 'DELETE', token: stack.adminToken });
    expect(r.status).toBe(404);
    expect(r.body.message).toMatch(/^no token /);
  });

  it('keeps an admin from revoking the token they are using unless they say so', async () => {
    const owner = freshOwner();
    const admin = await issueToken(stack.config, { name: 'mine', role: 'admin', owner });
    const refused = await send(`/api/admin/tokens/${admin.id}`, { method: 'DELETE', token: admin.secret });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/lock you out.*\?self=true/);
    expect((await send('/api/auth/whoami', { token: admin.secret })).status).toBe(200);

    const meant = await send(`/api/admin/tokens/${admin.id}?self=true`, { method: 'DELETE', token: admin.secret });
    expect(meant.status).toBe(200);
    expect(meant.body).toMatchObject({ id: admin.id, state: 'revoked', current: true });
    expect((await send('/api/admin/tokens', { token: admin.secret })).status).toBe(401);
  });

  it('is for admin tokens only: 401 without a token, 403 for submitter and runner tokens', async () => {
    const owner = freshOwner();
    const target = await issueToken(stack.config, { name: 'target', role: 'submitter', owner });
    const requests = [
      { path: '/api/admin/tokens', method: 'GET' },
      { path: `/api/admin/tokens/${target.id}`, method: 'DELETE' },
    ];
    for (const { path, method } of requests) {
      const anonymous = await send(path, { method });
      expect(anonymous.status, `${method} ${path}`).toBe(401);
      expect(anonymous.body.message).toBe('this endpoint needs an admin token: send "Authorization: Bearer <token>"');
      for (const [token, role] of [
        [stack.submitterToken, 'a submitter'],
        [stack.runnerToken, 'a runner'],
      ]) {
        const r = await send(path, { method, token });
        expect(r.status, `${method} ${path}`).toBe(403);
        expect(r.body.message).toBe(`this endpoint needs an admin token; yours is ${role} token`);
      }
      const unknown = await send(path, { method, token: 'gb_admin_not-a-real-token' });
      expect(unknown.status, `${method} ${path}`).toBe(401);
    }
    // None of those revoked the target.
    expect((await send('/api/auth/whoami', { token: target.secret })).status).toBe(200);
  });
});
