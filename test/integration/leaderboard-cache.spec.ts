import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { scoreAs } from '../support/manual-runner.js';
import { type TestStack, startStack } from '../support/stack.js';
import { submit } from '../support/submissions.js';

/**
 * The leaderboard is served from a cache valid for one leaderboard_state.version (migration
 * 20261204000100_leaderboard_version). Every change a board shows must reach the very next read, whatever
 * wrote it (the runner API, or SQL behind the API's back, as an admin script would): a stored result, a
 * visibility change, a withdrawn (deleted) version, a cancelled evaluation, a corrected metric. Conditional
 * requests answer 304 only while nothing changed, and only anonymous bodies are marked shareable.
 */
describe('leaderboard cache and conditional requests', () => {
  let stack: TestStack;
  let db: pg.Client;
  let seed = 900;
  const BOARD = '/api/leaderboards?suite=smoke-32&limit=1000';

  async function addScored(name: string, fid: number) {
    const sub = await submit(stack, stack.submitterToken, {
      file: buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: seed++ }),
      manifest: exampleManifest(name),
    });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    const scored = sub.body.evaluations.find((e: any) => e.suite.id === 'smoke-32');
    await scoreAs(stack, scored.id, { fid });
    return { versionId: sub.body.version.id as string, evaluationId: scored.id as string };
  }

  /** This file's entries on the smoke-32 board, as `name:fid`, in rank order. */
  async function read(token?: string, etag?: string) {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    // As a browser revalidates; fetch() alone adds `Cache-Control: no-cache` to a conditional request (Fetch
    // standard, cache mode no-store), which asks the server for a full answer.
    if (etag) Object.assign(headers, { 'if-none-match': etag, 'cache-control': 'max-age=0' });
    const res = await fetch(`${stack.baseUrl}${BOARD}`, { headers });
    const entries = res.status === 200 ? ((await res.json()) as any).boards[0].entries : [];
    return {
      status: res.status,
      etag: res.headers.get('etag') ?? undefined,
      cacheControl: res.headers.get('cache-control'),
      vary: res.headers.get('vary'),
      mine: entries.filter((e: any) => e.model.owner === stack.owner).map((e: any) => `${e.model.name}:${e.metrics.fid}`),
    };
  }

  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
    db = new pg.Client({ connectionString: stack.config.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  it('answers 304 while nothing changed, and shows every kind of change on the next read', async () => {
    const a = await addScored('cache-a', 20);
    const first = await read();
    expect(first.status).toBe(200);
    expect(first.mine).toEqual(['cache-a:20']);
    expect(first.cacheControl).toBe('public, no-cache');
    expect(first.vary).toBe('Authorization');
    expect(first.etag).toMatch(/^W\/".+"$/);
    // Other test files write to the same boards: a 200 is right only with another ETag (their change).
    let notModified = false;
    for (let tries = 0; tries < 10 && !notModified; tries++) {
      const again = await read();
      const conditional = await read(undefined, again.etag);
      if (conditional.status === 304) notModified = true;
      else expect(conditional.etag).not.toBe(again.etag);
    }
    expect(notModified).toBe(true);

    // A result stored through the runner API: on the very next read, and the old ETag no longer matches.
    const b = await addScored('cache-b', 10);
    const second = await read(undefined, first.etag);
    expect(second.status).toBe(200);
    expect(second.mine).toEqual(['cache-b:10', 'cache-a:20']);

    // A corrected metric value, written in SQL.
    await db.query(`UPDATE metric_values SET value = 5 WHERE evaluation_id = $1 AND metric_id = 'fid'`, [a.evaluationId]);
    expect((await read()).mine).toEqual(['cache-a:5', 'cache-b:10']);

    // A visibility change: gone for anonymous readers at once, still there for the owner (marked private).
    await db.query(`UPDATE model_versions SET visibility = 'private' WHERE id = $1`, [a.versionId]);
    expect((await read()).mine).toEqual(['cache-b:10']);
    const owner = await read(stack.submitterToken);
    expect(owner.mine).toEqual(['cache-a:5', 'cache-b:10']);
    expect(owner.cacheControl).toBe('private, no-cache');
    expect(owner.vary).toBe('Authorization');
    // The owner's cached body is never served to anonymous readers, nor the other way round.
    expect((await read()).mine).toEqual(['cache-b:10']);
    expect((await read(stack.adminToken)).mine).toEqual(['cache-a:5', 'cache-b:10']);

    // A cancelled evaluation leaves the board.
    await db.query(`UPDATE evaluations SET status = 'cancelled' WHERE id = $1`, [b.evaluationId]);
    expect((await read(stack.submitterToken)).mine).toEqual(['cache-a:5']);

    // A withdrawn (deleted) version leaves it too.
    await db.query(`DELETE FROM model_versions WHERE id = $1`, [a.versionId]);
    expect((await read(stack.adminToken)).mine).toEqual([]);
  });
});
