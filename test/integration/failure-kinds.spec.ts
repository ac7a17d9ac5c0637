import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuitesService } from '../../api/src/suites/suites.service.js';
import { EVALUATE_QUEUE } from '../../contracts/jobs/evaluate.job.js';
import { redisConnection } from '../../contracts/jobs/redis-connection.js';
import { writeNpz } from '../../runner/src/io/npz.js';
import { buildNanGenerator } from '../support/onnx-models/broken-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { startRunner, type RunningRunner } from '../../runner/src/worker/runner.js';
import { getJson, startStack, submitModel, type TestStack, waitFor, waitForEvaluation } from '../support/stack.js';

/**
 * The evaluation processor's failure paths, against the API, PostgreSQL, Redis/BullMQ and a real evaluation
 * child: each failure kind ends as the column says, is retried or not as its kind says, and the runner's log
 * keeps the child's stack while the public reason stays as it was.
 */

const RES = 20;
const manifestAt = (name: string, resolution: number) => ({
  name,
  kind: 'generator' as const,
  resolution,
  classes: 0,
  inputs: { noise: 'z' },
  outputs: { images: 'images' },
  noise_dim: 16,
  output_range: [-1, 1] as [-1, 1],
});

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

function fileSuite(id: string, file: string, sha: string) {
  return defineSuite({
    id,
    version: 1,
    title: `Test: ${id}`,
    description: 'registered by the failure-kinds tests only',
    task: 'unconditional-generation',
    resolution: RES,
    kinds: ['generator'],
    samples: 64,
    seed: 0,
    batch_size: 32,
    reference: { type: 'adm-reference-batch', file, sha256: sha, source: 'https://example.org/test-reference.npz' },
    extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: RES, normalization: 'minus-one-one' },
    metrics: ['fid'],
    primary: 'fid',
    time_limit_s: 120,
  });
}

describe('failure kinds: who must act, and what is retried', () => {
  let stack: TestStack;
  let runner: RunningRunner | undefined;
  let queue: Queue;
  let dir: string;
  let runnerRef: string;
  const logLines: Array<Record<string, any>> = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // The API sees both reference files; this runner's reference directory lacks one (an infrastructure
    // fault on this machine) and holds the other with statistics of the wrong dtype (the suite's fault).
    dir = await mkdtemp(join(tmpdir(), 'genbench-fk-'));
    const apiRef = join(dir, 'api-reference');
    runnerRef = join(dir, 'runner-reference');
    await mkdir(apiRef, { recursive: true });
    await mkdir(runnerRef, { recursive: true });
    const ints = { dtype: 'int32' as const, shape: [4], data: new Int32Array(4) };
    const square = { dtype: 'int32' as const, shape: [4, 4], data: new Int32Array(16) };
    await writeNpz(join(apiRef, 'int-stats.npz'), { mu: ints, sigma: square });
    await writeNpz(join(runnerRef, 'int-stats.npz'), { mu: ints, sigma: square });
    await writeNpz(join(apiRef, 'elsewhere.npz'), { mu: { ...ints, data: new Int32Array([1, 2, 3, 4]) }, sigma: square });
    const wrongDtype = fileSuite('test-fk-wrong-dtype', 'int-stats.npz', await sha256(join(apiRef, 'int-stats.npz')));
    const missing = fileSuite('test-fk-missing-here', 'elsewhere.npz', await sha256(join(apiRef, 'elsewhere.npz')));
    const synthetic = defineSuite({
      ...fileSuite('test-fk-synthetic', 'unused', '0'.repeat(64)),
      resolution: 18,
      reference: { type: 'synthetic-shapes', n: 64, seed: 1 },
      extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 18, normalization: 'minus-one-one' },
    });
    stack = await startStack({
      runners: 0,
      config: { assets: { referenceDir: apiRef, modelsDir: join(dir, 'models'), datasetsDir: join(dir, 'datasets') } },
    });
    await stack.app.get(SuitesService).sync([wrongDtype, missing, synthetic]);

    const healthy = await submitModel(
      stack,
      stack.submitterToken,
      buildTinyGenerator({ noiseDim: 16, resolution: RES, classes: 0, seed: 3 }),
      manifestAt('fk-healthy', RES),
    );
    expect(healthy.status, JSON.stringify(healthy.body)).toBe(201);
    for (const e of healthy.body.evaluations) ids[e.suite.id] = e.id;
    const nan = await submitModel(
      stack,
      stack.submitterToken,
      buildNanGenerator({ noiseDim: 16, resolution: 18, classes: 0, seed: 4 }),
      manifestAt('fk-nan', 18),
    );
    expect(nan.status, JSON.stringify(nan.body)).toBe(201);
    ids.nan = nan.body.evaluations[0].id;
    const stale = await submitModel(
      stack,
      stack.submitterToken,
      buildTinyGenerator({ noiseDim: 16, resolution: 18, classes: 0, seed: 5 }),
      manifestAt('fk-stale', 18),
    );
    expect(stale.status, JSON.stringify(stale.body)).toBe(201);
    ids.stale = stale.body.evaluations[0].id;
    expect(Object.keys(ids).sort()).toEqual(['nan', 'stale', 'test-fk-missing-here', 'test-fk-wrong-dtype']);
    // A manifest stored by an API whose schema this runner no longer shares.
    const db = new pg.Client({ connectionString: stack.config.databaseUrl });
    await db.connect();
    try {
      const r = await db.query(
        `UPDATE model_versions SET manifest = jsonb_set(manifest::jsonb, '{noise_dim}', '"sixteen"')
         WHERE id = (SELECT model_version_id FROM evaluations WHERE id = $1)`,
        [ids.stale],
      );
      expect(r.rowCount).toBe(1);
    } finally {
      await db.end();
    }
    queue = new Queue(EVALUATE_QUEUE, { connection: redisConnection(stack.config.redisUrl), prefix: stack.config.queuePrefix });
    await queue.add(
      'evaluate',
      { evaluationId: 'not-a-uuid' },
      { jobId: 'malformed', attempts: 3, backoff: { type: 'fixed', delay: 100 } },
    );

    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line) logLines.push(JSON.parse(line));
        done();
      },
    });
    runner = startRunner(
      {
        redisUrl: stack.config.redisUrl,
        apiUrl: stack.baseUrl,
        token: stack.runnerToken,
        queuePrefix: stack.config.queuePrefix,
        runnerId: 'fk-runner',
        cacheDir: join(stack.dataDir, 'fk-cache'),
        executionProvider: 'cpu',
        concurrency: 1,
        noiseThreads: 0,
        evalTimeoutMs: 120_000,
        lockMs: 60_000,
        childMemoryLimitBytes: stack.config.childMemoryLimitBytes,
        assetDirs: { ...stack.config.assets, referenceDir: runnerRef },
      },
      pino({ level: 'info' }, sink),
    );
  });

  afterAll(async () => {
    await runner?.stop({ force: true }).catch(() => undefined);
    await queue?.close();
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const logsOf = (evaluationId: string) => logLines.filter((l) => l.evaluationId === evaluationId);

  it("a model's fault is not retried: kind model, its reason unchanged", async () => {
    const { final } = await waitForEvaluation(stack, ids.nan!);
    expect(final.status).toBe('failed');
    expect(final.failureKind).toBe('model');
    expect(final.attempts).toBe(1);
    expect(final.failureReason).toMatch(/produced NaN .* for sample 0/);
    const failed = logsOf(ids.nan!).find((l) => l.msg === 'evaluation failed: model');
    expect(failed?.err?.stack).toMatch(/^ModelFailure: /);
  });

  it("a suite's fault (pinned statistics of the wrong dtype) is not retried: kind suite, the child's stack in the log", async () => {
    const id = ids['test-fk-wrong-dtype']!;
    const { final } = await waitForEvaluation(stack, id);
    expect(final.status).toBe('failed');
    expect(final.failureKind).toBe('suite');
    expect(final.attempts).toBe(1);
    expect(final.failureReason).toMatch(/^<runner>\/…\/int-stats\.npz: 'mu' is int32; statistics must be float32 or float64/);
    const failed = logsOf(id).find((l) => l.msg === 'evaluation failed: suite');
    expect(failed?.level).toBe(50);
    // The runner's log has the full path, the child's stack and the cause the public reason leaves out.
    expect(failed?.err?.message).toContain(join(runnerRef, 'int-stats.npz'));
    expect(failed?.err?.stack).toMatch(/SuiteFailure[\s\S]*generation\.task\.ts/);
    expect(failed?.causes?.[0]).toMatch(/MetricInputError[\s\S]*activations\.ts/);
  });

  it('a stored manifest this runner no longer reads is the operator’s fault: kind suite, no retry, nothing run', async () => {
    const { final } = await waitForEvaluation(stack, ids.stale!);
    expect(final.status).toBe('failed');
    expect(final.failureKind).toBe('suite');
    expect(final.attempts).toBe(1);
    expect(final.failureReason).toMatch(/^stored manifest no longer validates: .*noise_dim/s);
    expect(logsOf(ids.stale!).some((l) => l.msg === 'evaluation started')).toBe(false);
  });

  it('a malformed job payload fails its job once, unretried, and touches no evaluation', async () => {
    const job = await waitFor('the malformed job to fail', async () => {
      const j = await queue.getJob('malformed');
      return j && (await j.getState()) === 'failed' ? j : undefined;
    });
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^malformed job payload: .*evaluationId/s);
    expect(logLines.find((l) => l.jobId === 'malformed')).toMatchObject({ level: 50, kind: 'suite' });
  });

  it('an infrastructure fault (a reference file missing on this runner) is retried, then recorded after 3 attempts', async () => {
    const id = ids['test-fk-missing-here']!;
    const { final } = await waitForEvaluation(stack, id, 60_000);
    expect(final.status).toBe('failed');
    expect(final.failureKind).toBe('infrastructure');
    expect(final.attempts).toBe(3);
    // The reason reads as before the column existed, the runner's directory redacted.
    expect(final.failureReason).toMatch(/^infrastructure: gave up after 3 attempts: .*elsewhere\.npz/s);
    expect(final.failureReason).not.toContain(dir);
    const retried = logsOf(id).filter((l) => l.kind === 'infrastructure');
    expect(retried.map((l) => l.lastAttempt)).toEqual([false, false, true]);
    expect(retried[0]?.err?.stack).toMatch(/MissingAssetError/);
    // Each failed attempt gave its claim up, so its retry claimed at once instead of waiting out the 30 s lease.
    expect(logsOf(id).filter((l) => /claimed by another runner/.test(l.msg ?? ''))).toEqual([]);
    expect(logsOf(id).filter((l) => /claim not released/.test(l.msg ?? ''))).toEqual([]);
    // The column, as the API's answer says.
    const db = new pg.Client({ connectionString: stack.config.databaseUrl });
    await db.connect();
    try {
      const r = await db.query('SELECT id, failure_kind FROM evaluations WHERE id = ANY($1::uuid[]) ORDER BY id', [Object.values(ids)]);
      expect(Object.fromEntries(r.rows.map((row) => [row.id, row.failure_kind]))).toEqual({
        [ids.nan!]: 'model',
        [ids.stale!]: 'suite',
        [ids['test-fk-wrong-dtype']!]: 'suite',
        [ids['test-fk-missing-here']!]: 'infrastructure',
      });
    } finally {
      await db.end();
    }
    const listed = await getJson(stack, `/api/evaluations?ids=${Object.values(ids).join(',')}`, stack.adminToken);
    expect(listed.items.map((e: any) => e.failureKind).sort()).toEqual(['infrastructure', 'model', 'suite', 'suite']);
  });
});
