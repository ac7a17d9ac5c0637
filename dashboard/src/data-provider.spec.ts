import { HttpError } from 'react-admin';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LeaderboardEntry } from './api-types';
import { boardPages, dataProvider, sortRecords } from './data-provider';

/** A fetch that answers each request from `routes` (by method and path with query) and records what it was asked. */
function fakeApi(routes: Record<string, { status?: number; body: unknown }>) {
  const calls: Array<{ method: string; url: string; auth: string | null; body?: unknown }> = [];
  const fetch = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input instanceof Request ? input.url : input), 'http://dashboard.test');
    const method = init?.method ?? 'GET';
    const path = `${url.pathname}${url.search}`;
    const headers = new Headers(init?.headers);
    calls.push({
      method,
      url: path,
      auth: headers.get('Authorization'),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const route = routes[`${method} ${path}`];
    if (!route)
      return Promise.resolve(new Response(JSON.stringify({ statusCode: 404, message: `no route ${method} ${path}` }), { status: 404 }));
    return Promise.resolve(
      new Response(JSON.stringify(route.body), { status: route.status ?? 200, headers: { 'Content-Type': 'application/json' } }),
    );
  });
  vi.stubGlobal('fetch', fetch);
  return calls;
}

const entry = (rank: number, fid: number | undefined, name: string): Omit<LeaderboardEntry, 'id'> => ({
  rank,
  evaluationId: `eval-${name}`,
  model: { id: `model-${name}`, name, owner: 'alice', kind: 'generator' },
  modelVersion: 1,
  modelVersionId: `mv-${name}`,
  metrics: fid === undefined ? {} : { fid },
  intervals: {},
  finishedAt: '2025-05-01T00:00:00.000Z',
  trigger: 'submit',
  drift: null,
  protocol: null,
});

const suite = {
  id: 'smoke-32',
  version: 1,
  task: 'unconditional-generation' as const,
  resolution: 32,
  primaryMetric: 'fid',
  higherIsBetter: false,
};

describe('data provider', () => {
  beforeEach(() => {
    const store = new Map<string, string>([['genbench.token', ' secret-token ']]);
    vi.stubGlobal('localStorage', {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
      removeItem: (k: string) => store.delete(k),
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  describe('sortRecords', () => {
    const rows = [
      { id: 1, m: { fid: 3 }, name: 'b' },
      { id: 2, m: {}, name: 'a' },
      { id: 3, m: { fid: 1 }, name: 'c' },
      { id: 4, m: { fid: 2 }, name: { nested: true } },
    ];
    it('sorts by a dotted path either way, missing values last in both orders', () => {
      expect(sortRecords(rows, { field: 'm.fid', order: 'ASC' }).map((r) => r.id)).toEqual([3, 4, 1, 2]);
      expect(sortRecords(rows, { field: 'm.fid', order: 'DESC' }).map((r) => r.id)).toEqual([1, 4, 3, 2]);
    });
    it('compares non-numbers as text (objects as JSON) and leaves the input alone', () => {
      expect(sortRecords(rows, { field: 'name', order: 'ASC' }).map((r) => r.id)).toEqual([4, 2, 1, 3]);
      expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4]);
      expect(sortRecords(rows, undefined)).toBe(rows);
    });
  });

  describe('boardPages', () => {
    const board = { suite, total: 3, entries: [entry(1, 1, 'good'), entry(2, 2, 'mid'), entry(3, 9, 'noisy')] };
    it('identifies boards by suite and entries by evaluation, keeping the API’s page in rank order', () => {
      const [page] = boardPages([board], { pagination: { page: 2, perPage: 2 }, sort: { field: 'rank', order: 'ASC' } });
      expect(page!.id).toBe('smoke-32');
      expect(page!.entries.map((e) => e.id)).toEqual(['eval-good', 'eval-mid', 'eval-noisy']);
    });
    it('sorts the whole board by another column before cutting the page', () => {
      const sort = { field: 'metrics.fid', order: 'DESC' as const };
      expect(boardPages([board], { pagination: { page: 1, perPage: 2 }, sort })[0]!.entries.map((e) => e.id)).toEqual([
        'eval-noisy',
        'eval-mid',
      ]);
      expect(boardPages([board], { pagination: { page: 2, perPage: 2 }, sort })[0]!.entries.map((e) => e.id)).toEqual(['eval-good']);
    });
    it('keeps the ranking when the board reports no value for the sorted metric', () => {
      const page = boardPages([board], { pagination: { page: 1, perPage: 3 }, sort: { field: 'metrics.miou', order: 'DESC' } })[0]!;
      expect(page.entries.map((e) => e.rank)).toEqual([1, 2, 3]);
    });
  });

  it('lists boards with their totals from one small request, forwarding only the filters the API knows', async () => {
    const calls = fakeApi({
      'GET /api/leaderboards?task=unconditional-generation&versions=all&limit=1&offset=0': {
        body: { versions: 'all', boards: [{ suite, total: 7, entries: [entry(1, 1, 'good')] }] },
      },
    });
    const { data, total } = await dataProvider.getList('leaderboards', {
      filter: { task: 'unconditional-generation', versions: 'all', q: 'ignored' },
      pagination: { page: 1, perPage: 25 },
      sort: { field: 'metrics.fid', order: 'ASC' },
    });
    expect(data).toEqual([{ id: 'smoke-32', suite, total: 7 }]);
    expect(total).toBe(1);
    expect(calls[0]!.auth).toBe('Bearer secret-token');
  });

  it('ranks a board by arena rating on the API (sort=arena), which pages it, and keeps its order', async () => {
    const board = { suite, total: 3, entries: [entry(3, 9, 'noisy'), entry(1, 1, 'good')] };
    const calls = fakeApi({
      'GET /api/leaderboards?suite=smoke-32&sort=arena&limit=2&offset=0': { body: { boards: [board] } },
    });
    const { data, total } = await dataProvider.getList<LeaderboardEntry>('leaderboard-entries', {
      filter: { suite: 'smoke-32' },
      pagination: { page: 1, perPage: 2 },
      sort: { field: 'arena.rating', order: 'DESC' },
    });
    expect(data.map((e) => e.id)).toEqual(['eval-noisy', 'eval-good']);
    expect(total).toBe(3);
    expect(calls.map((c) => c.url)).toEqual(['/api/leaderboards?suite=smoke-32&sort=arena&limit=2&offset=0']);
  });

  it('lists one board’s entries: a page from the API in rank order, the whole board when sorted otherwise', async () => {
    const board = { suite, total: 3, entries: [entry(1, 1, 'good'), entry(2, 2, 'mid'), entry(3, 9, 'noisy')] };
    const calls = fakeApi({
      'GET /api/leaderboards?suite=smoke-32&limit=2&offset=2': { body: { boards: [{ ...board, entries: board.entries.slice(2) }] } },
      'GET /api/leaderboards?suite=smoke-32&limit=1000&offset=0': { body: { boards: [board] } },
    });
    const ranked = await dataProvider.getList<LeaderboardEntry>('leaderboard-entries', {
      filter: { suite: 'smoke-32' },
      pagination: { page: 2, perPage: 2 },
      sort: { field: 'rank', order: 'ASC' },
    });
    expect(ranked).toMatchObject({ total: 3, data: [{ id: 'eval-noisy', rank: 3 }] });
    const sorted = await dataProvider.getList<LeaderboardEntry>('leaderboard-entries', {
      filter: { suite: 'smoke-32' },
      pagination: { page: 1, perPage: 2 },
      sort: { field: 'metrics.fid', order: 'DESC' },
    });
    expect(sorted.data.map((e) => e.id)).toEqual(['eval-noisy', 'eval-mid']);
    expect(sorted.total).toBe(3);
    expect(calls.map((c) => c.url)).toEqual([
      '/api/leaderboards?suite=smoke-32&limit=2&offset=2',
      '/api/leaderboards?suite=smoke-32&limit=1000&offset=0',
    ]);
    await expect(dataProvider.getList('leaderboard-entries', { filter: {} })).rejects.toMatchObject({ status: 400 });
  });

  it('issues and revokes tokens as create and delete of the tokens resource', async () => {
    const issued = { id: 't1', secret: 'gb_secret', role: 'submitter', owner: 'bob' };
    const revoked = { id: 't1', name: 'laptop', role: 'submitter', owner: 'bob', state: 'revoked' };
    const calls = fakeApi({
      'POST /api/admin/tokens': { status: 201, body: issued },
      'DELETE /api/admin/tokens/t1': { body: revoked },
      'DELETE /api/admin/tokens/t2?self=true': { body: { ...revoked, id: 't2' } },
    });
    const body = { name: 'laptop', role: 'submitter', owner: 'bob' };
    expect((await dataProvider.create('tokens', { data: body })).data).toEqual(issued);
    expect(calls[0]!.body).toEqual(body);
    expect((await dataProvider.delete('tokens', { id: 't1' })).data).toEqual(revoked);
    expect((await dataProvider.delete('tokens', { id: 't2', meta: { self: true } })).data).toMatchObject({ id: 't2' });
  });

  it('answers a deleted schedule with the record it had, since the API answers nothing useful', async () => {
    fakeApi({ 'DELETE /api/schedules/s1': { body: { deleted: true } } });
    const previousData = { id: 's1', name: 'nightly' };
    expect((await dataProvider.delete('schedules', { id: 's1', previousData })).data).toEqual(previousData);
  });

  it('turns a rejected write into react-admin’s server-side validation errors: inputs by name, the rest as the root error', async () => {
    fakeApi({
      'POST /api/schedules': {
        status: 400,
        body: {
          statusCode: 400,
          message: 'invalid schedule',
          issues: [
            { path: 'cron', message: '"every night" is not a valid cron expression' },
            { path: 'timezone', message: 'unknown time zone' },
            { path: 'colour', message: 'unrecognized key' },
          ],
        },
      },
      'POST /api/admin/tokens': { status: 403, body: { statusCode: 403, message: 'admin token required' } },
    });
    const rejected = await dataProvider.create('schedules', { data: { cron: 'every night' } }).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(HttpError);
    expect((rejected as HttpError).status).toBe(400);
    expect((rejected as HttpError).body).toMatchObject({
      issues: expect.any(Array),
      errors: {
        cron: '"every night" is not a valid cron expression',
        timezone: 'unknown time zone',
        root: { serverError: 'colour: unrecognized key' },
      },
    });
    const forbidden = await dataProvider.create('tokens', { data: {} }).catch((e: unknown) => e);
    expect((forbidden as HttpError).body).toMatchObject({ errors: { root: { serverError: '403: admin token required' } } });
  });

  it('refuses writes the API does not offer without asking it', async () => {
    const calls = fakeApi({});
    await expect(dataProvider.create('models', { data: {} })).rejects.toMatchObject({ status: 405 });
    await expect(dataProvider.update('tokens', { id: 't1', data: {}, previousData: { id: 't1' } })).rejects.toMatchObject({ status: 405 });
    await expect(dataProvider.delete('evaluations', { id: 'e1' })).rejects.toMatchObject({ status: 405 });
    expect(calls).toEqual([]);
  });

  it('asks for many evaluations 100 ids at a time and answers in the order asked, leaving out those not found', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `e${i}`);
    const first = new URLSearchParams({ ids: ids.slice(0, 100).join(','), limit: '100' });
    const second = new URLSearchParams({ ids: ids.slice(100).join(','), limit: '50' });
    const calls = fakeApi({
      [`GET /api/evaluations?${first}`]: {
        body: {
          items: ids
            .slice(0, 100)
            .reverse()
            .map((id) => ({ id })),
        },
      },
      [`GET /api/evaluations?${second}`]: { body: { items: ids.slice(100, 149).map((id) => ({ id })) } },
    });
    const { data } = await dataProvider.getMany('evaluations', { ids });
    expect(data.map((e) => e.id)).toEqual(ids.slice(0, 149));
    expect(calls).toHaveLength(2);
  });
});
