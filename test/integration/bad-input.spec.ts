import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildExternalDataModel, buildNanGenerator } from '../support/onnx-models/broken-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { issueToken } from '../../api/src/auth/issue-token.js';
import { getJson, type TestStack, startStack, submitModel, waitForEvaluation } from '../support/stack.js';

const gen = (seed = 1) => buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed });

/** Bad input everywhere gets a clear 4xx, never a 5xx, and nothing is stored. */
describe('bad input', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 1, config: { maxUploadBytes: 2 * 1024 * 1024 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function nothingStoredFor(owner: string): Promise<void> {
    const models = await getJson(stack, `/api/models?owner=${owner}`, stack.adminToken);
    expect(models.total).toBe(0);
    expect(await readdir(stack.config.uploadTmpDir)).toEqual([]);
  }

  async function send(path: string, init: RequestInit & { token?: string } = {}) {
    const res = await fetch(`${stack.baseUrl}${path}`, {
      ...init,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}),
      },
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  }

  it('refuses an ONNX file that keeps its weights in external files', async () => {
    const r = await submitModel(
      stack,
      stack.submitterToken,
      buildExternalDataModel({ location: '../../../etc/passwd' }),
      exampleManifest('external'),
    );
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/external files \(w\).*self-contained/);
    await nothingStoredFor(stack.owner);
  });

  it('refuses absurd declared dimensions, wrong types and names with path separators, naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ ...exampleManifest('huge'), noise_dim: 1e12 }, 'manifest.noise_dim'],
      [{ ...exampleManifest('huge'), resolution: 1_000_000 }, 'manifest.resolution'],
      [{ ...exampleManifest('neg'), classes: -3 }, 'manifest.classes'],
      [{ ...exampleManifest('types'), noise_dim: '64' }, 'manifest.noise_dim'],
      [{ ...exampleManifest('x'), name: '../../etc/passwd' }, 'manifest.name'],
      [{ ...exampleManifest('x'), name: 'a\\b' }, 'manifest.name'],
      [{ ...exampleManifest('x'), inputs: 'z' }, 'manifest.inputs'],
    ];
    for (const [manifest, path] of cases) {
      const r = await submitModel(stack, stack.submitterToken, gen(), manifest);
      expect(r.status, JSON.stringify(manifest)).toBe(400);
      expect(r.body.issues.map((i: any) => i.path)).toContain(path);
    }
    const noFile = await submitModel(stack, stack.submitterToken, undefined, exampleManifest('nofile'));
    expect(noFile.status).toBe(400);
    expect(noFile.body.message).toMatch(/no "file" part/);
    const noManifest = await submitModel(stack, stack.submitterToken, gen(), undefined);
    expect(noManifest.status).toBe(400);
    expect(noManifest.body.message).toMatch(/no "manifest" part/);
    await nothingStoredFor(stack.owner);
  });

  it('answers 413 with the limit for an oversized upload and keeps nothing', async () => {
    const big = new Uint8Array(3 * 1024 * 1024).fill(7);
    const r = await submitModel(stack, stack.submitterToken, big, exampleManifest('big'));
    expect(r.status).toBe(413);
    expect(r.body.message).toMatch(/larger than this server's limit of 2 MB/);
    await nothingStoredFor(stack.owner);
  });

  it('answers 400 for malformed JSON bodies', async () => {
    const r = await send('/api/schedules', { method: 'POST', body: '{"name": "x", ', token: stack.adminToken });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/malformed JSON body/);
    const r2 = await send('/api/runner/evaluations/00000000-0000-4000-8000-000000000000/result', {
      method: 'POST',
      body: 'nope',
      token: stack.runnerToken,
    });
    expect(r2.status).toBe(400);
  });

  it('answers 401 for wrong and expired tokens and 403 for the wrong role', async () => {
    const expired = await issueToken(stack.config, {
      name: 'old',
      role: 'submitter',
      owner: `${stack.owner}-old`,
      expiresAt: new Date(Date.now() - 1000),
    });
    const e = await submitModel(stack, expired.secret, gen(), exampleManifest('expired'));
    expect(e.status).toBe(401);
    expect(e.body.message).toMatch(/expired/);
    expect((await send('/api/schedules', { token: 'gb_admin_wrong' })).status).toBe(401);
    expect((await send('/api/schedules', { token: stack.runnerToken })).status).toBe(403);
    const claim = await send('/api/runner/evaluations/00000000-0000-4000-8000-000000000000/claim', {
      method: 'POST',
      body: '{"runnerId":"x"}',
      token: stack.submitterToken,
    });
    expect(claim.status).toBe(403);
    expect(claim.body.message).toMatch(/needs a runner token; yours is a submitter token/);
    const admin = await send('/api/admin/tokens', {
      method: 'POST',
      body: JSON.stringify({ name: 'x', role: 'admin', owner: 'x' }),
      token: stack.runnerToken,
    });
    expect(admin.status).toBe(403);
  });

  it('counts evaluations against a daily quota, leaving failed ones out', async () => {
    const owner = `${stack.owner}-quota`;
    const { secret } = await issueToken(stack.config, { name: 'quota', role: 'submitter', owner, dailyQuota: 1 });
    const nan = await submitModel(
      stack,
      secret,
      buildNanGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1 }),
      exampleManifest('quota-nan'),
    );
    expect(nan.status).toBe(201);
    const { final } = await waitForEvaluation(stack, nan.body.evaluations[0].id);
    expect(final.status).toBe('failed');
    expect(final.failureReason).toMatch(/produced NaN .* for sample 0/);
    const ok = await submitModel(stack, secret, gen(31), exampleManifest('quota-ok'));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const over = await submitModel(stack, secret, gen(32), exampleManifest('quota-over'));
    expect(over.status).toBe(429);
    expect(over.body.message).toMatch(/quota exceeded: this token may queue 1 evaluations per 24 hours/);
    const models = await getJson(stack, `/api/models?owner=${owner}`, stack.adminToken);
    expect(models.items.map((m: any) => m.name).sort()).toEqual(['quota-nan', 'quota-ok']);
  });

  it('shows private entries only to their owner and admins', async () => {
    const form = new FormData();
    form.append('file', new Blob([gen(41)]), 'm.onnx');
    form.append('manifest', JSON.stringify(exampleManifest('secret-model')));
    form.append('visibility', 'private');
    const res = await fetch(`${stack.baseUrl}/api/models`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${stack.submitterToken}` },
    });
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).toBe(201);
    const other = await issueToken(stack.config, { name: 'other', role: 'submitter', owner: `${stack.owner}-other` });
    expect((await send(`/api/models/${body.model.id}`)).status).toBe(404);
    expect((await send(`/api/models/${body.model.id}`, { token: other.secret })).status).toBe(404);
    expect((await send(`/api/models/${body.model.id}`, { token: stack.submitterToken })).status).toBe(200);
    expect((await send(`/api/models/${body.model.id}`, { token: stack.adminToken })).status).toBe(200);
    expect((await send(`/api/evaluations/${body.evaluations[0].id}`)).status).toBe(404);
    await waitForEvaluation({ baseUrl: stack.baseUrl }, body.evaluations[0].id).catch(() => undefined);
    const publicBoard = await getJson(stack, '/api/leaderboards?task=unconditional-generation&resolution=32');
    expect(JSON.stringify(publicBoard)).not.toContain('secret-model');
    const publicList = await getJson(stack, `/api/models?owner=${stack.owner}`);
    expect(publicList.items.map((m: any) => m.name)).not.toContain('secret-model');
    const badVisibility = await (async () => {
      const f = new FormData();
      f.append('file', new Blob([gen(42)]), 'm.onnx');
      f.append('manifest', JSON.stringify(exampleManifest('vis')));
      f.append('visibility', 'friends-only');
      return fetch(`${stack.baseUrl}/api/models`, {
        method: 'POST',
        body: f,
        headers: { authorization: `Bearer ${stack.submitterToken}` },
      });
    })();
    expect(badVisibility.status).toBe(400);
  });
});

describe('rate limiting', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 0, config: { rateLimitPerMinute: 20 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers 429 past the per-minute limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await fetch(`${stack.baseUrl}/api/suites`)).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(20)).toContain(429);
  });
});
