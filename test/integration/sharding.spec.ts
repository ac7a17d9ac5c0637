import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuitesService } from '../../api/src/suites/suites.service.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { buildNanGenerator } from '../support/onnx-models/broken-models.js';
import { type RunnerProcess, spawnRunner } from '../support/runner-process.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { type TestStack, startStack, submitModel, waitFor, waitForEvaluation } from '../support/stack.js';
import { SHARDED_SUITE, shardedManifest } from '../support/test-suites.js';

/**
 * Sharded evaluations (issue #18): the same model on the same suite, scored whole by one runner and as a
 * BullMQ flow of 3 shards over three runner processes, stores identical metrics (Object.is, not a
 * tolerance: the merge repeats the unsharded arithmetic); the shards spread over more than one process; a
 * shard that fails for the model's reason fails the evaluation with that reason. A database of its own:
 * the shard rows and the stored metrics are counted.
 */
describe('sharded evaluations over several runner processes', () => {
  let scratch: ScratchDatabase;
  let whole: TestStack;
  let sharded: TestStack;
  let db: pg.Client;
  const runners: RunnerProcess[] = [];

  beforeAll(async () => {
    scratch = await migratedScratchDatabase('sharding');
    // Two stacks on one database: neither reconciles on its own, or it would queue the other's evaluations
    // onto its own queue, whose runners cannot fetch the other stack's files.
    whole = await startStack({ runners: 1, databaseUrl: scratch.url, config: { reconciler: false } });
    sharded = await startStack({ runners: 0, databaseUrl: scratch.url, config: { shards: 3, reconciler: false } });
    await whole.app.get(SuitesService).sync([SHARDED_SUITE]);
    runners.push(spawnRunner(sharded, 'shard-a'), spawnRunner(sharded, 'shard-b'), spawnRunner(sharded, 'shard-c'));
    db = new pg.Client({ connectionString: scratch.url });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await Promise.all(runners.map((r) => r.kill('SIGTERM')));
    await sharded?.close();
    await whole?.close();
    await scratch?.drop();
  });

  async function scoreOn(stack: TestStack, model: Uint8Array, name: string) {
    const r = await submitModel(stack, stack.submitterToken, model, shardedManifest(name));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.evaluations.find((e: any) => e.suite.id === SHARDED_SUITE.id)?.id as string;
    expect(id).toBeDefined();
    return { id, final: (await waitForEvaluation(stack, id, 120_000)).final };
  }

  const metricsOf = async (id: string) =>
    (await db.query('SELECT metric_id, value FROM metric_values WHERE evaluation_id = $1 ORDER BY metric_id', [id])).rows;
  const shardsOf = async (id: string) =>
    (
      await db.query(
        'SELECT index, status, attempts, runner_id, start, "end", partial_sha256 FROM evaluation_shards WHERE evaluation_id = $1 ORDER BY index',
        [id],
      )
    ).rows;
  const post = (stack: TestStack, path: string) =>
    fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${stack.adminToken}` } });

  it('3 shards over three runner processes store exactly the unsharded metrics (Object.is), spread over more than one process', async () => {
    const model = buildTinyGenerator({ noiseDim: 16, resolution: 16, classes: 0, seed: 3 });
    const [a, b] = await Promise.all([scoreOn(whole, model, 'shard-equal'), scoreOn(sharded, model, 'shard-equal')]);
    expect(a.final.status, a.final.failureReason).toBe('succeeded');
    expect(b.final.status, b.final.failureReason).toBe('succeeded');
    const [ma, mb] = [await metricsOf(a.id), await metricsOf(b.id)];
    expect(ma.map((m) => m.metric_id)).toEqual(['fid']);
    expect(mb).toHaveLength(ma.length);
    for (let i = 0; i < ma.length; i++) expect(Object.is(mb[i].value, ma[i].value), `${mb[i].value} vs ${ma[i].value}`).toBe(true);
    expect(a.final.progress).toBe(1);
    expect(b.final.progress).toBe(1);
    expect(b.final.provenance.protocol.shards).toBe(3);

    const shards = (
      await db.query(
        'SELECT index, status, attempts, runner_id, start, "end" FROM evaluation_shards WHERE evaluation_id = $1 ORDER BY index',
        [b.id],
      )
    ).rows;
    expect(shards.map((s) => [s.index, s.status, s.attempts, s.start, s.end])).toEqual([
      [0, 'succeeded', 1, 0, 64],
      [1, 'succeeded', 1, 64, 128],
      [2, 'succeeded', 1, 128, 192],
    ]);
    expect(new Set(shards.map((s) => s.runner_id)).size, JSON.stringify(shards)).toBeGreaterThan(1);
    expect((await db.query('SELECT count(*)::int AS n FROM evaluation_shards WHERE evaluation_id = $1', [a.id])).rows[0].n).toBe(0);
  }, 180_000);

  it('cancel stops every shard; retry runs the unfinished shards only and stores the unsharded metrics once', async () => {
    const model = buildTinyGenerator({ noiseDim: 16, resolution: 16, classes: 0, seed: 5 });
    const reference = await scoreOn(whole, model, 'shard-cancel');
    const r = await submitModel(sharded, sharded.submitterToken, model, shardedManifest('shard-cancel'));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.evaluations.find((e: any) => e.suite.id === SHARDED_SUITE.id)?.id as string;
    await waitFor('a shard running', async () => ((await shardsOf(id)).some((s) => s.status === 'running') ? true : undefined), 60_000);
    const cancelled = await post(sharded, `/api/evaluations/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    const before = await shardsOf(id);
    expect(
      before.every((s) => s.status === 'succeeded' || s.status === 'cancelled'),
      JSON.stringify(before),
    ).toBe(true);
    expect(before.some((s) => s.status === 'cancelled')).toBe(true);
    expect(await metricsOf(id)).toEqual([]);

    expect((await post(sharded, `/api/evaluations/${id}/retry`)).status).toBe(200);
    const { final } = await waitForEvaluation(sharded, id, 120_000);
    expect(final.status, final.failureReason).toBe('succeeded');
    const after = await shardsOf(id);
    for (const s of before.filter((x) => x.status === 'succeeded')) {
      // Kept as they were: not run again.
      const now = after.find((x) => x.index === s.index)!;
      expect([now.attempts, now.partial_sha256, now.runner_id]).toEqual([s.attempts, s.partial_sha256, s.runner_id]);
    }
    expect(after.every((s) => s.status === 'succeeded')).toBe(true);
    const [ma, mb] = [await metricsOf(reference.id), await metricsOf(id)];
    expect(mb).toHaveLength(1);
    expect(Object.is(mb[0].value, ma[0].value), `${mb[0].value} vs ${ma[0].value}`).toBe(true);
  }, 180_000);

  it("a shard that fails for the model's reason fails the evaluation with that reason, once", async () => {
    const { id, final } = await scoreOn(sharded, buildNanGenerator({ noiseDim: 16, resolution: 16, classes: 0, seed: 4 }), 'shard-nan');
    expect(final.status).toBe('failed');
    expect(final.failureKind).toBe('model');
    const failed = (await db.query("SELECT failure_reason FROM evaluation_shards WHERE evaluation_id = $1 AND status = 'failed'", [id]))
      .rows;
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.map((f) => f.failure_reason)).toContain(final.failureReason);
    expect(final.failureReason).toMatch(/NaN|non-finite|finite/i);
    expect((await db.query('SELECT count(*)::int AS n FROM metric_values WHERE evaluation_id = $1', [id])).rows[0].n).toBe(0);
  }, 120_000);
});
