import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/src/app.factory.js';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { type TestStack, startStack, submitModel, waitForEvaluation } from '../support/stack.js';

/** A 6-field cron expression (seconds first) that fires once, `inMs` from now (UTC). */
function cronAt(inMs: number): { cron: string; at: Date } {
  const at = new Date(Math.ceil((Date.now() + inMs) / 1000) * 1000);
  return { cron: `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`, at };
}

async function query<T>(stack: TestStack, sql: string, params: unknown[]): Promise<T[]> {
  const c = new pg.Client({ connectionString: stack.config.databaseUrl });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

async function post(stack: TestStack, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as any;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function nightlyFor(stack: TestStack, scheduleId: string) {
  return query<{ firings: number; evaluations: number }>(
    stack,
    `SELECT (SELECT count(*)::int FROM schedule_firings WHERE schedule_id = $1) AS firings,
            (SELECT count(*)::int FROM evaluations e JOIN schedule_firings f ON f.id = e.firing_id WHERE f.schedule_id = $1 AND e.trigger = 'nightly') AS evaluations`,
    [scheduleId],
  );
}

describe('nightly schedules', () => {
  let stack: TestStack;
  let modelId: string;
  const extraApps: NestExpressApplication[] = [];

  beforeAll(async () => {
    stack = await startStack({ runners: 1 });
    const r = await submitModel(
      stack,
      stack.submitterToken,
      buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 21 }),
      exampleManifest('nightly-target'),
    );
    expect(r.status).toBe(201);
    modelId = r.body.model.id;
    const { final } = await waitForEvaluation(stack, r.body.evaluations[0].id);
    expect(final.status).toBe('succeeded');
  });
  afterAll(async () => {
    await Promise.all(extraApps.map((a) => a.close().catch(() => undefined)));
    await stack?.close();
  });

  it('rejects invalid schedules with a 400 naming the field', async () => {
    const res = await fetch(`${stack.baseUrl}/api/schedules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bad', cron: 'every night please', scope: 'suite' }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.issues.map((i: any) => i.path).sort()).toEqual(['cron', 'suiteId']);
    const unknownModel = await fetch(`${stack.baseUrl}/api/schedules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ghost', cron: '0 3 * * *', scope: 'model', modelId: '00000000-0000-4000-8000-000000000000' }),
    });
    expect(unknownModel.status).toBe(400);
    expect(((await unknownModel.json()) as any).issues).toEqual([
      { path: 'modelId', message: 'no model 00000000-0000-4000-8000-000000000000' },
    ]);
    const asSubmitter = await fetch(`${stack.baseUrl}/api/schedules`, { headers: { authorization: `Bearer ${stack.submitterToken}` } });
    expect(asSubmitter.status).toBe(403);
  });

  it('creates exactly one set of nightly evaluations per firing with two API processes running; an exact reproduction is no drift', async () => {
    const second = await createApp(stack.config); // a second API process on the same database and queue
    extraApps.push(second);
    const { cron, at } = cronAt(3000);
    const schedule = await post(stack, '/api/schedules', { name: 'two-apis', cron, timezone: 'UTC', scope: 'model', modelId });
    await new Promise((r) => setTimeout(r, at.getTime() - Date.now() + 2500));
    const [counts] = await nightlyFor(stack, schedule.id);
    expect(counts).toEqual({ firings: 1, evaluations: 1 });
    const [row] = await query<{ id: string }>(
      stack,
      `SELECT e.id FROM evaluations e JOIN schedule_firings f ON f.id = e.firing_id WHERE f.schedule_id = $1`,
      [schedule.id],
    );
    const { final } = await waitForEvaluation(stack, row!.id);
    expect(final.status).toBe('succeeded');
    expect(final.trigger).toBe('nightly');
    // Same model, suite and seed: the re-evaluation reproduces the score exactly, so no drift is flagged.
    expect(final.drift).toEqual({ relativeChange: 0, flagged: false, previousEvaluationId: expect.any(String) });
    await second.close();
  });

  it('fires exactly once for a firing due while every API process was stopped', async () => {
    const { cron, at } = cronAt(4000);
    const schedule = await post(stack, '/api/schedules', { name: 'while-down', cron, timezone: 'UTC', scope: 'model', modelId });
    await stack.app.close(); // the only API process goes away before the firing is due
    await new Promise((r) => setTimeout(r, at.getTime() - Date.now() + 1500));
    expect(await nightlyFor(stack, schedule.id)).toEqual([{ firings: 0, evaluations: 0 }]);
    const restarted = await createApp(stack.config);
    extraApps.push(restarted);
    let counts = { firings: 0, evaluations: 0 };
    for (let i = 0; i < 100 && counts.firings === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      [counts] = await nightlyFor(stack, schedule.id);
    }
    await new Promise((r) => setTimeout(r, 1500)); // a duplicate delivery, if any, would land meanwhile
    expect(await nightlyFor(stack, schedule.id)).toEqual([{ firings: 1, evaluations: 1 }]);
    await restarted.close();
    stack.app = await createApp(stack.config); // for stack.close()
  });
});

describe('drift', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function runAs(evaluationId: string, fid: number): Promise<void> {
    const h = { authorization: `Bearer ${stack.runnerToken}`, 'content-type': 'application/json' };
    const claim = await fetch(`${stack.baseUrl}/api/runner/evaluations/${evaluationId}/claim`, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ runnerId: 'manual' }),
    });
    expect(claim.status).toBe(200);
    const provenance = {
      runnerId: 'manual',
      runnerVersion: 'test',
      onnxruntimeVersion: 'test',
      executionProvider: 'cpu',
      hardware: 'test',
      node: process.version,
      seed: 0,
      suite: { id: 'smoke-32', version: 1 },
      protocol: {},
    };
    const res = await fetch(`${stack.baseUrl}/api/runner/evaluations/${evaluationId}/result`, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ attempt: 1, metrics: [{ id: 'fid', value: fid }], provenance }),
    });
    expect(res.status).toBe(200);
  }

  it('flags a re-evaluation whose primary metric moved beyond the suite tolerance, on the evaluation and the leaderboard', async () => {
    const r = await submitModel(
      stack,
      stack.submitterToken,
      buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 22 }),
      exampleManifest('drifting'),
    );
    expect(r.status).toBe(201);
    await runAs(r.body.evaluations[0].id, 10);
    const { cron, at } = cronAt(2000);
    const schedule = await post(stack, '/api/schedules', { name: 'drift', cron, scope: 'model', modelId: r.body.model.id });
    await new Promise((res) => setTimeout(res, at.getTime() - Date.now() + 1500));
    const [row] = await query<{ id: string }>(
      stack,
      `SELECT e.id FROM evaluations e JOIN schedule_firings f ON f.id = e.firing_id WHERE f.schedule_id = $1`,
      [schedule.id],
    );
    await runAs(row!.id, 12);
    const e = (await (await fetch(`${stack.baseUrl}/api/evaluations/${row!.id}`)).json()) as any;
    expect(e.drift.flagged).toBe(true);
    expect(e.drift.relativeChange).toBeCloseTo(0.2, 12);
    expect(e.drift.previousEvaluationId).toBe(r.body.evaluations[0].id);
    const lb = (await (await fetch(`${stack.baseUrl}/api/leaderboards?suite=smoke-32&limit=1000`)).json()) as any;
    const entry = lb.boards[0].entries.find((x: any) => x.model.name === 'drifting' && x.model.owner === stack.owner);
    expect(entry.metrics.fid).toBe(12);
    expect(entry.drift).toEqual({ relativeChange: expect.closeTo(0.2, 12), flagged: true });
  });
});
