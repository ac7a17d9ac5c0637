import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { SuitesService } from '../../api/src/suites/suites.service.js';
import { type RunnerProcess, spawnRunner } from '../support/runner-process.js';
import { getJson, type TestStack, startStack, submitModel, waitForEvaluation, waitFor } from '../support/stack.js';
import { SLOW_SUITE, slowManifest } from '../support/test-suites.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { Queue } from 'bullmq';
import { EVALUATE_QUEUE } from '../../contracts/jobs/evaluate.job.js';

/** Fault tests against the real services; each bounded in time by vitest's timeouts and its own waits. */

async function metricRows(stack: TestStack, evaluationId: string): Promise<number> {
  const c = new pg.Client({ connectionString: stack.config.databaseUrl });
  await c.connect();
  try {
    const r = await c.query('SELECT count(*)::int AS n FROM metric_values WHERE evaluation_id = $1', [evaluationId]);
    return r.rows[0].n;
  } finally {
    await c.end();
  }
}

async function submitSlow(stack: TestStack, name: string): Promise<string> {
  const r = await submitModel(
    stack,
    stack.submitterToken,
    buildTinyGenerator({ noiseDim: 16, resolution: 24, classes: 0, seed: 5 }),
    slowManifest(name),
  );
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect(r.body.evaluations.map((e: any) => e.suite.id)).toEqual(['test-slow-24']);
  return r.body.evaluations[0].id;
}

describe('a runner killed in the middle of an evaluation', () => {
  let stack: TestStack;
  const procs: RunnerProcess[] = [];
  beforeAll(async () => {
    // The rescuer takes over once the dead runner's claim lapses: a short lease keeps the drill short.
    stack = await startStack({ runners: 0, config: { claimLeaseMs: 5000 } });
    await stack.app.get(SuitesService).sync([SLOW_SUITE]);
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await stack?.close();
  });

  it('is retried by another runner and stores exactly one result', async () => {
    const first = spawnRunner(stack, 'doomed', { GENBENCH_LOCK_S: '2' });
    procs.push(first);
    const id = await submitSlow(stack, 'killed-mid-run');
    await waitFor('the evaluation to make progress', async () => {
      const e = await getJson(stack, `/api/evaluations/${id}`);
      return e.status === 'running' && e.progress > 0 ? e : undefined;
    });
    await first.kill('SIGKILL');
    const mid = await getJson(stack, `/api/evaluations/${id}`);
    expect(mid.status).toBe('running');
    expect(mid.progress).toBeLessThan(1);

    const second = spawnRunner(stack, 'rescuer', { GENBENCH_LOCK_S: '2' });
    procs.push(second);
    const { final } = await waitForEvaluation(stack, id, 150_000);
    expect(final.status, `${final.failureReason}\n${second.output().slice(-2000)}`).toBe('succeeded');
    expect(final.attempts).toBe(2);
    expect(final.provenance.runnerId).toBe('rescuer');
    expect(await metricRows(stack, id)).toBe(1);
  });
});

describe('Redis flushed with evaluations queued', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('runs every one of them after reconciliation', async () => {
    const ids: string[] = [];
    for (const seed of [11, 12, 13]) {
      const r = await submitModel(
        stack,
        stack.submitterToken,
        buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed }),
        exampleManifest(`flushed-${seed}`),
      );
      expect(r.status).toBe(201);
      expect(r.body.evaluations, JSON.stringify(r.body)).toHaveLength(1);
      ids.push(r.body.evaluations[0].id);
    }
    // Redis loses everything this stack's queue held. Only its own prefix, so that test runs sharing this Redis
    // (CI beside a developer's run) keep theirs.
    const redis = new Redis(stack.config.redisUrl);
    const keys = await redis.keys(`${stack.config.queuePrefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    await redis.quit();

    const res = await fetch(`${stack.baseUrl}/api/admin/reconcile`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as any;
    for (const id of ids) expect(report.requeued).toContain(id);

    stack.startRunner();
    for (const id of ids) {
      const { final } = await waitForEvaluation(stack, id, 90_000);
      expect(final.status, final.failureReason).toBe('succeeded');
      expect(await metricRows(stack, id)).toBe(1);
    }
  });
});

describe("a second deployment's API on the same database (GENBENCH_RECONCILER)", () => {
  let db: ScratchDatabase;
  const stacks: TestStack[] = [];
  beforeAll(async () => {
    db = await migratedScratchDatabase('reconciler_off');
  });
  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.close()));
    await db?.drop();
  });

  /** Jobs waiting on `stack`'s own queue. */
  async function waiting(stack: TestStack): Promise<number> {
    const queue = new Queue(EVALUATE_QUEUE, { connection: { url: stack.config.redisUrl }, prefix: stack.config.queuePrefix });
    try {
      return await queue.getWaitingCount();
    } finally {
      await queue.close();
    }
  }

  it("leaves the other queue's evaluations alone when off, and takes them over at start when on", async () => {
    const first = await startStack({ runners: 0, databaseUrl: db.url });
    stacks.push(first);
    const r = await submitModel(
      first,
      first.submitterToken,
      buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 21 }),
      exampleManifest('other-deployment'),
    );
    expect(r.status).toBe(201);
    const id = r.body.evaluations[0].id as string;
    expect(await waiting(first)).toBe(1);
    // Past the reconciler's grace for a submission between its commit and its enqueue (5 s).
    await new Promise((resolve) => setTimeout(resolve, 5500));

    const off = await startStack({ runners: 0, databaseUrl: db.url, config: { reconciler: false } });
    stacks.push(off);
    expect(await waiting(off), "an API with the reconciler off queued another deployment's evaluation").toBe(0);

    const on = await startStack({ runners: 0, databaseUrl: db.url, config: { reconciler: true } });
    stacks.push(on);
    expect(await waiting(on), 'the reconciler at start found the evaluation missing from its queue').toBe(1);
    expect((await getJson(on, `/api/evaluations/${id}`, on.adminToken)).status).toBe('queued');
  });
});

const PG_VERSION = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql')[0] : undefined;
const pgctl = (action: 'stop' | 'start') =>
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', PG_VERSION!, 'main', action, ...(action === 'stop' ? ['-m', 'fast'] : [])], {
    stdio: 'pipe',
  });

describe.runIf(PG_VERSION && process.getuid?.() === 0)('PostgreSQL restarted during an evaluation', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 1 });
    await stack.app.get(SuitesService).sync([SLOW_SUITE]);
  });
  afterEach(() => {
    // Never leave the shared server down, whatever happened.
    try {
      pgctl('start');
    } catch {
      /* already running */
    }
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers 503 meanwhile, recovers by itself, and stores the result once', async () => {
    const id = await submitSlow(stack, 'pg-restart');
    await waitFor('the evaluation to make progress', async () => {
      const e = await getJson(stack, `/api/evaluations/${id}`);
      return e.status === 'running' && e.progress > 0 ? e : undefined;
    });
    pgctl('stop');
    const down = await fetch(`${stack.baseUrl}/api/evaluations/${id}`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as any).message).toMatch(/database is unavailable/);
    expect((await fetch(`${stack.baseUrl}/api/health`)).status).toBe(503);
    await new Promise((r) => setTimeout(r, 1500));
    pgctl('start');
    await waitFor(
      'the API to answer again',
      async () => ((await fetch(`${stack.baseUrl}/api/health`)).status === 200 ? true : undefined),
      60_000,
    );
    const { final } = await waitForEvaluation(stack, id, 150_000);
    expect(final.status, final.failureReason).toBe('succeeded');
    expect(final.attempts).toBe(1);
    expect(await metricRows(stack, id)).toBe(1);
  });
});
