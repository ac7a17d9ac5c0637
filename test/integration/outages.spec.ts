import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { SuitesService } from '../../api/src/suites/suites.service.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { type RunnerProcess, spawnRunner } from '../support/runner-process.js';
import { getJson, type TestStack, startStack, submitModel, waitForEvaluation, waitFor } from '../support/stack.js';
import { migratedScratchDatabase } from '../support/scratch-database.js';
import { SHARDED_SUITE, shardedManifest, SLOW_SUITE, slowManifest } from '../support/test-suites.js';

/**
 * Partial outages (issue #13): a Redis that is down or stuck, a Redis that loses the queue under a live
 * runner, a runner that dies. Real PostgreSQL, a real private redis-server this file starts and stops (the
 * shared one on 6379 is never touched), real runner processes.
 */

/**
 * Answers within this, Redis down or not: GENBENCH_QUEUE_TIMEOUT_MS defaults to 2 s, the rest is the request
 * itself. A submission also inspects the model in a child process, which takes seconds on a busy machine.
 */
const ANSWER_WITHIN_MS = 5000;
const SUBMISSION_WITHIN_MS = 15_000;

async function row(stack: TestStack, id: string) {
  const c = new pg.Client({ connectionString: stack.config.databaseUrl });
  await c.connect();
  try {
    const r = await c.query<{ runner_id: string | null; attempts: number; started_at: Date | null; status: string; metrics: number }>(
      `SELECT runner_id, attempts, started_at, status, (SELECT count(*)::int FROM metric_values m WHERE m.evaluation_id = e.id) AS metrics
         FROM evaluations e WHERE id = $1`,
      [id],
    );
    return r.rows[0]!;
  } finally {
    await c.end();
  }
}

/** A request that fails the test, instead of hanging it, when no answer comes within `ms`. */
async function timed(url: string, init: RequestInit = {}, ms = 20_000): Promise<{ status: number; body: any; ms: number }> {
  const t0 = Date.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(ms) });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, body, ms: Date.now() - t0 };
}

async function timedSubmit(stack: TestStack, name: string, seed: number) {
  const form = new FormData();
  form.append('file', new Blob([buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed })]), 'model.onnx');
  form.append('manifest', JSON.stringify(exampleManifest(name)));
  return timed(`${stack.baseUrl}/api/models`, { method: 'POST', body: form, headers: { authorization: `Bearer ${stack.submitterToken}` } });
}

const admin = (stack: TestStack) => ({ authorization: `Bearer ${stack.adminToken}` });

/** The `evaluation started` lines a runner logged (pino JSON) for one evaluation, with the attempt each names. */
function startedAttempts(runner: RunnerProcess, evaluationId: string): number[] {
  return runner
    .output()
    .split('\n')
    .flatMap((l) => {
      try {
        const j = JSON.parse(l) as { msg?: string; evaluationId?: string; attempt?: number };
        return j.msg === 'evaluation started' && j.evaluationId === evaluationId ? [j.attempt ?? -1] : [];
      } catch {
        return [];
      }
    });
}

/** A redis-server of this file's own, on a free port, without persistence: it can be killed, stopped and restarted. */
class PrivateRedis {
  private proc?: ChildProcess;
  constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = new PrivateRedis(port);
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async answers(): Promise<boolean> {
    const c = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return (await c.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      c.disconnect();
    }
  }

  async up(): Promise<void> {
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitFor(`redis-server on ${this.port}`, async () => ((await this.answers()) ? true : undefined), 10_000);
  }

  async down(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    p.kill('SIGCONT');
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  /** Still accepting connections (the kernel does), never answering: a hung or swapped-out server. */
  freeze(): void {
    this.proc?.kill('SIGSTOP');
  }

  thaw(): void {
    this.proc?.kill('SIGCONT');
  }
}

describe('Redis down or stuck', () => {
  let redis: PrivateRedis;
  let stack: TestStack;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    stack = await startStack({ runners: 0, config: { redisUrl: redis.url, reconcileIntervalMs: 0 } });
  });
  afterAll(async () => {
    try {
      redis?.thaw();
      if (redis && !(await redis.answers())) await redis.up(); // stack.close() clears the queue's keys
      await Promise.race([stack?.close(), new Promise((r) => setTimeout(r, 60_000))]);
    } finally {
      await redis?.down();
    }
  });

  it('answers a submission within seconds with a warning, reports itself unavailable, and scores it once Redis is back', async () => {
    expect((await timed(`${stack.baseUrl}/api/health`)).status).toBe(200);
    await redis.down();

    const submitted = await timedSubmit(stack, 'redis-down', 31);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(submitted.ms).toBeLessThan(SUBMISSION_WITHIN_MS);
    expect(submitted.body.warnings.join('\n')).toMatch(/queue is unavailable.*scoring will start when the queue is back/);
    const id: string = submitted.body.evaluations[0].id;
    expect((await getJson(stack, `/api/evaluations/${id}`)).status).toBe('queued');

    const health = await timed(`${stack.baseUrl}/api/health`);
    expect(health.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(health.status).toBe(503);
    expect(health.body.message).toMatch(/redis, queue down/);
    expect(health.body.components.database.status).toBe('up');
    expect(health.body.components.redis.status).toBe('down');
    expect(health.body.components.queue.status).toBe('down');

    // Everything else that touches the queue answers too: the reconciler stops and says why.
    const reconcile = await timed(`${stack.baseUrl}/api/admin/reconcile`, { method: 'POST', headers: admin(stack) });
    expect(reconcile.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(reconcile.status).toBe(200);
    expect(reconcile.body.queueUnavailable).toMatch(/queue is unavailable/);

    await redis.up();
    await waitFor(
      'health to recover',
      async () => ((await timed(`${stack.baseUrl}/api/health`)).status === 200 ? true : undefined),
      30_000,
    );
    const requeue = await timed(`${stack.baseUrl}/api/admin/reconcile`, { method: 'POST', headers: admin(stack) });
    expect(requeue.body.requeued).toContain(id);
    stack.startRunner();
    const { final } = await waitForEvaluation(stack, id, 90_000);
    expect(final.status, final.failureReason).toBe('succeeded');
    expect((await row(stack, id)).metrics).toBe(1);
  });

  it('answers within seconds while Redis accepts connections but never replies, cancel and retry included', async () => {
    redis.freeze();
    try {
      const ids: string[] = [];
      for (const seed of [32, 33]) {
        const submitted = await timedSubmit(stack, `redis-frozen-${seed}`, seed);
        expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
        expect(submitted.ms).toBeLessThan(SUBMISSION_WITHIN_MS);
        expect(submitted.body.warnings.join('\n')).toMatch(/queue is unavailable/);
        ids.push(submitted.body.evaluations[0].id);
      }

      const health = await timed(`${stack.baseUrl}/api/health`);
      expect(health.ms).toBeLessThan(ANSWER_WITHIN_MS);
      expect(health.status).toBe(503);
      expect(health.body.components.redis.status).toBe('down');
      expect(health.body.components.database.status).toBe('up');

      const cancel = await timed(`${stack.baseUrl}/api/evaluations/${ids[0]}/cancel`, { method: 'POST', headers: admin(stack) });
      expect(cancel.ms).toBeLessThan(ANSWER_WITHIN_MS);
      expect(cancel.body.status).toBe('cancelled');
      const retry = await timed(`${stack.baseUrl}/api/evaluations/${ids[0]}/retry`, { method: 'POST', headers: admin(stack) });
      expect(retry.ms).toBeLessThan(ANSWER_WITHIN_MS);
      expect(retry.status).toBe(200);
      expect(retry.body.status).toBe('queued');
      expect(retry.body.warnings.join('\n')).toMatch(/scoring will start when the queue is back/);

      const reconcile = await timed(`${stack.baseUrl}/api/admin/reconcile`, { method: 'POST', headers: admin(stack) });
      expect(reconcile.ms).toBeLessThan(ANSWER_WITHIN_MS);
      expect(reconcile.body.queueUnavailable).toMatch(/queue is unavailable/);

      redis.thaw();
      await waitFor(
        'health to recover',
        async () => ((await timed(`${stack.baseUrl}/api/health`)).status === 200 ? true : undefined),
        30_000,
      );
      await timed(`${stack.baseUrl}/api/admin/reconcile`, { method: 'POST', headers: admin(stack) });
      for (const id of ids) {
        const { final } = await waitForEvaluation(stack, id, 90_000);
        expect(final.status, final.failureReason).toBe('succeeded');
        expect((await row(stack, id)).metrics).toBe(1);
      }
    } finally {
      redis.thaw();
    }
  });
});

describe('Redis down at start', () => {
  it('the API starts anyway, within seconds, and /api/health says Redis is down', async () => {
    const redis = await PrivateRedis.start();
    await redis.down();
    let stack: TestStack | undefined;
    try {
      const t0 = Date.now();
      stack = await startStack({ runners: 0, config: { redisUrl: redis.url, reconcileIntervalMs: 0 } });
      expect(Date.now() - t0).toBeLessThan(ANSWER_WITHIN_MS + 5_000);
      const health = await timed(`${stack.baseUrl}/api/health`);
      expect(health.ms).toBeLessThan(ANSWER_WITHIN_MS);
      expect(health.status).toBe(503);
      expect(health.body.components.redis.status).toBe('down');
      expect(health.body.components.database.status).toBe('up');
    } finally {
      await redis.up(); // stack.close() clears the queue's keys
      await Promise.race([stack?.close(), new Promise((r) => setTimeout(r, 60_000))]);
      await redis.down();
    }
  });
});

/** A runner's post to /api/runner/evaluations/<path>, with the stack's runner token, timed. */
const runnerPost = (stack: TestStack, path: string, body: unknown) =>
  timed(`${stack.baseUrl}/api/runner/evaluations/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.runnerToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('claims', () => {
  const LEASE_MS = 1500;
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 0, config: { claimLeaseMs: LEASE_MS, reconcileIntervalMs: 0 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const post = (path: string, body: unknown) => runnerPost(stack, path, body);
  const provenance = (runnerId: string) => ({
    runnerId,
    runnerVersion: 'test',
    onnxruntimeVersion: 'test',
    executionProvider: 'cpu',
    hardware: 'test',
    node: process.version,
    seed: 0,
    suite: { id: 'smoke-32', version: 1 },
    protocol: {},
  });

  it('refuses a second claim while the first is alive, and takes posts only from the claim that holds it', async () => {
    const r = await submitModel(stack, stack.submitterToken, buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 41 }), {
      ...exampleManifest('claimed'),
    });
    expect(r.status).toBe(201);
    const id: string = r.body.evaluations[0].id;

    const a = await post(`${id}/claim`, { runnerId: 'A' });
    expect(a.status).toBe(200);
    expect(a.body.attempt).toBe(1);
    const b = await post(`${id}/claim`, { runnerId: 'B' });
    expect(b.status).toBe(409);
    expect(a.body.leaseMs).toBe(LEASE_MS);
    expect(b.body).toMatchObject({ reason: 'claimed', claimedBy: 'A' });
    expect(b.body.retryAfterMs).toBeGreaterThan(0);
    expect(b.body.retryAfterMs).toBeLessThanOrEqual(LEASE_MS);

    expect((await post(`${id}/progress`, { runnerId: 'B', attempt: 1, progress: 0.9 })).body.accepted).toBe(false);
    expect((await post(`${id}/progress`, { runnerId: 'A', attempt: 1, progress: 0.5 })).body.accepted).toBe(true);
    expect((await post(`${id}/progress`, { runnerId: 'A', attempt: 1, progress: 0.3 })).body.accepted).toBe(true);
    expect((await getJson(stack, `/api/evaluations/${id}`)).progress).toBe(0.5);
    const foreign = await post(`${id}/result`, { attempt: 1, metrics: [{ id: 'fid', value: 1 }], provenance: provenance('B') });
    expect(foreign.status).toBe(409);
    expect((await post(`${id}/failure`, { runnerId: 'B', attempt: 1, kind: 'model', reason: 'not mine' })).status).toBe(409);

    // Heartbeats keep the claim past its lease.
    for (let i = 0; i < 4; i++) {
      await new Promise((res) => setTimeout(res, LEASE_MS / 3));
      expect((await post(`${id}/heartbeat`, { runnerId: 'A', attempt: 1 })).body.accepted).toBe(true);
    }
    expect((await post(`${id}/claim`, { runnerId: 'B' })).status).toBe(409);
    expect((await timed(`${stack.baseUrl}/api/admin/reconcile`, { method: 'POST', headers: admin(stack) })).body.claimed).toContain(id);

    // A's lease lapses: B takes over as attempt 2, and A can no longer change anything.
    await new Promise((res) => setTimeout(res, LEASE_MS + 300));
    const b2 = await post(`${id}/claim`, { runnerId: 'B' });
    expect(b2.status).toBe(200);
    expect(b2.body.attempt).toBe(2);
    expect((await post(`${id}/heartbeat`, { runnerId: 'A', attempt: 1 })).body.accepted).toBe(false);
    expect((await post(`${id}/progress`, { runnerId: 'A', attempt: 1, progress: 0.8 })).body.accepted).toBe(false);
    expect((await post(`${id}/result`, { attempt: 1, metrics: [{ id: 'fid', value: 1 }], provenance: provenance('A') })).status).toBe(409);
    expect((await post(`${id}/failure`, { runnerId: 'A', attempt: 1, kind: 'model', reason: 'stale' })).status).toBe(409);
    const stored = await post(`${id}/result`, { attempt: 2, metrics: [{ id: 'fid', value: 2 }], provenance: provenance('B') });
    expect(stored.status, JSON.stringify(stored.body)).toBe(200);

    const e = await getJson(stack, `/api/evaluations/${id}`);
    expect(e).toMatchObject({ status: 'succeeded', attempts: 2, metrics: { fid: 2 } });
    expect(e.provenance.runnerId).toBe('B');
    expect((await row(stack, id)).runner_id).toBe('B');
  });
});

describe('released claims', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // A lease far longer than the test: only a release lets another runner in.
    stack = await startStack({ runners: 0, config: { claimLeaseMs: 600_000, reconcileIntervalMs: 0 } });
  });
  afterAll(async () => {
    await stack?.close();
  });
  const post = (path: string, body: unknown) => runnerPost(stack, path, body);

  it('lets the next attempt claim at once after its claim is released, and refuses the released claim afterwards', async () => {
    const r = await submitModel(stack, stack.submitterToken, buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 42 }), {
      ...exampleManifest('released'),
    });
    expect(r.status).toBe(201);
    const id: string = r.body.evaluations[0].id;
    expect((await post(`${id}/claim`, { runnerId: 'A' })).body.attempt).toBe(1);
    expect((await post(`${id}/claim`, { runnerId: 'B' })).status).toBe(409);
    // Only the claim that holds it can give it up.
    expect((await post(`${id}/release`, { runnerId: 'B', attempt: 1 })).body.accepted).toBe(false);
    expect((await post(`${id}/release`, { runnerId: 'A', attempt: 2 })).body.accepted).toBe(false);
    expect((await post(`${id}/release`, { runnerId: 'A', attempt: 1 })).body.accepted).toBe(true);
    expect((await row(stack, id)).runner_id).toBe(null);
    // A released claim is gone: a late heartbeat cannot take it back, and it can store nothing.
    expect((await post(`${id}/heartbeat`, { runnerId: 'A', attempt: 1 })).body.accepted).toBe(false);
    expect((await post(`${id}/release`, { runnerId: 'A', attempt: 1 })).body.accepted).toBe(false);
    expect((await post(`${id}/failure`, { runnerId: 'A', attempt: 1, kind: 'model', reason: 'late' })).status).toBe(409);
    const b = await post(`${id}/claim`, { runnerId: 'B' });
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    expect(b.body.attempt).toBe(2);
    expect((await row(stack, id)).runner_id).toBe('B');
    expect((await post(`${id}/release`, { runnerId: 'nobody', attempt: 'two' })).status).toBe(400);
  });

  it("does the same for a shard's claim, leaving the other shards' claims alone", async () => {
    // A database of its own: the sharded suite is registered there only.
    const scratch = await migratedScratchDatabase('released_shard');
    const sharded = await startStack({
      runners: 0,
      databaseUrl: scratch.url,
      config: { shards: 2, claimLeaseMs: 600_000, reconcileIntervalMs: 0, reconciler: false },
    });
    try {
      await sharded.app.get(SuitesService).sync([SHARDED_SUITE]);
      const r = await submitModel(
        sharded,
        sharded.submitterToken,
        buildTinyGenerator({ noiseDim: 16, resolution: 16, classes: 0, seed: 43 }),
        shardedManifest('released-shard'),
      );
      expect(r.status).toBe(201);
      const id = r.body.evaluations.find((e: any) => e.suite.id === SHARDED_SUITE.id)?.id as string;
      const shardPost = (path: string, body: unknown) => runnerPost(sharded, `${id}/shards/${path}`, body);
      expect((await shardPost('0/claim', { runnerId: 'A' })).body.attempt).toBe(1);
      expect((await shardPost('1/claim', { runnerId: 'A' })).body.attempt).toBe(1);
      expect((await shardPost('0/claim', { runnerId: 'B' })).status).toBe(409);
      expect((await shardPost('0/release', { runnerId: 'B', attempt: 1 })).body.accepted).toBe(false);
      expect((await shardPost('0/release', { runnerId: 'A', attempt: 1 })).body.accepted).toBe(true);
      expect((await shardPost('0/heartbeat', { runnerId: 'A', attempt: 1 })).body.accepted).toBe(false);
      const b = await shardPost('0/claim', { runnerId: 'B' });
      expect(b.status, JSON.stringify(b.body)).toBe(200);
      expect(b.body.attempt).toBe(2);
      expect((await shardPost('1/heartbeat', { runnerId: 'A', attempt: 1 })).body.accepted).toBe(true);
      expect((await shardPost('1/claim', { runnerId: 'B' })).status).toBe(409);
    } finally {
      await sharded.close();
      await scratch.drop();
    }
  });
});

/** Polls an evaluation's progress until it finishes, so a test can check it never went backwards. */
function recordProgress(stack: TestStack, id: string): { samples: number[]; stop(): void } {
  const samples: number[] = [];
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const e = await getJson(stack, `/api/evaluations/${id}`).catch(() => undefined);
      if (e) samples.push(e.progress);
      if (e && !['queued', 'running'].includes(e.status)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    samples,
    stop: () => {
      stopped = true;
    },
  };
}

async function submitSlow(stack: TestStack, name: string, seed: number): Promise<string> {
  const r = await submitModel(
    stack,
    stack.submitterToken,
    buildTinyGenerator({ noiseDim: 16, resolution: 24, classes: 0, seed }),
    slowManifest(name),
  );
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.evaluations[0].id;
}

describe('the queue lost under a live runner', () => {
  const LEASE_MS = 1500;
  let stack: TestStack;
  const procs: RunnerProcess[] = [];
  beforeAll(async () => {
    stack = await startStack({ runners: 0, config: { claimLeaseMs: LEASE_MS, reconcileIntervalMs: 0 } });
    await stack.app.get(SuitesService).sync([SLOW_SUITE]);
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await stack?.close();
  });

  it('is not run a second time: one attempt, one runner in the row and the provenance, progress never backwards', async () => {
    const c = spawnRunner(stack, 'C');
    procs.push(c);
    const id = await submitSlow(stack, 'flushed-mid-run', 51);
    const progress = recordProgress(stack, id);
    try {
      await waitFor('the evaluation to make progress', async () => {
        const e = await getJson(stack, `/api/evaluations/${id}`);
        return e.status === 'running' && e.progress > 0 ? e : undefined;
      });
      // This stack's whole queue, as FLUSHALL would lose it (only this file's prefix: Redis is shared).
      const redis = new Redis(stack.config.redisUrl);
      const keys = await redis.keys(`${stack.config.queuePrefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      const flushedAt = Date.now();

      // D starts while the reconciliations below run: waiting for it first could outlast C's whole evaluation.
      const d = spawnRunner(stack, 'D');
      procs.push(d);
      // Past the lease: only C's heartbeats keep its claim, and the reconciler must see them.
      let checkedPastLease = false;
      while (Date.now() - flushedAt < 3 * LEASE_MS) {
        await new Promise((r) => setTimeout(r, 500));
        if ((await getJson(stack, `/api/evaluations/${id}`)).status !== 'running') break;
        const report = (await timed(`${stack.baseUrl}/api/admin/reconcile`, { method: 'POST', headers: admin(stack) })).body;
        expect(report.requeued).not.toContain(id);
        if (report.claimed.includes(id) && Date.now() - flushedAt > LEASE_MS) checkedPastLease = true;
      }
      expect(checkedPastLease, 'a reconciliation ran past the lease while C was still working').toBe(true);
      await waitFor('runner D to start', async () => (d.output().includes('runner started') ? true : undefined), 30_000);

      const { final } = await waitForEvaluation(stack, id, 150_000);
      expect(final.status, `${final.failureReason}\n${c.output().slice(-2000)}`).toBe('succeeded');
      expect(final.attempts).toBe(1);
      expect(final.provenance.runnerId).toBe('C');
      const stored = await row(stack, id);
      expect(stored.runner_id).toBe('C');
      expect(stored.metrics).toBe(1);
      expect(startedAttempts(c, id)).toEqual([final.attempts]);
      expect(startedAttempts(d, id)).toEqual([]);
      progress.stop();
      expect(progress.samples.length).toBeGreaterThan(3);
      for (let i = 1; i < progress.samples.length; i++) expect(progress.samples[i]).toBeGreaterThanOrEqual(progress.samples[i - 1]!);
    } finally {
      progress.stop();
    }
  });
});

describe('a runner killed mid-evaluation, with a claim lease', () => {
  const LEASE_MS = 12_000;
  let stack: TestStack;
  const procs: RunnerProcess[] = [];
  beforeAll(async () => {
    stack = await startStack({ runners: 0, config: { claimLeaseMs: LEASE_MS, reconcileIntervalMs: 0 } });
    await stack.app.get(SuitesService).sync([SLOW_SUITE]);
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await stack?.close();
  });

  it('is finished by another runner once the lease has run out, not before, with the attempts it logged', async () => {
    const doomed = spawnRunner(stack, 'doomed', { GENBENCH_LOCK_S: '2' });
    procs.push(doomed);
    const id = await submitSlow(stack, 'killed-with-lease', 52);
    await waitFor('the evaluation to make progress', async () => {
      const e = await getJson(stack, `/api/evaluations/${id}`);
      return e.status === 'running' && e.progress > 0 ? e : undefined;
    });
    await doomed.kill('SIGKILL');
    const killedAt = Date.now();
    // The job's lock (2 s) lapses long before the claim's lease: the rescuer gets the job early, and must wait.
    const rescuer = spawnRunner(stack, 'rescuer', { GENBENCH_LOCK_S: '2' });
    procs.push(rescuer);

    const { final } = await waitForEvaluation(stack, id, 150_000);
    expect(final.status, `${final.failureReason}\n${rescuer.output().slice(-2000)}`).toBe('succeeded');
    expect(final.attempts).toBe(2);
    expect(final.provenance.runnerId).toBe('rescuer');
    const stored = await row(stack, id);
    expect(stored.runner_id).toBe('rescuer');
    expect(stored.metrics).toBe(1);
    // The doomed runner's last post came at most a second before the kill (progress posts are 1 s apart).
    expect(stored.started_at!.getTime() - killedAt).toBeGreaterThanOrEqual(LEASE_MS - 1500);
    expect(startedAttempts(doomed, id)).toEqual([1]);
    expect(startedAttempts(rescuer, id)).toEqual([2]);
  });
});
