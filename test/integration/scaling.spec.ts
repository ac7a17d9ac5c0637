import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { type RunnerProcess, spawnRunner } from '../support/runner-process.js';
import { type TestStack, startStack, submitModel, waitForEvaluation } from '../support/stack.js';

/**
 * Scaling out: runners join by pointing at the same Redis and API with a runner token. Two runner
 * processes on one queue: every evaluation runs exactly once, and both take work.
 */
describe('two runner processes on one queue', () => {
  let stack: TestStack;
  const runners: RunnerProcess[] = [];
  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.kill('SIGTERM')));
    await stack?.close();
  });

  it('runs every evaluation exactly once, spread over both runners', async () => {
    runners.push(spawnRunner(stack, 'runner-a'), spawnRunner(stack, 'runner-b'));
    const ids: string[] = [];
    for (let seed = 100; seed < 108; seed++) {
      const r = await submitModel(
        stack,
        stack.submitterToken,
        buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed }),
        exampleManifest(`scale-${seed}`),
      );
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.push(...r.body.evaluations.map((e: any) => e.id));
    }
    const finals = [];
    for (const id of ids) finals.push((await waitForEvaluation(stack, id, 120_000)).final);
    for (const f of finals) {
      expect(f.status, f.failureReason).toBe('succeeded');
      expect(f.attempts).toBe(1);
    }
    const byRunner = new Map<string, number>();
    for (const f of finals) byRunner.set(f.provenance.runnerId, (byRunner.get(f.provenance.runnerId) ?? 0) + 1);
    expect([...byRunner.keys()].sort()).toEqual(['runner-a', 'runner-b']);

    const c = new pg.Client({ connectionString: stack.config.databaseUrl });
    await c.connect();
    try {
      const rows = await c.query(
        'SELECT evaluation_id, count(*)::int AS n FROM metric_values WHERE evaluation_id = ANY($1::uuid[]) GROUP BY evaluation_id',
        [ids],
      );
      expect(rows.rows).toHaveLength(ids.length);
      for (const r of rows.rows) expect(r.n).toBe(1);
    } finally {
      await c.end();
    }
  });
});
