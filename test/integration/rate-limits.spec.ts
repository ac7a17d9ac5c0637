import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { TokensRepository } from '../../api/src/auth/tokens.repository.js';
import { type TestStack, startStack } from '../support/stack.js';

const FAILURES = 10;
const REQUESTS = 30;

/** A well-formed token that was never issued: costs a lookup, and fails. */
const unknownToken = (role = 'runner') => `gb_${role}_${randomUUID().replaceAll('-', '').slice(0, 32)}`;

/**
 * Rate limits as the README's "Security" section states them: requests per client address across routes,
 * failed authentications per client address across every route (runner endpoints included), refused before
 * any database lookup; malformed tokens never looked up.
 */
describe('rate limits per client address (behind a trusted proxy)', () => {
  let stack: TestStack;
  let lookups: MockInstance;
  beforeAll(async () => {
    stack = await startStack({
      runners: 0,
      // Each test plays its own client through X-Forwarded-For, which counts because loopback is trusted.
      config: { authFailuresPerMinute: FAILURES, rateLimitPerMinute: REQUESTS, trustProxy: ['loopback'] },
    });
    lookups = vi.spyOn(stack.app.get(TokensRepository), 'findByHash');
  });
  afterAll(async () => {
    lookups?.mockRestore();
    await stack?.close();
  });

  async function send(client: string, path: string, opts: { token?: string; method?: string; body?: unknown } = {}) {
    const res = await fetch(`${stack.baseUrl}${path}`, {
      method: opts.method ?? 'GET',
      headers: {
        'x-forwarded-for': client,
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json().catch(() => null)) as any };
  }
  const claim = (client: string, token: string) =>
    send(client, `/api/runner/evaluations/${randomUUID()}/claim`, { method: 'POST', token, body: { runnerId: 'r' } });

  it(`answers 429 with Retry-After to wrong tokens on a runner endpoint after ${FAILURES} failures, with no lookup`, async () => {
    const client = '198.51.100.1';
    for (let i = 0; i < FAILURES; i++) expect((await claim(client, unknownToken())).status).toBe(401);
    const before = lookups.mock.calls.length;
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await claim(client, unknownToken());
      statuses.push(r.status);
      if (i === 0) {
        expect(Number(r.retryAfter)).toBeGreaterThan(0);
        expect(Number(r.retryAfter)).toBeLessThanOrEqual(60);
        expect(r.body.message).toMatch(/too many failed authentications .*GENBENCH_AUTH_FAILURES_PER_MINUTE/);
      }
    }
    expect(new Set(statuses)).toEqual(new Set([429]));
    expect(lookups.mock.calls.length - before).toBe(0);
  });

  it('counts failures from one address across routes, and blocks valid tokens from it too', async () => {
    const client = '198.51.100.2';
    const routes: Array<() => Promise<{ status: number }>> = [
      () => claim(client, unknownToken()),
      () => send(client, '/api/auth/whoami', { token: unknownToken('submitter') }),
      () => send(client, '/api/admin/tokens', { token: unknownToken('admin') }),
      () =>
        send(client, `/api/runner/evaluations/${randomUUID()}/progress`, {
          method: 'POST',
          token: unknownToken(),
          body: { progress: 0.5 },
        }),
      () => send(client, '/api/models', { token: unknownToken('submitter') }), // a public route: the token still fails
    ];
    for (let i = 0; i < FAILURES; i++) {
      const r = await routes[i % routes.length]!();
      expect(r.status, `failure ${i + 1}`).not.toBe(429);
    }
    // Blocked everywhere now, whatever the token: the block comes before the lookup that would tell.
    expect((await send(client, '/api/auth/whoami', { token: stack.submitterToken })).status).toBe(429);
    expect((await claim(client, stack.runnerToken)).status).toBe(429);
    // Requests without a token are not authentication failures and are not blocked.
    expect((await send(client, '/api/suites')).status).toBe(200);
    // Another address is not affected.
    expect((await send('198.51.100.3', '/api/auth/whoami', { token: stack.submitterToken })).status).toBe(200);
  });

  it('never looks up a malformed token', async () => {
    const client = '198.51.100.4';
    const before = lookups.mock.calls.length;
    const malformed = [
      'nope',
      'gb_runner_short',
      `gb_root_${'a'.repeat(32)}`,
      `gb_runner_${'a'.repeat(31)}*`,
      `gb_runner_${'a'.repeat(40)}`,
    ];
    for (const token of malformed) {
      const r = await claim(client, token);
      expect(r.status, token).toBe(401);
      expect(r.body.message).toBe('the API token is not valid');
    }
    expect(lookups.mock.calls.length - before).toBe(0);
    expect((await claim(client, unknownToken())).status).toBe(401);
    expect(lookups.mock.calls.length - before).toBe(1);
  });

  it(`limits requests per address across routes, not per route (${REQUESTS} a minute)`, async () => {
    const client = '198.51.100.5';
    const paths = ['/api/suites', '/api/models', '/api/evaluations', '/api/leaderboards'];
    const statuses: number[] = [];
    for (let i = 0; i < REQUESTS + 5; i++) statuses.push((await send(client, paths[i % paths.length]!)).status);
    expect(statuses.slice(0, REQUESTS)).toEqual(new Array(REQUESTS).fill(200));
    expect(new Set(statuses.slice(REQUESTS))).toEqual(new Set([429]));
    const r = await send(client, '/api/health');
    expect(r.status).toBe(429);
    expect(Number(r.retryAfter)).toBeGreaterThan(0);
    expect(r.body.message).toMatch(/too many requests from your address .*GENBENCH_RATE_LIMIT_PER_MINUTE/);
    // Another address still gets through; runner endpoints are outside the request limit (not the failure one).
    expect((await send('198.51.100.6', '/api/suites')).status).toBe(200);
    expect((await claim(client, stack.runnerToken)).status).not.toBe(429);
  });
});

describe('rate limits per client address (no proxy trusted)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 0, config: { authFailuresPerMinute: FAILURES } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('ignores X-Forwarded-For: a client cannot escape the limit by naming other addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < FAILURES + 3; i++) {
      const res = await fetch(`${stack.baseUrl}/api/auth/whoami`, {
        headers: { authorization: `Bearer ${unknownToken('submitter')}`, 'x-forwarded-for': `203.0.113.${i}` },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, FAILURES)).toEqual(new Array(FAILURES).fill(401));
    expect(new Set(statuses.slice(FAILURES))).toEqual(new Set([429]));
  });
});
