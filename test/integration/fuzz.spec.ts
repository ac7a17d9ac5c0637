import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, type TestStack, startStack } from '../support/stack.js';

/**
 * Property-based: at least 1,000 random bodies to each write endpoint, none answered with a 5xx, and no
 * model stored for the fuzzing owner. Bodies mix valid JSON of arbitrary shape, JSON shaped like the
 * endpoint's input with wrong values, and text that is not JSON at all.
 */
const RUNS = 1000;
const SEED = 20261127;

const anyJson = fc.oneof(
  fc.json(),
  fc.string(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .dictionary(
      fc.constantFrom(
        'name',
        'cron',
        'scope',
        'timezone',
        'suiteId',
        'modelId',
        'enabled',
        'role',
        'owner',
        'dailyQuota',
        'runnerId',
        'progress',
        'attempt',
        'metrics',
        'provenance',
        'kind',
        'reason',
        'expiresInDays',
      ),
      fc.jsonValue(),
    )
    .map((v) => JSON.stringify(v)),
);
const idLike = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.constant('00000000-0000-4000-8000-000000000000'));
const manifestLike = fc.oneof(
  fc.string(),
  fc.json(),
  fc
    .record(
      {
        name: fc.oneof(fc.string(), fc.constant('fuzz-model')),
        kind: fc.constantFrom('generator', 'denoiser', 'samples', 'extractor', 'segmenter', 'x'),
        resolution: fc.oneof(fc.integer(), fc.double(), fc.constant(32)),
        classes: fc.oneof(fc.integer(), fc.constant(0)),
        inputs: fc.oneof(fc.jsonValue(), fc.constant({ noise: 'z' })),
        outputs: fc.oneof(fc.jsonValue(), fc.constant({ images: 'images' })),
        noise_dim: fc.oneof(fc.integer(), fc.constant(64)),
        output_range: fc.oneof(fc.jsonValue(), fc.constant([-1, 1])),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
);

describe('fuzzing the write endpoints and the list queries', () => {
  let stack: TestStack;
  const statuses = new Map<string, Map<number, number>>();

  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
  });
  afterAll(async () => {
    for (const [endpoint, counts] of statuses) console.log(`${endpoint}: ${[...counts].map(([s, n]) => `${s}×${n}`).join(' ')}`);
    await stack?.close();
  });

  function record(endpoint: string, status: number): void {
    const m = statuses.get(endpoint) ?? new Map<number, number>();
    m.set(status, (m.get(status) ?? 0) + 1);
    statuses.set(endpoint, m);
  }

  async function postJson(endpoint: string, path: string, body: string, token: string, method = 'POST'): Promise<number> {
    const res = await fetch(`${stack.baseUrl}${path}`, {
      method,
      body,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    await res.arrayBuffer();
    record(endpoint, res.status);
    return res.status;
  }

  const jsonEndpoints: Array<[string, (id: string) => string, () => string, string?]> = [
    ['POST /api/schedules', () => '/api/schedules', () => stack.adminToken],
    ['PATCH /api/schedules/:id', (id) => `/api/schedules/${encodeURIComponent(id)}`, () => stack.adminToken, 'PATCH'],
    ['POST /api/admin/tokens', () => '/api/admin/tokens', () => stack.adminToken],
    ['POST /api/runner/evaluations/:id/claim', (id) => `/api/runner/evaluations/${encodeURIComponent(id)}/claim`, () => stack.runnerToken],
    [
      'POST /api/runner/evaluations/:id/progress',
      (id) => `/api/runner/evaluations/${encodeURIComponent(id)}/progress`,
      () => stack.runnerToken,
    ],
    [
      'POST /api/runner/evaluations/:id/result',
      (id) => `/api/runner/evaluations/${encodeURIComponent(id)}/result`,
      () => stack.runnerToken,
    ],
    [
      'POST /api/runner/evaluations/:id/failure',
      (id) => `/api/runner/evaluations/${encodeURIComponent(id)}/failure`,
      () => stack.runnerToken,
    ],
    ['POST /api/evaluations/:id/cancel', (id) => `/api/evaluations/${encodeURIComponent(id)}/cancel`, () => stack.adminToken],
    ['POST /api/evaluations/:id/retry', (id) => `/api/evaluations/${encodeURIComponent(id)}/retry`, () => stack.adminToken],
  ];

  for (const [endpoint, path, token, method] of jsonEndpoints) {
    it(`${endpoint}: ${RUNS} random bodies, no 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(idLike, anyJson, async (id, body) => {
          const status = await postJson(endpoint, path(id), body, token(), method);
          return status < 500;
        }),
        { numRuns: RUNS, seed: SEED },
      );
    });
  }

  // Query strings: known keys with random values (repeated keys make arrays), unknown keys, raw junk.
  const queryLike = fc.oneof(
    fc.string(),
    fc
      .array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom('owner', 'role', 'state', 'limit', 'offset', 'suite', 'suiteId', 'status', 'kind', 'sort', 'order', 'page'),
            fc.string({ maxLength: 12 }),
          ),
          fc.oneof(fc.string(), fc.integer().map(String), fc.double().map(String), fc.constantFrom('', 'true', '-1', '1e309', 'NaN')),
        ),
        { maxLength: 5 },
      )
      .map((pairs) => new URLSearchParams(pairs).toString()),
  );
  const readEndpoints: Array<[string, string, () => string]> = [
    ['GET /api/admin/tokens', '/api/admin/tokens', () => stack.adminToken],
    ['GET /api/evaluations', '/api/evaluations', () => stack.submitterToken],
    ['GET /api/models', '/api/models', () => stack.submitterToken],
    ['GET /api/leaderboards', '/api/leaderboards', () => stack.submitterToken],
  ];
  for (const [endpoint, path, token] of readEndpoints) {
    it(`${endpoint}: ${RUNS / 2} random query strings, no 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(queryLike, async (query) => {
          const res = await fetch(`${stack.baseUrl}${path}?${query}`, { headers: { authorization: `Bearer ${token()}` } });
          await res.arrayBuffer();
          record(endpoint, res.status);
          return res.status < 500;
        }),
        { numRuns: RUNS / 2, seed: SEED },
      );
    });
  }

  it(`DELETE /api/admin/tokens/:id: ${RUNS / 2} random ids and queries, no 5xx, the admin's token still works`, async () => {
    await fc.assert(
      fc.asyncProperty(idLike, queryLike, async (id, query) => {
        const res = await fetch(`${stack.baseUrl}/api/admin/tokens/${encodeURIComponent(id)}?${query}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${stack.adminToken}` },
        });
        await res.arrayBuffer();
        record('DELETE /api/admin/tokens/:id', res.status);
        return res.status < 500;
      }),
      { numRuns: RUNS / 2, seed: SEED },
    );
    expect((await fetch(`${stack.baseUrl}/api/admin/tokens`, { headers: { authorization: `Bearer ${stack.adminToken}` } })).status).toBe(
      200,
    );
  });

  it(`POST /api/models: ${RUNS} random multipart uploads, no 5xx, nothing stored`, async () => {
    await fc.assert(
      fc.asyncProperty(
        manifestLike,
        fc.uint8Array({ maxLength: 256 }),
        fc.boolean(),
        fc.constantFrom(undefined, 'public', 'private', 'x'),
        async (manifest, file, withFile, visibility) => {
          const form = new FormData();
          if (withFile) form.append('file', new Blob([file]), 'f.onnx');
          form.append('manifest', manifest);
          if (visibility) form.append('visibility', visibility);
          const res = await fetch(`${stack.baseUrl}/api/models`, {
            method: 'POST',
            body: form,
            headers: { authorization: `Bearer ${stack.submitterToken}` },
          });
          await res.arrayBuffer();
          record('POST /api/models', res.status);
          return res.status < 500;
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
    const models = await getJson(stack, `/api/models?owner=${stack.owner}`, stack.adminToken);
    expect(models.total).toBe(0);
  });
});
