import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuitesService } from '../../api/src/suites/suites.service.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { buildNanGenerator } from '../support/onnx-models/broken-models.js';
import { type RunnerProcess, spawnRunner } from '../support/runner-process.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { type TestStack, startStack, submitModel, waitForEvaluation } from '../support/stack.js';
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
    whole = await startStack({ runners: 1, databaseUrl: scratch.url });
    sharded = await startStack({ runners: 0, databaseUrl: scratch.url, config: { shards: 3 } });
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

  it('3 shards over three runner processes store exactly the unsharded metrics (Object.is), spread over more than one process', async () => {
    const model = buildTinyGenerator({ noiseDim: 16, resolution: 16, classes: 0, seed: 3 });
    const [a, b] = await Promise.all([scoreOn(whole, model, 'shard-equal'), scoreOn(sharded, model, 'shard-equal')]);
    expect(a.final.status, a.final.failureReason).toBe('succeeded');
    expect(b.final.status, b.final.failureReason).toBe('succeeded');
    const metrics = async (id: string) =>
      (await db.query('SELECT metric_id, value FROM metric_values WHERE evaluation_id = $1 ORDER BY metric_id', [id])).rows;
    const [ma, mb] = [await metrics(a.id), await metrics(b.id)];
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
      [0, 'succeeded', 1, 0, 128],
      [1, 'succeeded', 1, 128, 256],
      [2, 'succeeded', 1, 256, 384],
    ]);
    expect(new Set(shards.map((s) => s.runner_id)).size, JSON.stringify(shards)).toBeGreaterThan(1);
    expect((await db.query('SELECT count(*)::int AS n FROM evaluation_shards WHERE evaluation_id = $1', [a.id])).rows[0].n).toBe(0);
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
