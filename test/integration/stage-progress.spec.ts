import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { SuitesService } from '../../api/src/suites/suites.service.js';
import { getJson, type TestStack, startStack, submitModel, waitFor } from '../support/stack.js';
import { SLOW_SUITE, slowManifest } from '../support/test-suites.js';

/** Issue #16.4: a running evaluation tells, through the API, where its time goes (stage, rate, ETA, wall time per stage). */

describe("a running evaluation's stage progress", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 1 });
    await stack.app.get(SuitesService).sync([SLOW_SUITE]);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('is visible through the API while it runs, and moves on', async () => {
    const r = await submitModel(
      stack,
      stack.submitterToken,
      buildTinyGenerator({ noiseDim: 16, resolution: 24, classes: 0, seed: 5 }),
      slowManifest('stage-progress'),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id: string = r.body.evaluations[0].id;
    const first = await waitFor(
      'a stage report',
      async () => {
        const e = await getJson(stack, `/api/evaluations/${id}`);
        return e.status === 'running' && e.stageProgress?.done > 0 ? e : undefined;
      },
      90_000,
    );
    const p = first.stageProgress;
    expect(['sampling', 'features']).toContain(p.stage);
    expect(p.total).toBe(SLOW_SUITE.samples);
    expect(p.done).toBeLessThan(p.total);
    expect(p.ratePerS).toBeGreaterThan(0);
    // The ETA is the samples left at the loop's rate.
    expect(p.etaS).toBeCloseTo((p.total - p.done) / p.ratePerS, 0);
    expect(p.wallMs.sampling).toBeGreaterThan(0);
    // The stored fraction and the stage report come from the same post.
    expect(first.progress).toBeCloseTo(p.done / p.total, 2);

    const later = await waitFor(
      'a later stage report',
      async () => {
        const e = await getJson(stack, `/api/evaluations/${id}`);
        return e.stageProgress?.done > p.done ? e : undefined;
      },
      30_000,
    );
    expect(later.stageProgress.wallMs.sampling).toBeGreaterThan(p.wallMs.sampling);
    expect(later.stageProgress.wallMs.features).toBeGreaterThan(0);

    const cancel = await fetch(`${stack.baseUrl}/api/evaluations/${id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    expect(cancel.status).toBeLessThan(300);
  });
});

describe('stage reports posted by a runner', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 0, config: { claimLeaseMs: 1500, reconcileIntervalMs: 0 } });
  });
  afterAll(async () => {
    await stack?.close();
  });
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${stack.baseUrl}/api/runner/evaluations/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.runnerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const stage = { stage: 'sampling', done: 64, total: 256, ratePerS: 32, etaS: 6, wallMs: { sampling: 1800, features: 200 } };

  it('are stored as posted, replaced by the next, refused when malformed, and cleared by a new claim', async () => {
    const r = await submitModel(stack, stack.submitterToken, buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 43 }), {
      ...exampleManifest('stage-posts'),
    });
    expect(r.status).toBe(201);
    const id: string = r.body.evaluations[0].id;
    expect((await getJson(stack, `/api/evaluations/${id}`)).stageProgress).toBeNull();
    expect((await post(`${id}/claim`, { runnerId: 'A' })).status).toBe(200);

    expect((await post(`${id}/progress`, { runnerId: 'A', attempt: 1, progress: 0.25, stage })).body.accepted).toBe(true);
    expect((await getJson(stack, `/api/evaluations/${id}`)).stageProgress).toEqual(stage);
    const next = { ...stage, stage: 'reference', done: 256, etaS: 0, wallMs: { sampling: 7000, features: 900, reference: 40 } };
    expect((await post(`${id}/progress`, { runnerId: 'A', attempt: 1, progress: 1, stage: next })).body.accepted).toBe(true);
    expect((await getJson(stack, `/api/evaluations/${id}`)).stageProgress).toEqual(next);
    // A post without a stage report (a task family that has none) leaves the last one.
    expect((await post(`${id}/progress`, { runnerId: 'A', attempt: 1, progress: 1 })).body.accepted).toBe(true);
    expect((await getJson(stack, `/api/evaluations/${id}`)).stageProgress).toEqual(next);

    for (const bad of [
      { ...stage, done: -1 },
      { ...stage, ratePerS: 'fast' },
      { ...stage, wallMs: { sampling: 'long' } },
      { ...stage, extra: 1 },
      { ...stage, wallMs: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`s${i}`, 1])) },
    ]) {
      const res = await post(`${id}/progress`, { runnerId: 'A', attempt: 1, progress: 1, stage: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await getJson(stack, `/api/evaluations/${id}`)).stageProgress).toEqual(next);
    // Another runner's post is not stored.
    expect((await post(`${id}/progress`, { runnerId: 'B', attempt: 1, progress: 1, stage })).body.accepted).toBe(false);
    expect((await getJson(stack, `/api/evaluations/${id}`)).stageProgress).toEqual(next);

    // A's claim lapses; B's claim starts the breakdown afresh.
    await new Promise((r) => setTimeout(r, 1800));
    const b = await post(`${id}/claim`, { runnerId: 'B' });
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    expect(b.body.attempt).toBe(2);
    expect((await getJson(stack, `/api/evaluations/${id}`)).stageProgress).toBeNull();
  });
});
