import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuitesService } from '../../api/src/suites/suites.service.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { buildNanGenerator } from '../support/onnx-models/broken-models.js';
import { type RunnerProcess, spawnRunner } from '../support/runner-process.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { type TestStack, startStack, submitModel, waitFor, waitForEvaluation } from '../support/stack.js';
import { SHARDED_SLOW_SUITE, SHARDED_SUITE, shardedManifest, slowManifest } from '../support/test-suites.js';

/**
 * Sharded evaluations (issue #18): the same model on the same suite, scored whole by one runner and with
 * 1, 3 and 8 shards (BullMQ flows) over three runner processes, stores identical metrics (Object.is, not a
 * tolerance: the merge repeats the unsharded arithmetic); the shards spread over more than one process; a
 * runner SIGKILLed in the middle of its shard loses that shard only; a shard that fails for the model's
 * reason fails the evaluation with that reason. A database of its own: the shard rows and the stored
 * metrics are counted.
 */
describe('sharded evaluations over several runner processes', () => {
  let scratch: ScratchDatabase;
  let whole: TestStack;
  let sharded: TestStack;
  let db: pg.Client;
  const runners = new Map<string, RunnerProcess>();

  beforeAll(async () => {
    scratch = await migratedScratchDatabase('sharding');
    // Two stacks on one database: neither reconciles on its own, or it would queue the other's evaluations
    // onto its own queue, whose runners cannot fetch the other stack's files.
    whole = await startStack({ runners: 1, databaseUrl: scratch.url, config: { reconciler: false } });
    // A short claim lease and job lock (as in faults.spec): a killed runner's shard is taken over in seconds.
    sharded = await startStack({
      runners: 0,
      databaseUrl: scratch.url,
      config: { shards: 3, reconciler: false, claimLeaseMs: 5000 },
    });
    await whole.app.get(SuitesService).sync([SHARDED_SUITE, SHARDED_SLOW_SUITE]);
    for (const name of ['shard-a', 'shard-b', 'shard-c']) runners.set(name, spawnRunner(sharded, name, { GENBENCH_LOCK_S: '2' }));
    db = new pg.Client({ connectionString: scratch.url });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await Promise.all([...runners.values()].map((r) => r.kill('SIGTERM')));
    await sharded?.close();
    await whole?.close();
    await scratch?.drop();
  });

  async function submitOn(stack: TestStack, model: Uint8Array, name: string, suite: { id: string } = SHARDED_SUITE) {
    const manifest = suite.id === SHARDED_SUITE.id ? shardedManifest(name) : slowManifest(name);
    const r = await submitModel(stack, stack.submitterToken, model, manifest);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.evaluations.find((e: any) => e.suite.id === suite.id)?.id as string;
    expect(id).toBeDefined();
    return id;
  }
  async function scoreOn(stack: TestStack, model: Uint8Array, name: string) {
    const id = await submitOn(stack, model, name);
    return { id, final: (await waitForEvaluation(stack, id, 120_000)).final };
  }

  const metricsOf = async (id: string) =>
    (await db.query('SELECT metric_id, value FROM metric_values WHERE evaluation_id = $1 ORDER BY metric_id', [id])).rows;
  const shardsOf = async (id: string) =>
    (
      await db.query(
        'SELECT index, status, attempts, runner_id, start, "end", progress, partial_sha256 FROM evaluation_shards WHERE evaluation_id = $1 ORDER BY index',
        [id],
      )
    ).rows;
  const post = (stack: TestStack, path: string) =>
    fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${stack.adminToken}` } });

  it('1, 3 and 8 shards over three runner processes store exactly the unsharded metrics (Object.is), spread over more than one process', async () => {
    const model = buildTinyGenerator({ noiseDim: 16, resolution: 16, classes: 0, seed: 3 });
    // The API reads how many shards to ask for when it queues: each submission is queued before the next
    // changes it, and the runs then go on side by side on the same three runner processes.
    const submitWith = async (shards: number, name: string) => {
      const before = sharded.config.shards;
      sharded.config.shards = shards;
      try {
        return await submitOn(sharded, model, name);
      } finally {
        sharded.config.shards = before;
      }
    };
    const ids = { 1: await submitWith(1, 'shard-equal-1'), 3: await submitWith(3, 'shard-equal'), 8: await submitWith(8, 'shard-equal-8') };
    const [a, ...runs] = await Promise.all([
      scoreOn(whole, model, 'shard-equal'),
      ...([1, 3, 8] as const).map(async (n) => ({ n, id: ids[n], final: (await waitForEvaluation(sharded, ids[n], 120_000)).final })),
    ]);
    expect(a.final.status, a.final.failureReason).toBe('succeeded');
    expect(a.final.progress).toBe(1);
    const ma = await metricsOf(a.id);
    expect(ma.map((m) => m.metric_id)).toEqual(['fid']);
    expect((await db.query('SELECT count(*)::int AS n FROM evaluation_shards WHERE evaluation_id = $1', [a.id])).rows[0].n).toBe(0);

    for (const { n, id, final } of runs) {
      expect(final.status, `${n} shards: ${final.failureReason}`).toBe('succeeded');
      expect(final.progress, `${n} shards`).toBe(1);
      const mb = await metricsOf(id);
      expect(mb, `${n} shards`).toHaveLength(ma.length);
      for (let i = 0; i < ma.length; i++)
        expect(Object.is(mb[i].value, ma[i].value), `${n} shards: ${mb[i].value} vs ${ma[i].value}`).toBe(true);
    }

    // 1 shard: the evaluation runs whole, no shard rows.
    expect((await shardsOf(ids[1])).length).toBe(0);
    const three = await shardsOf(ids[3]);
    expect(runs.find((r) => r.n === 3)!.final.provenance.protocol.shards).toBe(3);
    expect(three.map((s) => [s.index, s.status, s.attempts, s.start, s.end])).toEqual([
      [0, 'succeeded', 1, 0, 64],
      [1, 'succeeded', 1, 64, 128],
      [2, 'succeeded', 1, 128, 192],
    ]);
    // 8 shards of 12 batches of 16: the first four take two batches, the last four one.
    const eight = await shardsOf(ids[8]);
    expect(runs.find((r) => r.n === 8)!.final.provenance.protocol.shards).toBe(8);
    expect(eight.map((s) => [s.index, s.status, s.attempts, s.start, s.end])).toEqual([
      [0, 'succeeded', 1, 0, 32],
      [1, 'succeeded', 1, 32, 64],
      [2, 'succeeded', 1, 64, 96],
      [3, 'succeeded', 1, 96, 128],
      [4, 'succeeded', 1, 128, 144],
      [5, 'succeeded', 1, 144, 160],
      [6, 'succeeded', 1, 160, 176],
      [7, 'succeeded', 1, 176, 192],
    ]);
    for (const shards of [three, eight]) expect(new Set(shards.map((s) => s.runner_id)).size, JSON.stringify(shards)).toBeGreaterThan(1);
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

  it('a runner SIGKILLed in the middle of its shard loses that shard only: the other shards are not run again, the evaluation completes once with the unsharded metrics (Object.is)', async () => {
    const model = buildTinyGenerator({ noiseDim: 16, resolution: 24, classes: 0, seed: 6 });
    const reference = submitOn(whole, model, 'shard-killed', SHARDED_SLOW_SUITE).then(async (rid) => ({
      id: rid,
      final: (await waitForEvaluation(whole, rid, 150_000)).final,
    }));
    const id = await submitOn(sharded, model, 'shard-killed', SHARDED_SLOW_SUITE);
    const victim = await waitFor(
      'a shard in the middle of its run',
      async () => (await shardsOf(id)).find((s) => s.status === 'running' && s.progress > 0 && s.progress < 0.5),
      90_000,
    );
    const doomed = runners.get(victim.runner_id);
    expect(doomed, victim.runner_id).toBeDefined();
    await doomed!.kill('SIGKILL');
    const atKill = await shardsOf(id);
    expect(atKill.find((s) => s.index === victim.index)!.status, JSON.stringify(atKill)).toBe('running');

    const { final } = await waitForEvaluation(sharded, id, 150_000);
    expect(final.status, final.failureReason).toBe('succeeded');
    const after = await shardsOf(id);
    expect(after.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    for (const s of after) {
      if (s.index === victim.index) {
        // Claimed again (a second attempt) by a runner still alive.
        expect(s.attempts, JSON.stringify(after)).toBe(2);
        expect(s.runner_id).not.toBe(victim.runner_id);
      } else {
        // Run once: a shard finished before the kill keeps its partial and runner as they were.
        expect(s.attempts, JSON.stringify(after)).toBe(1);
        const then = atKill.find((x) => x.index === s.index)!;
        if (then.status === 'succeeded') expect([s.partial_sha256, s.runner_id]).toEqual([then.partial_sha256, then.runner_id]);
      }
    }
    const ref = await reference;
    expect(ref.final.status, ref.final.failureReason).toBe('succeeded');
    const [ma, mb] = [await metricsOf(ref.id), await metricsOf(id)];
    expect(ma.map((m) => m.metric_id)).toEqual(['fid']);
    expect(mb).toHaveLength(1);
    expect(Object.is(mb[0].value, ma[0].value), `${mb[0].value} vs ${ma[0].value}`).toBe(true);
  }, 240_000);
});
